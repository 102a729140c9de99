/**
 * docker_container: one container with a given spec, running or stopped, or absent. An adapter over the deploy's
 * `docker run` builder (commands/docker.ts): the spec's hash is its `slipway.spec` label; a container is recreated only
 * when the hash or the image id differs. Secrets go in env_file (a 0600 file on
 * the host), never in argv.
 */
import { z } from "zod";
import {
  type ContainerRun,
  containerRunArgv,
  containerStateArgv,
  containersArgv,
  removeContainersArgv,
} from "../commands/docker.js";
import { imageIdArgv } from "../commands/docker-image.js";
import type { Module } from "../engine/types.js";
import { execOptions, runAll } from "./support/exec.js";

const argsSchema = z
  .object({
    name: z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/, "expected a container name"),
    image: z.string().optional(),
    state: z.enum(["started", "stopped", "absent"]).default("started"),
    command: z.array(z.string()).default([]),
    ports: z.array(z.string()).default([]),
    env: z.record(z.string(), z.string()).default({}),
    env_file: z.string().optional(),
    volumes: z.array(z.string()).default([]),
    labels: z.record(z.string(), z.string()).default({}),
    network: z.string().optional(),
    restart_policy: z.enum(["no", "always", "unless-stopped", "on-failure"]).default("unless-stopped"),
  })
  .strict()
  .refine((a) => a.state === "absent" || a.image !== undefined, "image is required unless state is absent");

export type ContainerArgs = z.output<typeof argsSchema>;

/** The module's arguments as the shared `docker run` spec (commands/docker.ts), on the image's id. */
export function containerRunOf(args: ContainerArgs, imageId: string): ContainerRun {
  return {
    name: args.name,
    restart: args.restart_policy,
    envFile: args.env_file,
    env: args.env,
    publish: args.ports,
    volumes: args.volumes,
    network: args.network,
    labels: args.labels,
    image: imageId,
    command: args.command,
  };
}

export const dockerContainerModule: Module<typeof argsSchema> = {
  name: "docker_container",
  argsSchema,
  async run(ctx, args) {
    const opts = execOptions(ctx, { check: false });
    const inspect = await ctx.host.exec(containerStateArgv(args.name), opts);
    const [imageId, running, hash] = inspect.code === 0 ? inspect.stdout.trim().split("|") : [];
    const exists = inspect.code === 0;
    if (args.state === "absent") {
      if (!exists) return { status: "ok" };
      if (!ctx.check) await runAll(ctx, [removeContainersArgv([args.name])]);
      return { status: "changed", msg: `removed ${args.name}` };
    }
    const wanted = await ctx.host.exec(imageIdArgv(args.image as string, true), opts);
    if (wanted.code !== 0)
      return { status: "failed", msg: `image ${args.image} is not on the host (pull it with docker_image first)` };
    const wantedId = wanted.stdout.trim();
    const commands: string[][] = [];
    const run = containerRunArgv(containerRunOf(args, wantedId));
    const upToDate = exists && imageId === wantedId && hash === run.spec;
    if (!upToDate) {
      if (exists) commands.push(removeContainersArgv([args.name]));
      commands.push(run.argv);
      if (args.state === "stopped") commands.push(containersArgv("stop", [args.name], ["--"]));
    } else if (args.state === "started" && running !== "true")
      commands.push(containersArgv("start", [args.name], ["--"]));
    else if (args.state === "stopped" && running === "true") commands.push(containersArgv("stop", [args.name], ["--"]));
    if (commands.length === 0) return { status: "ok" };
    if (!ctx.check) await runAll(ctx, commands);
    const reason = !exists ? "created" : !upToDate ? "recreated (spec or image changed)" : args.state;
    return { status: "changed", msg: `${args.name} ${reason}` };
  },
};
