/**
 * The state of one process of a color (a container or a systemd unit) as the running gate reads it: what a worker
 * (a service without `port`) is gated on, since it answers no HTTP.
 */

export interface ProcessState {
  /** Container or unit name. */
  name: string;
  /** Up now: docker `running`, systemd `active (running)`. */
  running: boolean;
  /** The runtime's own words for the state (`exited`, `restarting`, `activating (auto-restart)`), for messages. */
  status: string;
  /** Restarts so far (docker RestartCount, systemd NRestarts). */
  restarts: number;
  /** Last exit code (docker ExitCode, systemd ExecMainStatus); 0 when it never exited. */
  exitCode: number;
  /** The container healthcheck's verdict; "" without a healthcheck (and always under systemd). */
  health: "" | "starting" | "healthy" | "unhealthy";
}

const HEALTH = new Set(["starting", "healthy", "unhealthy"]);

/** One line of commands/docker.ts processStateArgv (`/shop-worker-green running 0 0 healthy`); null if malformed. */
export function parseDockerProcessState(line: string): ProcessState | null {
  const [name, status, restarts, exitCode, health = ""] = line.trim().split(/\s+/);
  if (!name || !status || restarts === undefined || exitCode === undefined) return null;
  return {
    name: name.replace(/^\//, ""),
    running: status === "running",
    status,
    restarts: Number(restarts) || 0,
    exitCode: Number(exitCode) || 0,
    health: HEALTH.has(health) ? (health as ProcessState["health"]) : "",
  };
}

/** Every well-formed line of processStateArgv's output (a missing container prints none: docker exits 1). */
export function parseProcessStates(stdout: string): ProcessState[] {
  return stdout
    .split("\n")
    .map(parseDockerProcessState)
    .filter((p): p is ProcessState => p !== null);
}

/** commands/systemd.ts unitProcessArgv's output for `unit`. */
export function parseUnitProcessState(unit: string, stdout: string): ProcessState {
  const props = new Map(
    stdout
      .split("\n")
      .map((line) => line.trim().split("=", 2))
      .filter((kv): kv is [string, string] => kv.length === 2),
  );
  const active = props.get("ActiveState") ?? "unknown";
  const sub = props.get("SubState") ?? "unknown";
  return {
    name: unit,
    running: active === "active" && sub === "running",
    status: `${active} (${sub})`,
    restarts: Number(props.get("NRestarts")) || 0,
    exitCode: Number(props.get("ExecMainStatus")) || 0,
    health: "",
  };
}

/** Where one poll of the running gate leaves it. */
export type RunningVerdict =
  | { kind: "failed"; reason: string }
  | { kind: "up"; last: string }
  | { kind: "waiting"; last: string };

/**
 * Judges one poll: `failed` at once when a process exited, was restarted since the first poll (`baseline`, restarts
 * by name) or its healthcheck says unhealthy (the retries docker already spent); `up` when every process runs and is
 * healthy (or has no healthcheck); else `waiting` (created, starting, a healthcheck not decided yet). No process at
 * all is `waiting` (the runtime may still be creating it; the gate's timeout ends it).
 */
export function judgeProcesses(states: readonly ProcessState[], baseline: ReadonlyMap<string, number>): RunningVerdict {
  if (states.length === 0) return { kind: "waiting", last: "no process yet" };
  for (const p of states) {
    const before = baseline.get(p.name) ?? p.restarts;
    if (p.restarts > before || p.status === "exited" || p.status === "dead" || /auto-restart|failed/.test(p.status)) {
      return { kind: "failed", reason: exitReason(p, p.restarts - before) };
    }
    if (p.health === "unhealthy") return { kind: "failed", reason: `${p.name}'s container healthcheck says unhealthy` };
  }
  const last = states.map((p) => `${p.name} ${p.status}${p.health ? ` ${p.health}` : ""}`).join(", ");
  const up = states.every((p) => p.running && (p.health === "" || p.health === "healthy"));
  return up ? { kind: "up", last } : { kind: "waiting", last };
}

/** `shop-worker-green exited (code 1, restarted 2 times; now restarting)`: an exit, as the gates word it. */
function exitReason(p: ProcessState, times: number): string {
  const restarted = times > 0 ? `restarted ${times} time${times === 1 ? "" : "s"}` : "";
  // A process restarted by its policy and running again reads the new run's code (docker resets it to 0), not the
  // exit's: a 0 then says nothing and is left out.
  const code = p.running && p.exitCode === 0 ? "" : `code ${p.exitCode}`;
  const detail = [code, restarted].filter(Boolean).join(", ");
  return `${p.name} exited (${detail}; now ${p.status})`;
}

/**
 * A systemd unit that exited since it was started (NRestarts counts from its start): restarted by Restart=always, or
 * down now (`activating (auto-restart)`, `failed`, `inactive (dead)`); the exit as the gates word it, else undefined.
 * What the container runtime's logs read from `docker inspect` (runtime.ts withExitCode), for a unit. Pure.
 */
export function unitExit(p: ProcessState): string | undefined {
  const down = /auto-restart|failed|dead|exited/.test(p.status);
  return down || p.restarts > 0 ? exitReason(p, p.restarts) : undefined;
}

/** The hint of a process that exits at boot, whichever read saw it (the gate's early stop, its logs at the end). */
export const EXITS_AT_BOOT_HINT =
  "its process exits at boot: its last log lines above say why (a missing setting, a failed import or migration, a crash before it listens); fix the release and deploy again";

/**
 * How many restarts since the health gate's first read prove that a process with a port exits at boot: as a swarm
 * slot's FAILED_TASKS_PER_SLOT, one exit alone (a database not ready at the first boot) may still end healthy.
 */
export const RESTARTS_FOR_GOOD = 2;

/**
 * The health gate's early stop for a service with a port (deploy/gate-stop.ts): the reason a process failed for
 * good, or undefined while it may still come up. Failed for good: restarted RESTARTS_FOR_GOOD times since the gate's
 * first read (`baseline`, restarts by name; docker's unless-stopped and systemd's Restart=always restart it after
 * each exit), or down with no restart to come (docker `exited` or `dead`, systemd `failed`). Unlike the running gate
 * (judgeProcesses), one restart or a healthcheck verdict does not end it: the HTTP probe judges health. Pure.
 */
export function crashLoop(states: readonly ProcessState[], baseline: ReadonlyMap<string, number>): string | undefined {
  for (const p of states) {
    const times = p.restarts - (baseline.get(p.name) ?? p.restarts);
    const over = p.status === "exited" || p.status === "dead" || p.status.startsWith("failed");
    if (over || times >= RESTARTS_FOR_GOOD) return exitReason(p, times);
  }
  return undefined;
}
