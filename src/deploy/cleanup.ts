/**
 * After a cancelled run (the Action's `post` step; `slipway lock release --run <id>`): on every host whose lock this
 * run still holds, put nginx back on the recorded color if the run died mid-switch, stop the idle color that nginx
 * does not route to, then release the lock. Hosts locked by another run are left alone (that deploy is running).
 */
import type { SlipwayConfig } from "../config/index.js";
import { readLockHolder, releaseLockHeldBy } from "../lock/lock.js";
import { ConnectionPool } from "../remote/index.js";
import type { RemoteHost } from "../remote/types.js";
import { chosenHosts, connectAll } from "./connect.js";
import { runtimeFor } from "./deploy.js";
import { readLiveState } from "./host-state.js";
import { clearIntent, readIntent } from "./intent.js";
import { MaintenanceBypass } from "./maintenance-bypass.js";
import { servedColor } from "./nginx.js";
import { deployPaths } from "./paths.js";
import { otherColor } from "./release-id.js";
import { switchAndReload } from "./steps/switch.js";

export interface CleanupOptions {
  config: SlipwayConfig;
  /** The cancelled run's id, as recorded in the lock (the Action: `${GITHUB_RUN_ID}-${GITHUB_RUN_ATTEMPT}`). */
  runId: string;
  limit?: string[];
  /** One line per thing done, for logs. */
  report?: (line: string) => void;
}

export interface CleanupResult {
  host: string;
  /** What happened to the lock; `unreachable`: the host could not be reached (see error). */
  lock: "released" | "not-held" | "held-by-other" | "unreachable";
  /** The color stopped because nginx does not route to it. */
  stopped?: string;
  /** nginx was put back on this color (the run died between the switch and the record). */
  switchedBack?: string;
  error?: string;
}

/** Runs the cleanup on every chosen host in parallel; never throws for one host's failure (see `error`). */
export async function cleanupAfterCancel(options: CleanupOptions): Promise<CleanupResult[]> {
  const { config } = options;
  const pool = new ConnectionPool();
  try {
    const connected = await connectAll(config, chosenHosts(config, options.limit), pool);
    return await Promise.all(
      connected.map(async ({ resolved, host, error }): Promise<CleanupResult> => {
        if (!host) return { host: resolved.name, lock: "unreachable", error: error ?? "unreachable" };
        try {
          return await cleanupHost(host, options);
        } catch (e) {
          return { host: resolved.name, lock: "unreachable", error: e instanceof Error ? e.message : String(e) };
        }
      }),
    );
  } finally {
    await pool.closeAll();
  }
}

async function cleanupHost(host: RemoteHost, options: CleanupOptions): Promise<CleanupResult> {
  const { config, runId } = options;
  const say = (line: string) => options.report?.(`[${host.name}] ${line}`);
  const paths = deployPaths(config.deploy_dir);
  const holder = await readLockHolder(host, paths.lock);
  if (!holder) return { host: host.name, lock: "not-held" };
  if (holder.run_id !== runId) return { host: host.name, lock: "held-by-other" };
  const result: CleanupResult = { host: host.name, lock: "released" };
  const runtime = runtimeFor(config)(host);
  await runtime.prepare?.();
  const live = await readLiveState(host, paths);
  const intent = await readIntent(host, paths);
  const bypass = new MaintenanceBypass(host, config);
  if (intent && live.color && (await runtime.isRunning(live.color))) {
    await switchAndReload(bypass, live.color);
    result.switchedBack = live.color;
    say(`the cancelled run was switching to ${intent.to}: nginx points at ${live.color} again`);
  }
  if (intent) await clearIntent(host, paths);
  const routed = (await servedColor(bypass)) ?? live.color;
  if (routed) {
    const idle = otherColor(routed);
    if (await runtime.isRunning(idle)) {
      await runtime.stop(idle);
      result.stopped = idle;
      say(`stopped ${idle}: nginx routes to ${routed}`);
    }
  }
  result.lock = await releaseLockHeldBy(host, paths.lock, runId);
  say(`lock: ${result.lock}`);
  return result;
}

/** One line per host: what was put back, stopped and released. */
export function cleanupLines(hosts: readonly CleanupResult[]): string[] {
  const said = {
    released: "released this run's deploy lock",
    "not-held": "no lock held",
    "held-by-other": "the lock is another run's: left in place",
    unreachable: "not reached",
  };
  return hosts.map((h) => {
    if (h.error) return `[${h.host}] not reached: ${h.error}`;
    const done = [
      ...(h.switchedBack ? [`nginx put back on ${h.switchedBack}`] : []),
      ...(h.stopped ? [`stopped the unrouted color ${h.stopped}`] : []),
      said[h.lock],
    ];
    return `[${h.host}] ${done.join("; ")}`;
  });
}
