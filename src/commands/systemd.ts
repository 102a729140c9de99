/**
 * Pure argv builders of systemd on a host: systemctl verbs, the unit-file checks of an install, and journalctl.
 * remote/privilege.ts maps systemctl argv onto the privilege helper's verbs, so these shapes are kept byte for byte.
 */
import type { Command } from "./command.js";
import type { LogQuery } from "./logs.js";

export type SystemctlVerb =
  | "start"
  | "stop"
  | "restart"
  | "try-restart"
  | "reload"
  | "enable"
  | "disable"
  | "is-active"
  | "is-enabled";

/**
 * `systemctl <verb> [flags] <units...>`; flags such as `--now`, or `--` so a unit name can never read as an option.
 * Unit names are passed as given (`app-web@blue.service`, `nginx`).
 */
export function systemctlArgv(verb: SystemctlVerb, units: readonly string[], flags: readonly string[] = []): string[] {
  return ["systemctl", verb, ...flags, ...units];
}

export function daemonReloadArgv(): string[] {
  return ["systemctl", "daemon-reload"];
}

/** `ActiveState=...` and `UnitFileState=...` lines of one unit (exit 0 also for a unit that does not exist). */
export function unitStateArgv(unit: string): string[] {
  return ["systemctl", "show", "--property=ActiveState,UnitFileState", "--", unit];
}

/** The properties `unitActiveArgv` and the status script's `unit` probe read: whether a unit runs, and how. */
export const UNIT_ACTIVE_PROPERTIES = "ActiveState,SubState";

/** `ActiveState=` and `SubState=` lines of one unit (exit 0 also for a unit that does not exist): parseUnitActive's input. */
export function unitActiveArgv(unit: string): string[] {
  return ["systemctl", "show", `--property=${UNIT_ACTIVE_PROPERTIES}`, "--", unit];
}

/**
 * systemd's `ActiveState=`/`SubState=` lines as `systemctl status` says them: `active (running)`, `inactive (dead)`,
 * `failed (failed)`; `not found` when there is an ActiveState of `inactive` and no SubState, `unknown` when there is
 * no ActiveState at all (nothing read). `active`: the ActiveState alone.
 */
export function parseUnitActive(lines: readonly string[]): { active: string; state: string } {
  const props = Object.fromEntries(lines.map((l) => l.trim().split("=", 2) as [string, string]));
  const active = props.ActiveState ?? "unknown";
  const sub = props.SubState ? ` (${props.SubState})` : "";
  return { active, state: active === "inactive" && !props.SubState ? "not found" : `${active}${sub}` };
}

/** `ActiveState=`, `SubState=`, `NRestarts=`, `ExecMainStatus=` lines of one unit: the running gate. */
export function unitProcessArgv(unit: string): string[] {
  return ["systemctl", "show", "--property=ActiveState,SubState,NRestarts,ExecMainStatus", "--", unit];
}

/** `loaded` when the unit exists, `not-found` otherwise (exit 0 either way). */
export function unitLoadStateArgv(unit: string): string[] {
  return ["systemctl", "show", "--property=LoadState", "--value", unit];
}

/**
 * `journalctl --no-pager [-o short-iso] [-n N] [--since -Ss] [-f] -u <unit>...`: the units' journal, one command for
 * all of them (journald interleaves them by time): the gate's failure lines (`{ lines }`) and `slipway logs`.
 */
export function journalArgv(units: readonly string[], query: LogQuery): string[] {
  return [
    "journalctl",
    "--no-pager",
    ...(query.timestamps ? ["-o", "short-iso"] : []),
    ...(query.lines !== undefined ? ["-n", String(query.lines)] : []),
    ...(query.sinceSeconds !== undefined ? ["--since", `-${query.sinceSeconds}s`] : []),
    ...(query.follow ? ["-f"] : []),
    ...units.flatMap((u) => ["-u", u]),
  ];
}

/**
 * `systemd-analyze verify` on one instance of the template (a template itself cannot be verified): the path names
 * `<unit>@<color>.service` in the directory that holds `<unit>@.service`.
 */
export function systemdVerify(templatePath: string, color: "blue" | "green"): Command {
  const instancePath = templatePath.replace(/@\.service$/, `@${color}.service`);
  return { argv: ["systemd-analyze", "verify", instancePath], what: "systemd-analyze verify" };
}

export function systemdDaemonReload(): Command {
  return { argv: daemonReloadArgv(), what: "systemctl daemon-reload" };
}
