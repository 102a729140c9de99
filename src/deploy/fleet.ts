/**
 * The fleet outcome (issue 10 item 9): a failed host in a batch switches the batch's deployed hosts back to their
 * previous release (`inventory.on_batch_failure: switch_back`, the default), so no host is left on another release
 * without the recap saying so. A rollback without `--to` takes each host to its own previous release (a canary
 * gives hosts different histories); `--to ID` is fleet-wide: refused on every host when one lacks ID.
 */
import type { Color } from "../config/index.js";
import { hostRole } from "../config/layout.js";
import { batchAborts, computeBatches } from "../engine/batches.js";
import { SlipwayError } from "../errors.js";
import type { RemoteHost } from "../remote/types.js";
import { rollbackStays, rollbackToCoverage, rollbackToHint } from "./batches.js";
import type { Connected } from "./connect.js";
import { type LeftSwitch, noRollbackTarget, rollbackTarget } from "./history.js";
import { type BaseRun, hostEnd, unreachableEnd } from "./host-end.js";
import { runHost } from "./host-flow.js";
import { type LiveState, readLiveState } from "./host-state.js";
import { readIntent, type SwitchIntent } from "./intent.js";
import { MaintenanceBypass } from "./maintenance-bypass.js";
import { servedColor } from "./nginx.js";
import { type DeployPaths, deployPaths } from "./paths.js";
import type { ColorRuntime } from "./runtime.js";
import { leftSwitch } from "./status-served.js";
import type { HostResult } from "./types.js";

/** A host's live state and switch intent, read in one round trip (readHost). */
export interface HostRead {
  live: LiveState;
  intent: SwitchIntent | null;
}

async function readHost(host: RemoteHost, paths: DeployPaths, withIntent = true): Promise<HostRead> {
  const [live, intent] = await Promise.all([
    readLiveState(host, paths),
    withIntent ? readIntent(host, paths) : Promise.resolve(null),
  ]);
  return { live, intent };
}

/**
 * A switch a killed run left on the host that nginx still follows (D82), judged as the reconcile step judges it (the
 * intent, then the color nginx serves); null when there is no intent.
 */
async function leftSwitchOf(
  run: BaseRun,
  host: RemoteHost,
  recorded: Color | null,
  intent: SwitchIntent | null,
): Promise<LeftSwitch | null> {
  if (!intent) return null;
  const served = await servedColor(new MaintenanceBypass(host, run.config));
  return leftSwitch({ served, recorded: { color: recorded, release: null }, intent });
}

/**
 * A rollback's release, commit, env and images from the host's own history (`releaseId` empty: its previous one, or
 * the recorded live release when users are on a killed run's unrecorded one: `leftSwitch`, D82). The live state and
 * the intent are read at once (one round trip), unless rollbackScope read them already (`read`), and the flow starts
 * from that state (`liveRead`).
 */
export async function hostSpecific(run: BaseRun, host: RemoteHost, read?: HostRead): Promise<BaseRun> {
  const paths = deployPaths(run.config.deploy_dir);
  // Only a rollback without --to on a host that switches looks for a killed run's switch.
  const wantsIntent = !run.releaseId && hostRole(run.config, host.name).switches;
  const { live, intent } = read ?? (await readHost(host, paths, wantsIntent));
  const left = await leftSwitchOf(run, host, live.color, wantsIntent ? intent : null);
  const target = rollbackTarget(live.history, live.release, run.releaseId || undefined, left);
  if (!target) {
    const why = noRollbackTarget(live.history, live.release, run.releaseId || undefined);
    // A host added since the last deploy has nothing to go back to; the others still can, without it.
    const others = run.releaseId ? "" : `; to roll back the other hosts, leave this one out: -l 'all,!${host.name}'`;
    throw new SlipwayError(why.message, { host: host.name, hint: `${why.hint}${others}` });
  }
  const base = {
    ...run,
    releaseId: target.id,
    commit: target.commit,
    env: target.env ?? {},
    images: target.images,
    liveRead: live,
  };
  return left ? { ...base, leftSwitch: left } : base;
}

/**
 * `rollback --to ID` over several hosts, before anything is planned: when a reachable host's history cannot go to ID,
 * every host's result (failed where ID is missing, saying why; skipped where it is there) and a log line naming the
 * hosts and the way out (rollbackToHint); null when every host has it. `reads`: rollbackScope's, by host name.
 */
function refuseMissingTarget(
  connected: readonly Connected[],
  base: BaseRun,
  to: string,
  reads: ReadonlyMap<string, HostRead>,
): HostResult[] | null {
  const lives = [...reads].map(([name, r]) => ({ name, ...r.live }));
  const { lacking, having } = rollbackToCoverage(lives, to);
  if (lacking.length === 0) return null;
  const hint = rollbackToHint(to, having);
  const message = `rollback --to ${to}: refused on every host, ${lacking.join(", ")} cannot go to it; ${hint}`;
  base.sink({ kind: "log", level: "warn", message });
  return connected.map((c) => {
    if (!c.host) return unreachableEnd(base, c);
    const live = lives.find((l) => l.name === c.resolved.name);
    if (!live || !lacking.includes(live.name)) {
      const error = `not rolled back: ${lacking.join(", ")} cannot go to ${to} (${hint})`;
      return hostEnd(base, { name: c.resolved.name, status: "skipped", error });
    }
    const why = noRollbackTarget(live.history, live.release, to);
    return hostEnd(base, { name: live.name, status: "failed", error: `${why.message} (${why.hint}; ${hint})` });
  });
}

/**
 * A rollback without `--to`: the hosts that stay where they are (rollbackStays: live on a release older than the
 * fleet's newest, the deploy being undone never reached them), each ended `ok` on its live release with a line saying
 * why; the caller rolls back the others.
 */
function rollbackStaying(base: BaseRun, reads: ReadonlyMap<string, HostRead>): HostResult[] {
  const lives = [...reads].map(([name, r]) => ({ name, ...r.live, intent: r.intent !== null }));
  const { newest, stays } = rollbackStays(lives);
  return stays.map((s) => {
    const message = `${s.name}: stays on ${s.release}; the release being rolled back (${newest}) is not live there (\`slipway rollback -l ${s.name}\` takes it back one release)`;
    base.sink({ kind: "log", level: "info", message });
    return hostEnd(base, { name: s.name, status: "ok", release: s.release });
  });
}

/** The hosts a run goes on (`connected`), those that stay (`staying`, ended), and what was read of each (`reads`). */
export interface RunScope {
  refused?: HostResult[];
  connected: Connected[];
  staying: HostResult[];
  reads: ReadonlyMap<string, HostRead>;
}

/** Every reached host goes, nothing read yet: a deploy's scope. */
export function allGo(connected: Connected[]): RunScope {
  return { connected, staying: [], reads: new Map() };
}

/**
 * Which hosts a rollback over several hosts runs on. Every reached host's live state (and, without `--to`, its
 * switch intent) is read once, in one wave; hostSpecific takes it from `reads` instead of reading again. With `--to`:
 * `refused` (every host's result) when some host lacks the release (refuseMissingTarget). Without: the hosts that go
 * back (`connected`) and those that stay (`staying`, already ended: rollbackStaying; never in the load-balancer
 * layout, `split`, whose hosts move together). One host: nothing read here, hostSpecific's own error speaks.
 */
export async function rollbackScope(connected: Connected[], base: BaseRun, split: boolean): Promise<RunScope> {
  if (connected.length < 2) return allGo(connected);
  const paths = deployPaths(base.config.deploy_dir);
  const to = base.releaseId;
  const reached = connected.flatMap((c) => (c.host ? [{ name: c.resolved.name, host: c.host }] : []));
  const read = await Promise.all(reached.map((r) => readHost(r.host, paths, !to)));
  const reads = new Map(reached.map((r, i) => [r.name, read[i] as HostRead]));
  if (to) {
    const refused = refuseMissingTarget(connected, base, to, reads);
    return refused ? { ...allGo(connected), refused } : { ...allGo(connected), reads };
  }
  const staying = split ? [] : rollbackStaying(base, reads);
  base.sink({
    kind: "log",
    level: "info",
    message: "rollback: each host goes back to its own previous release (its plan names it)",
  });
  return { connected: connected.filter((c) => !staying.some((s) => s.name === c.resolved.name)), staying, reads };
}

/**
 * After a batch where a host failed: each host of the batch that deployed goes back to the release it had (the same
 * machinery as a rollback). Its result becomes `failed`, saying it was switched back and why, or that the
 * switch-back failed too.
 */
export async function switchBackBatch(
  batch: readonly Connected[],
  results: HostResult[],
  ctx: BaseRun & { runtime: (host: RemoteHost) => ColorRuntime; report: (line: string) => void },
): Promise<void> {
  const failed = results.filter((r) => r.status === "failed" || r.status === "unreachable").map((r) => r.name);
  if (failed.length === 0) return;
  for (const [i, result] of results.entries()) {
    const c = batch[i];
    if (result.status !== "changed" || !c?.host) continue;
    const why = `${failed.join(", ")} failed in the same batch (inventory.on_batch_failure: switch_back)`;
    if (!result.previousRelease) {
      results[i] = { ...result, error: `deployed, but ${why}: no previous release to switch back to` };
      continue;
    }
    ctx.report(`[${c.resolved.name}] switching back to ${result.previousRelease}: ${why}`);
    try {
      const run = await hostSpecific({ ...ctx, kind: "rollback", releaseId: result.previousRelease }, c.host);
      const back = await runHost(
        { ...run, host: c.host, user: c.resolved.user, runtime: ctx.runtime(c.host) },
        c.resolved.address,
      );
      results[i] = { ...back, status: "failed", error: `switched back to ${result.previousRelease}: ${why}` };
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      results[i] = { ...result, status: "failed", error: `deployed; switching back failed (${message}): ${why}` };
    }
    // A host's last host event is its outcome: this one replaces the `changed` it sent before.
    hostEnd(ctx, results[i] as HostResult);
  }
}

type FleetContext = BaseRun & {
  kind: "deploy" | "rollback";
  runtime: (host: RemoteHost) => ColorRuntime;
  report: (line: string) => void;
};

/**
 * The hosts batch by batch (inventory.serial; check mode plans every host at once). After each batch of a deploy, a
 * failure switches the batch's deployed hosts back (switchBackBatch); when a batch's failures exceed
 * max_fail_percentage the rollout stops and later hosts are `skipped`.
 */
export async function runBatches(
  connected: readonly Connected[],
  one: (c: Connected) => Promise<HostResult>,
  ctx: FleetContext,
): Promise<HostResult[]> {
  const { config, kind, report } = ctx;
  const hosts: HostResult[] = [];
  const batches = ctx.check ? [[...connected]] : computeBatches(connected, [config.inventory.serial]);
  for (const [i, batch] of batches.entries()) {
    if (batches.length > 1) report(`batch ${i + 1}/${batches.length}: ${batch.map((c) => c.resolved.name).join(", ")}`);
    const results = await Promise.all(batch.map(one));
    if (kind === "deploy" && !ctx.check && config.inventory.on_batch_failure === "switch_back") {
      await switchBackBatch(batch, results, ctx);
    }
    hosts.push(...results);
    const failed = results.filter((h) => h.status === "failed" || h.status === "unreachable").length;
    if (i < batches.length - 1 && batchAborts(failed, batch.length, config.inventory.max_fail_percentage)) {
      const rest = batches.slice(i + 1).flat();
      report(
        `rollout stopped: ${failed} of ${batch.length} host(s) in batch ${i + 1} failed (max_fail_percentage ${config.inventory.max_fail_percentage}); not ${kind === "deploy" ? "deployed" : "rolled back"}: ${rest.map((c) => c.resolved.name).join(", ")}`,
      );
      for (const c of rest)
        hosts.push({ name: c.resolved.name, status: "skipped", error: `not reached: batch ${i + 1} failed` });
      break;
    }
  }
  return hosts;
}
