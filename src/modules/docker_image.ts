/** docker_image: an image present on the host (pulled when missing) or absent. Build/push live in src/build. */
import { z } from "zod";
import { imageIdArgv, pullQuietArgv, removeImageArgv } from "../commands/docker-image.js";
import type { Module } from "../engine/types.js";
import { execOptions } from "./support/exec.js";

const argsSchema = z
  .object({
    name: z.string().min(1),
    tag: z.string().default("latest"),
    state: z.enum(["present", "absent"]).default("present"),
    /** Pull even when present (a moving tag like latest). */
    force_pull: z.boolean().default(false),
  })
  .strict();

export function imageRef(name: string, tag: string): string {
  return name.includes("@") || /:[^/]+$/.test(name) ? name : `${name}:${tag}`;
}

export function inspectImageArgv(ref: string): string[] {
  return imageIdArgv(ref, true);
}

export const dockerImageModule: Module<typeof argsSchema> = {
  name: "docker_image",
  argsSchema,
  async run(ctx, args) {
    const ref = imageRef(args.name, args.tag);
    const inspect = await ctx.host.exec(inspectImageArgv(ref), execOptions(ctx, { check: false }));
    const before = inspect.code === 0 ? inspect.stdout.trim() : undefined;
    if (args.state === "absent") {
      if (!before) return { status: "ok" };
      if (!ctx.check) await ctx.host.exec(removeImageArgv(["--", ref]), execOptions(ctx));
      return { status: "changed", msg: `removed ${ref}` };
    }
    if (before && !args.force_pull) return { status: "ok", data: { id: before } };
    if (ctx.check) return { status: "changed", msg: `would pull ${ref}` };
    await ctx.host.exec(pullQuietArgv(ref), execOptions(ctx, { timeoutMs: 30 * 60_000 }));
    const after = (await ctx.host.exec(inspectImageArgv(ref), execOptions(ctx))).stdout.trim();
    return {
      status: after === before ? "ok" : "changed",
      data: { id: after },
      msg: after === before ? undefined : `pulled ${ref}`,
    };
  },
};
