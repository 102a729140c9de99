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
import { describeHolder, holderAlive, type LockHolder, releaseLock } from "../lock/lock.js";
import { databaseSpec, sudoWriters } from "./backup-step.js";
import { runConfigHash, todaysConfigLine } from "./config-hash.js";
import { HostEmitter } from "./emitter.js";
import { parseFault } from "./fault.js";
import { leftSwitchLine, withRecord } from "./history.js";
import type { HostRun } from "./host-run.js";
import { readLiveState, writeHistory } from "./host-state.js";
import { alreadyLive, sameOnRecord } from "./live-check.js";
import { releaseLocksAhead, startLockAhead } from "./lock-ahead.js";
import { MaintenanceBypass } from "./maintenance-bypass.js";
import { deployPaths } from "./paths.js";
import {
  type KnownState,
  lockLook,
  lookAtLock,
  type PrepareOptions,
  probesPrivilege,
  startPrivilegeCheck,
} from "./prepare-looks.js";
import { otherColor } from "./release-id.js";
import { formatTimings, planSteps, type RunOutcome, runSteps } from "./runner.js";
import { settleAll } from "./settle.js";
import { unrestoredNote, untouchedNote } from "./steps/backup-undo.js";
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
  const live = run.liveRead ?? (await readLiveState(host, paths));
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
  /**
   * Nobody held the lock when the host was read (a stale lock was removed), or it was not looked at (tried at once:
   * s.lockAhead says whether it was taken): the plan may take it ahead.
   */
  lockFree: boolean;
}

export type { PrepareOptions } from "./prepare-looks.js";

/**
 * Reads the host's state; says so when the release asked for is already live. What is live and what the runtime
 * offers (only where services run) are read at once; the privilege probe and, for a plan a run follows, the lock
 * follow what is live (prepare-looks.ts: a release the records name as live takes no lock and starts no probe),
 * beside the runtime's reads; alreadyLive's looks run beside the lock's.
 */
export async function prepareHost(run: HostRun, address: string, options: PrepareOptions = {}): Promise<PreparedHost> {
  const emitter = new HostEmitter(run.host.name, run.sink);
  const services = hostRole(run.config, run.host.name).services.length > 0;
  const prepare = services ? run.runtime.prepare?.({ images: run.images }) : undefined;
  const asked = { ...options, check: run.check };
  const look = lockLook(asked, null);
  const state = flowState(run, address, emitter).then((s) => {
    if (probesPrivilege(options, knownState(s))) s.privilegeCheck = startPrivilegeCheck(run);
    return s;
  });
  const holder = look === "after-state" ? state.then((s) => lockAfterState(s, asked)) : lookAtLock(run, look);
  // alreadyLive's looks only where the records say so (else it answers null at once); they need the runtime's reads.
  const looked = settleAll([state, prepare]).then(([s]) => (sameOnRecord(s) ? alreadyLive(s) : null));
  let read: [FlowState, LockHolder | undefined, string | null];
  try {
    read = await settleAll([state, holder, looked]);
  } catch (e) {
    // A lock taken beside a read that failed is freed here: no PreparedHost carries it to releaseLocksAhead.
    const s = await state.catch(() => undefined);
    if (s) await releaseLocksAhead([s]);
    throw e;
  }
  const [s, held, looks] = read;
  // A lock another run holds sends the run the full way (the lock step waits or fails naming the holder).
  const lockFree = await lockIsFree(s, held);
  const same = lockFree ? looks : null;
  if (same && s.liveColor) s.say(`release ${same} is already live on ${s.liveColor}: nothing to do`);
  // The records named this release but the host differs (or the lock is held): a plan follows after all.
  if (!same && options.plan && !s.privilegeCheck) s.privilegeCheck = startPrivilegeCheck(run);
  const restoring = run.kind === "rollback" && run.restoreDb === true && s.spec !== null;
  const steps = hostSteps(s.stopFirst, isSplitLayout(run.config), restoring);
  return { s, steps, same: s.liveColor ? same : null, lockFree };
}

function knownState(s: FlowState): KnownState {
  return { live: s.live.release !== null, sameOnRecord: sameOnRecord(s) !== null };
}

/**
 * A plan a run follows, once the state is read: the lock taken for a run that changes the host (not waited for here:
 * the lock step and the reconcile await s.lockAhead; a held lock leaves it to the lock step), else who holds it.
 */
function lockAfterState(s: FlowState, asked: PrepareOptions & { check: boolean }) {
  const how = lockLook(asked, knownState(s));
  if (how !== "take") return lookAtLock(s.run, how);
  startLockAhead(s, true);
  return undefined;
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
  // A rollback's target is each host's own: the recap names it when the hosts' targets differ.
  const target = run.kind === "rollback" ? { release: run.releaseId } : {};
  return { name: run.host.name, status: "changed", color: s.liveColor ?? undefined, url: s.url, ...target };
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
    : (database ?? untouchedNote(s.liveColor));
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
