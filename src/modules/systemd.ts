/** systemd: a unit's running state and enablement; daemon-reload on request. Inspects with `systemctl show`. */
import { z } from "zod";
import { daemonReloadArgv, systemctlArgv, unitStateArgv } from "../commands/systemd.js";
import type { Module } from "../engine/types.js";
import { describeCommands, execOptions, runAll } from "./support/exec.js";

const argsSchema = z
  .object({
    name: z.string().optional(),
    state: z.enum(["started", "stopped", "restarted", "reloaded"]).optional(),
    enabled: z.boolean().optional(),
    daemon_reload: z.boolean().default(false),
  })
  .strict()
  .refine((a) => a.name !== undefined || a.daemon_reload, "give name (or only daemon_reload: true)");

export type SystemdArgs = z.output<typeof argsSchema>;

export interface UnitState {
  active: string;
  unitFile: string;
}

export function showArgv(name: string): string[] {
  return unitStateArgv(name);
}

export function parseShow(stdout: string): UnitState {
  const values = Object.fromEntries(
    stdout
      .trim()
      .split("\n")
      .map((l) => l.split("=", 2) as [string, string]),
  );
  return { active: values.ActiveState ?? "unknown", unitFile: values.UnitFileState ?? "" };
}

/** Pure: the systemctl commands needed. restarted/reloaded always act (they are meant for handlers). */
export function planUnit(args: SystemdArgs, current: UnitState): string[][] {
  const name = args.name as string;
  const commands: string[][] = [];
  const running = current.active === "active" || current.active === "activating" || current.active === "reloading";
  if (
    args.enabled === true &&
    !["enabled", "static", "alias", "generated", "enabled-runtime"].includes(current.unitFile)
  ) {
    commands.push(systemctlArgv("enable", [name], ["--"]));
  }
  if (args.enabled === false && current.unitFile === "enabled") commands.push(systemctlArgv("disable", [name], ["--"]));
  if (args.state === "started" && !running) commands.push(systemctlArgv("start", [name], ["--"]));
  if (args.state === "stopped" && running) commands.push(systemctlArgv("stop", [name], ["--"]));
  if (args.state === "restarted") commands.push(systemctlArgv("restart", [name], ["--"]));
  if (args.state === "reloaded") commands.push(systemctlArgv(running ? "reload" : "start", [name], ["--"]));
  return commands;
}

export const systemdModule: Module<typeof argsSchema> = {
  name: "systemd",
  argsSchema,
  async run(ctx, args) {
    // daemon-reload is harmless and cheap; it is run but does not count as a change (so runs stay changed=0).
    if (args.daemon_reload && !ctx.check) await runAll(ctx, [daemonReloadArgv()]);
    if (!args.name) return { status: "ok", msg: "daemon-reload" };
    const show = await ctx.host.exec(showArgv(args.name), execOptions(ctx, { check: false, become: false }));
    const current = parseShow(show.stdout);
    const commands = planUnit(args, current);
    if (commands.length === 0) return { status: "ok", data: { state: current } };
    if (!ctx.check) await runAll(ctx, commands);
    return { status: "changed", msg: describeCommands(commands, ctx.check), data: { state: current } };
  },
};
