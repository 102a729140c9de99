/**
 * docker_build: builds and pushes service images on the runner (not on the host: the task's host only decides when it
 * runs; give it `run_once`-style placement in the playbook). Skipped per image when the registry has the commit tag.
 * Check mode asks the registry only and reports which images would be built.
 */
import { z } from "zod";
import { buildImages } from "../build/build_images.js";
import { parseImageReference } from "../build/reference.js";
import { headManifest } from "../build/registry.js";
import type { Module } from "../engine/types.js";

const argsSchema = z
  .object({
    images: z
      .array(
        z
          .object({
            service: z.string(),
            repository: z.string(),
            context: z.string(),
            dockerfile: z.string().optional(),
            target: z.string().optional(),
            build_args: z.record(z.string(), z.string()).default({}),
            secrets: z.array(z.string()).default([]),
            platforms: z.array(z.string()).optional(),
          })
          .strict(),
      )
      .min(1),
    commit: z.string().regex(/^[0-9a-f]{40}$/, "expected the full 40-hex commit SHA"),
    branch: z.string().nullable().default(null),
    source: z.string().nullable().default(null),
    latest: z.boolean().default(false),
    push: z.boolean().default(true),
    insecure: z.boolean().default(false),
    username: z.string().optional(),
    /** Resolved secret value (give it from a secret variable; the engine's redactor masks it). */
    password: z.string().optional(),
    builder: z.enum(["auto", "buildx", "classic"]).default("auto"),
  })
  .strict();

export const dockerBuildModule: Module<typeof argsSchema> = {
  name: "docker_build",
  argsSchema,
  async run(ctx, args) {
    const credentials =
      args.username && args.password ? { username: args.username, password: args.password } : undefined;
    if (ctx.check) {
      if (!args.push) return { status: "changed", msg: "images would be built" };
      const missing: string[] = [];
      for (const image of args.images) {
        const found = await headManifest(`${image.repository}:${args.commit}`, {
          insecure: args.insecure,
          credentials,
        });
        if (!found) missing.push(image.service);
      }
      return missing.length > 0
        ? { status: "changed", msg: `would build ${missing.join(", ")}` }
        : { status: "ok", msg: "every image is already in the registry" };
    }
    const registries = Object.fromEntries(
      args.images.map((image) => [
        parseImageReference(image.repository).registry,
        { insecure: args.insecure, credentials },
      ]),
    );
    const built = await buildImages(
      args.images.map((image) => ({
        service: image.service,
        repository: image.repository,
        context: image.context,
        dockerfile: image.dockerfile,
        target: image.target,
        buildArgs: image.build_args,
        secrets: image.secrets.map((name) => ({ id: name, env: name })),
        platforms: image.platforms,
      })),
      {
        git: { commitSha: args.commit, branch: args.branch, source: args.source },
        latest: args.latest,
        push: args.push,
        builder: args.builder,
        registries,
      },
    );
    const changed = built.some((image) => !image.skipped);
    return {
      status: changed ? "changed" : "ok",
      msg: built
        .map((image) => `${image.service} ${image.reference}${image.skipped ? " (in registry)" : ""}`)
        .join("; "),
      data: {
        images: Object.fromEntries(built.map((image) => [image.service, image])),
      },
    };
  },
};
