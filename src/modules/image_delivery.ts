/**
 * image_delivery: puts images on the host (pull by digest, or `docker save | gzip` streamed over SSH when there is no
 * registry), or prunes the app's images beyond the last `keep` releases (never the live or previous release's).
 * Inspect first: an image the host already has is "ok"; check mode reports what it would do.
 */
import { z } from "zod";
import { imageIdArgv } from "../commands/docker-image.js";
import { pruneImages } from "../delivery/prune.js";
import { deliverByPull } from "../delivery/pull.js";
import { deliverByStream } from "../delivery/stream.js";
import type { Module, ModuleResult } from "../engine/types.js";

const imageSchema = z.object({ service: z.string(), reference: z.string(), tag_as: z.string().optional() }).strict();

const argsSchema = z.discriminatedUnion("action", [
  z
    .object({
      action: z.literal("deliver"),
      method: z.enum(["registry", "ssh"]),
      images: z.array(imageSchema).min(1),
      login: z.object({ registry: z.string(), username: z.string(), password: z.string() }).strict().optional(),
    })
    .strict(),
  z
    .object({
      action: z.literal("prune"),
      repositories: z.array(z.string()).min(1),
      releases: z.array(z.object({ id: z.string(), images: z.array(z.string()) })),
      keep: z.number().int().min(0),
      live: z.string().nullable().default(null),
      previous: z.string().nullable().default(null),
    })
    .strict(),
]);

export const imageDeliveryModule: Module<typeof argsSchema> = {
  name: "image_delivery",
  argsSchema,
  async run(ctx, args): Promise<ModuleResult> {
    if (args.action === "prune") {
      const result = await pruneImages(ctx.host, { ...args, dryRun: ctx.check });
      const count = ctx.check ? result.plan.remove.length : result.removed.length;
      const failed = result.failed.map((f) => `${f.id}: ${f.message}`).join("; ");
      return {
        status: count > 0 ? "changed" : "ok",
        msg: `${ctx.check ? "would remove" : "removed"} ${count} image(s)${failed ? `; kept (docker refused): ${failed}` : ""}`,
        data: { removed: result.removed, kept: result.plan.keep.map((image) => image.id) },
      };
    }
    const images = args.images.map((image) => ({
      service: image.service,
      reference: image.reference,
      tagAs: image.tag_as,
    }));
    if (ctx.check) {
      const missing: string[] = [];
      for (const image of images) {
        const probe = await ctx.host.exec(imageIdArgv(image.reference), { check: false, step: ctx.step });
        if (probe.code !== 0) missing.push(image.service);
      }
      return missing.length > 0
        ? { status: "changed", msg: `would ${args.method === "ssh" ? "stream" : "pull"} ${missing.join(", ")}` }
        : { status: "ok", msg: "every image is on the host" };
    }
    const [result] =
      args.method === "registry"
        ? await deliverByPull([ctx.host], images, { logins: args.login ? { [ctx.host.name]: args.login } : {} })
        : await deliverByStream([ctx.host], images);
    if (!result?.ok) {
      throw result?.error ?? new Error("image delivery returned no result");
    }
    const changed = result.images.some((image) => image.action !== "present");
    return {
      status: changed ? "changed" : "ok",
      msg: result.images.map((image) => `${image.service} ${image.action}`).join(", "),
      data: { images: Object.fromEntries(result.images.map((image) => [image.service, image])) },
    };
  },
};
