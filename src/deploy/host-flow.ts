/**
 * One host's deploy (or rollback): read what is live, then run the step list (steps/index.ts) through the runner, or
 * plan it in check mode. A run that finds the live release identical to the one asked for changes nothing. A failed
 * run's error carries what the undo chain did, and an unlock failure is reported beside it, never instead of it.
 */
import { createHash } from "node:crypto";
import { systemctlArgv } from "../commands/systemd.js";
import type { Color, SlipwayConfig } from "../config/index.js";
import { configOnHost, hostRole, isSplitLayout } from "../config/layout.js";
import { SlipwayError } from "../errors.js";
import {
  describeHolder,
  holderAlive,
  type LockHolder,
  readLockHolder,
  releaseLock,
  releaseLockHeldBy,
  tryLock,
} from "../lock/lock.js";
import { databaseSpec, sudoWriters } from "./backup-step.js";
import { runConfigHash, todaysConfigLine } from "./config-hash.js";
import { HostEmitter } from "./emitter.js";
import { parseFault } from "./fault.js";
import { checkHelperRecord, inHelperMode } from "./helper-record.js";
import { leftSwitchLine, withRecord } from "./history.js";
import type { HostRun } from "./host-run.js";
import { readLiveState, writeHistory } from "./host-state.js";
import { alreadyLive } from "./live-check.js";
import { readUnderLock, startLockAhead } from "./lock-ahead.js";
import { MaintenanceBypass } from "./maintenance-bypass.js";
import { deployPaths } from "./paths.js";
import { checkRootMode } from "./privilege-check.js";
import { otherColor } from "./release-id.js";
import { formatTimings, planSteps, type RunOutcome, runSteps } from "./runner.js";
import { settleAll } from "./settle.js";
import { unrestoredNote } from "./steps/backup-undo.js";
import { runAfterHook } from "./steps/hooks.js";
import { hostSteps } from "./steps/index.js";
import { releaseRecord } from "./steps/record.js";
import type { FlowState, Step } from "./steps/types.js";
import type { HostResult } from "./types.js";

export type { HostRun } from "./host-run.js";

/** What makes two deploys the same: the code, the extra env and the images (and the config, through the files). */
export function releaseFingerprint(
  commit: string,
  env: Record<string, string>,
  images: Record<string, string>,
): string {
  const sorted = (o: Record<string, string>) =>
    Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
  return createHash("sha256")
    .update(JSON.stringify({ commit, env: sorted(env), images: sorted(images) }))
    .digest("hex")
    .slice(0, 16);
}

/** Where users reach the app: the site's first name, or under proxy.mode internal the first public port. */
function siteUrl(config: SlipwayConfig, address: string): string | undefined {
  if (config.proxy.mode === "internal") {
    const port = Object.values(config.services).find((s) => s.public_port !== undefined)?.public_port;
    return port === undefined ? undefined : `http://${address.includes(":") ? `[${address}]` : address}:${port}/`;
  }
  const domain = config.proxy.domains[0] ?? address;
  return `${config.tls.enabled ? "https" : "http"}://${domain}${config.proxy.base_path}`;
}

async function flowState(run: HostRun, address: string, emitter: HostEmitter): Promise<FlowState> {
  const { host, config, runtime } = run;
  const paths = deployPaths(config.deploy_dir);
  const live = await readLiveState(host, paths);
  const liveColor = live.color;
  return {
    run,
    local: configOnHost(config, host.name),
    role: hostRole(config, host.name),
    paths,
    live,
    liveColor,
    idle: liveColor ? otherColor(liveColor) : "blue",
    fingerprint: releaseFingerprint(run.commit, run.env, run.images),
    url: siteUrl(config, address),
    spec: databaseSpec(config, run.secrets, liveColor),
    stopFirst: config.strategy === "stop-first" && liveColor !== null,
    emitter,
    bypass: new MaintenanceBypass(host, config),
    say: (line) => emitter.log(line),
    raw: (line) => emitter.raw(line),
    writersOf: (color: Color) =>
      sudoWriters(
        runtime.writers?.(color) ?? {
          stop: [systemctlArgv("stop", runtime.names(color))],
          start: [systemctlArgv("start", runtime.names(color))],
        },
      ),
    history: live.history,
    backup: null,
    oldStopped: false,
    switched: false,
    undoNotes: [],
    sameAfterLock: null,
  };
}

/**
 * Whether nothing holds the lock, after removing a stale one (its holder ran on this machine and is gone: a run
 * killed after it recorded its release). A lock held by anyone else makes the run go the full way, where the lock
 * step names the holder.
 */
async function lockIsFree(s: FlowState, holder: LockHolder | undefined): Promise<boolean> {
  if (s.run.check || !holder) return true;
  if (holderAlive(holder) !== false) return false;
  await releaseLock(s.run.host, s.paths.lock);
  s.say(`removed the stale lock of ${describeHolder(holder)}: it is no longer running on this machine`);
  return true;
}

/**
 * One host read once (what is live, the runtime's flavour, whether the release is already live): the plan and the
 * run that follows it use the same facts on the same connection.
 */
export interface PreparedHost {
  s: FlowState;
  steps: Step[];
  /** The release id when it is already live and healthy: nothing to do. */
  same: string | null;
  /** Nobody held the lock when the host was read (a stale lock was removed): the plan may take it ahead. */
  lockFree: boolean;
}

/** How prepareHost reads: for a plan (`plan`), and for a plan a run follows (`lockAhead`: the lock taken at once). */
export interface PrepareOptions {
  /** A plan follows: preflight's privilege probe (or the helper's record) is read with the host's state. */
  plan?: boolean;
  /**
   * A run follows the plan (not check mode): the deploy lock is tried in the same round trip as the host's state
   * (lock-ahead.ts), and the reads under it start as soon as that state is known.
   */
  lockAhead?: boolean;
}

/** The lock tried (taken: this run's now) or, when the mkdir failed, who holds it (undefined: nobody, no deploy dir). */
interface LockRead {
  taken: boolean;
  holder: LockHolder | undefined;
}

function readLock(run: HostRun, take: boolean): Promise<LockRead> | undefined {
  if (run.check) return undefined;
  const path = deployPaths(run.config.deploy_dir).lock;
  const holder = () => readLockHolder(run.host, path).then((h) => ({ taken: false, holder: h }));
  if (!take) return holder();
  // A failed mkdir (held, or no deploy dir yet) reads the holder as before: one more round trip only then.
  return tryLock(run.host, path, run.actor, run.commit, run.runId).then((taken) =>
    taken ? { taken: true, holder: undefined } : holder(),
  );
}

/**
 * Preflight's plan-time check of the host's privileges (helper-record.ts, privilege-check.ts), started with the
 * host's reads: it depends on none of them. Preflight's plan awaits it.
 */
function startPrivilegeCheck(run: HostRun): Promise<void> {
  const { host, config } = run;
  const services = hostRole(config, host.name).services.length > 0;
  const check = inHelperMode(config, host.name)
    ? checkHelperRecord(host, config, { step: "preflight" })
    : checkRootMode(host, config, services);
  // Awaited by preflight's plan; a failure before it must not be an unhandled rejection meanwhile.
  check.catch(() => undefined);
  return check;
}

/** Reads the host's state; says so when the release asked for is already live. */
export async function prepareHost(run: HostRun, address: string, options: PrepareOptions = {}): Promise<PreparedHost> {
  const emitter = new HostEmitter(run.host.name, run.sink);
  // What is live, the lock (tried, or who holds it) and what the runtime offers are read at once (the runtime only
  // where services run), with the plan's privilege check.
  const lock = readLock(run, options.lockAhead === true && options.plan === true);
  const services = hostRole(run.config, run.host.name).services.length > 0;
  const prepare = services ? run.runtime.prepare?.({ images: run.images }) : undefined;
  const privilege = options.plan ? startPrivilegeCheck(run) : undefined;
  let read: [FlowState, unknown, LockRead | undefined];
  try {
    read = await settleAll([flowState(run, address, emitter), prepare, lock]);
  } catch (e) {
    // A lock taken beside a read that failed is freed here: no PreparedHost carries it to releaseLocksAhead.
    if ((await lock?.catch(() => undefined))?.taken) await releaseTaken(run).catch(() => undefined);
    throw e;
  }
  const [s, , locked] = read;
  if (privilege) s.privilegeCheck = privilege;
  const lockFree = locked?.taken ? true : await lockIsFree(s, locked?.holder);
  const same = lockFree
    ? await alreadyLive(s).catch(async (e) => {
        if (locked?.taken) await releaseTaken(run).catch(() => undefined);
        throw e;
      })
    : null;
  if (same && s.liveColor) s.say(`release ${same} is already live on ${s.liveColor}: nothing to do`);
  if (locked?.taken) {
    // Nothing to do (or nothing live to read under it: the lock step takes the lock of a first deploy): freed now.
    if ((same && s.liveColor) || s.live.release === null) await releaseTaken(run);
    else s.lockAhead = readUnderLock(s);
  }
  const restoring = run.kind === "rollback" && run.restoreDb === true && s.spec !== null;
  const steps = hostSteps(s.stopFirst, isSplitLayout(run.config), restoring);
  return { s, steps, same: s.liveColor ? same : null, lockFree };
}

/** Frees the lock prepareHost took (only a lock recording this run's id). */
async function releaseTaken(run: HostRun): Promise<void> {
  await releaseLockHeldBy(run.host, deployPaths(run.config.deploy_dir).lock, run.runId);
}

/**
 * The plan of a prepared host (check mode's output): each step's plan, changing nothing. With `lockAhead` (a plan a
 * run follows) the deploy lock is taken meanwhile and the reconcile's reads made under it (lock-ahead.ts).
 */
export async function planHost(
  { s, steps, same, lockFree }: PreparedHost,
  options: { lockAhead?: boolean } = {},
): Promise<HostResult> {
  const { run } = s;
  if (same) return alreadyLiveResult(s, same);
  if (options.lockAhead && !s.lockAhead) startLockAhead(s, lockFree);
  if (run.leftSwitch) s.say(leftSwitchLine(run.leftSwitch, s.liveColor, run.releaseId));
  s.say(`plan: ${run.kind} ${run.releaseId} to ${s.idle} (live: ${s.live.release ?? "none"} on ${s.liveColor ?? "-"})`);
  if (run.kind === "rollback") {
    const target = s.live.history.releases.find((r) => r.id === run.releaseId);
    s.say(`  ${todaysConfigLine(target, runConfigHash(run.config))}`);
  }
  await planSteps(steps, s, s.emitter);
  return { name: run.host.name, status: "changed", color: s.liveColor ?? undefined, url: s.url };
}

function alreadyLiveResult(s: FlowState, same: string): HostResult {
  return { name: s.run.host.name, status: "ok", color: s.liveColor ?? undefined, url: s.url, release: same };
}

/** Plans (check mode) or runs one host's deploy or rollback. */
export async function runHost(run: HostRun, address: string): Promise<HostResult> {
  const prepared = await prepareHost(run, address, { plan: run.check });
  return run.check ? planHost(prepared) : executeHost(prepared);
}

/** Runs the steps of a prepared host; throws the failed step's error with what the undo chain did. */
export async function executeHost({ s, steps, same }: PreparedHost): Promise<HostResult> {
  const { run, emitter } = s;
  const { host } = run;
  if (same) {
    run.layout?.end(host.name);
    return alreadyLiveResult(s, same);
  }
  const outcome = await runSteps(steps, s, {
    emitter,
    interrupt: run.interrupt,
    fault: parseFault(process.env.SLIPWAY_FAULT),
    onError: (e) => run.layout?.fail(host.name, e),
  }).finally(() => {
    run.layout?.end(host.name);
    // A drain record started for a retire that did not run (record failed, an interrupt) ends now: no timer left.
    s.drain?.abort();
  });
  s.say(`steps: ${formatTimings(outcome.timings)}`);
  if (!outcome.error && s.sameAfterLock) {
    s.say(`release ${s.sameAfterLock} is already live on ${s.liveColor}: nothing to do`);
    return alreadyLiveResult(s, s.sameAfterLock);
  }
  if (outcome.error) {
    await recordFailure(s, outcome);
    // The hook's own failure goes into the hint: the step's error stays the message.
    const hookError = run.kind === "deploy" ? await runAfterHook(s, "on_failure") : null;
    if (hookError) outcome.alwaysErrors.push(hookError);
    throw failureError(s, outcome);
  }
  const rolledBack = run.kind === "rollback" ? await runAfterHook(s, "on_rollback") : null;
  if (rolledBack) outcome.alwaysErrors.push(rolledBack);
  const unlock = outcome.alwaysErrors.length > 0 ? `; ${outcome.alwaysErrors.join("; ")}` : "";
  return {
    name: host.name,
    status: "changed",
    color: s.idle,
    url: s.url,
    release: run.releaseId,
    ...(s.backup ? { backup: s.backup } : {}),
    ...(s.live.release ? { previousRelease: s.live.release } : {}),
    ...(unlock ? { error: `deployed, but${unlock.slice(1)}` } : {}),
  };
}

/** The release was recorded live before the failure (it came after `record`: the retire's drain or stop). */
function recorded(outcome: RunOutcome): boolean {
  return outcome.timings.some((t) => t.step === "record" && (t.status === "changed" || t.status === "ok"));
}

/**
 * A deploy that got as far as starting the new color leaves a `failed` entry in the history; one that failed after
 * its record keeps the record it made (the release is live).
 */
async function recordFailure(s: FlowState, outcome: RunOutcome): Promise<void> {
  if (s.run.kind !== "deploy" || !outcome.timings.some((t) => t.step === "start") || recorded(outcome)) return;
  try {
    await writeHistory(s.run.host, s.paths, withRecord(s.history, releaseRecord(s, "failed")));
  } catch (e) {
    outcome.undoErrors.push(`recording the failed release: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** The step's error, with what the undo chain did (or could not do) and any unlock failure in the hint. */
function failureError(s: FlowState, outcome: RunOutcome): SlipwayError {
  const e = outcome.error;
  const base = e instanceof SlipwayError ? e : new SlipwayError(e instanceof Error ? e.message : String(e));
  // The new color ran against the live database and nothing restored it: not "untouched" (D72).
  const database = recorded(outcome) ? undefined : unrestoredNote(s);
  const left = recorded(outcome)
    ? `release ${s.run.releaseId} is live on ${s.idle} and recorded`
    : (database ?? (s.liveColor ? `the live color ${s.liveColor} is untouched` : "nothing was live before"));
  const notes = s.undoNotes.filter((n) => !n.startsWith("stopped "));
  const hint = [
    base.hint,
    ...(notes.length > 0 ? [...notes, database] : [left]),
    ...outcome.undoErrors,
    ...outcome.alwaysErrors.map((a) => `also: ${a}`),
  ].filter(Boolean);
  return new SlipwayError(base.message, {
    host: s.run.host.name,
    step: base.step,
    command: base.command,
    exitCode: base.exitCode,
    stderrTail: base.stderrTail,
    hint: hint.join("; "),
    cause: e,
  });
}
