/**
 * compose: a compose project up (or down). Works with `docker compose` (v2) and `docker-compose` (v1), whichever
 * the host's facts report. "changed" comes from compose's own output: it names what it created, recreated or started.
 */
import { z } from "zod";
import { composeDownArgv, composeProjectBase, composePsArgv } from "../commands/compose.js";
import type { Module } from "../engine/types.js";
import type { HostFacts } from "../remote/types.js";
import { execOptions } from "./support/exec.js";

const argsSchema = z
  .object({
    project_src: z.string().startsWith("/", "expected an absolute path"),
    project_name: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, "expected a lowercase project name"),
    files: z.array(z.string()).default([]),
    state: z.enum(["present", "absent"]).default("present"),
    services: z.array(z.string()).default([]),
    remove_orphans: z.boolean().default(true),
    timeout_s: z.number().positive().default(300),
  })
  .strict();

export type ComposeArgs = z.output<typeof argsSchema>;

export function composeBase(flavour: HostFacts["docker"]["compose"], args: ComposeArgs): string[] {
  return composeProjectBase(flavour, args.project_name, args.files);
}

export function upArgv(base: readonly string[], args: ComposeArgs): string[] {
  return [...base, "up", "--detach", ...(args.remove_orphans ? ["--remove-orphans"] : []), ...args.services];
}

/** compose's progress lines name containers it created/recreated/started; "Running"/"up-to-date" mean no change. */
export function composeChanged(output: string): boolean {
  return /\b(Creat|Recreat|Start)(ing|ed)\b/.test(output);
}

export const composeModule: Module<typeof argsSchema> = {
  name: "compose",
  argsSchema,
  async run(ctx, args) {
    const flavour = ctx.facts?.docker.compose ?? "v2";
    const base = composeBase(flavour, args);
    const opts = execOptions(ctx, { cwd: args.project_src, timeoutMs: args.timeout_s * 1000 });
    const running = await ctx.host.exec(composePsArgv(base), { ...opts, check: false });
    const hasContainers = running.code === 0 && running.stdout.trim() !== "";
    if (args.state === "absent") {
      if (!hasContainers) return { status: "ok" };
      if (ctx.check) return { status: "changed", msg: `would stop ${args.project_name}` };
      await ctx.host.exec(composeDownArgv(base, args.remove_orphans), opts);
      return { status: "changed", msg: `${args.project_name} down` };
    }
    if (ctx.check) {
      // Without running compose we can only tell whether the project is up, not whether its config drifted.
      return hasContainers
        ? { status: "ok", msg: "running (config drift is only detected when applying)" }
        : { status: "changed", msg: `would start ${args.project_name}` };
    }
    const up = await ctx.host.exec(upArgv(base, args), opts);
    const output = `${up.stdout}\n${up.stderr}`;
    return { status: composeChanged(output) ? "changed" : "ok", data: { stdout: up.stdout, stderr: up.stderr } };
  },
};
