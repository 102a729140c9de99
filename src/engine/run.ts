/**
 * Runs a parsed playbook against an inventory: plays in order; within a play, rolling batches one after another and the
 * hosts of a batch in parallel up to `forks`. Connections are opened once per host and reused by every play.
 */
import { ConnectionError, SlipwayError } from "../errors.js";
import { limitHosts, selectHosts } from "../host-pattern.js";
import type { RemoteHost } from "../remote/types.js";
import { batchAborts, computeBatches } from "./batches.js";
import { HostRun, type HostState, type PlayContext } from "./host-run.js";
import { hostVars, type Inventory, type InventoryHost } from "./inventory.js";
import { recapFor } from "./recap.js";
import type { ModuleRegistry } from "./registry.js";
import { RunOnce } from "./run-once.js";
import {
  type HostRecap,
  identityRedactor,
  type Play,
  type Playbook,
  type Redactor,
  type TaskOutcome,
} from "./types.js";

export type Connect = (name: string, host: InventoryHost) => Promise<RemoteHost>;

export interface Reporter {
  playStart?(play: Play, hosts: readonly string[]): void;
  batchStart?(index: number, total: number, hosts: readonly string[]): void;
  outcome?(outcome: TaskOutcome): void;
  warn?(message: string): void;
}

export interface RunOptions {
  inventory: Inventory;
  connect: Connect;
  modules: ModuleRegistry;
  check?: boolean;
  diff?: boolean;
  /** Host pattern intersected with every play's hosts. */
  limit?: string | readonly string[];
  tags?: readonly string[];
  skipTags?: readonly string[];
  /** Hosts running at once within a batch (default 10). */
  forks?: number;
  /** Highest precedence (`-e key=value`). */
  extraVars?: Record<string, unknown>;
  /** Lowest precedence: the project's config (slipway.yml), visible as-is and under `config`. */
  config?: Record<string, unknown>;
  redactor?: Redactor;
  reporter?: Reporter;
  /** The scope of `run_once` tasks when the caller shares one across runs (default: one per batch). */
  once?: RunOnce;
}

export interface RunResult {
  recap: Record<string, HostRecap>;
  outcomes: TaskOutcome[];
  /** True when no host failed or was unreachable. */
  ok: boolean;
  durationMs: number;
}

/** Runs items with at most `limit` at a time. */
async function pool<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  });
  await Promise.all(workers);
}

export async function runPlaybook(playbook: Playbook, options: RunOptions): Promise<RunResult> {
  const started = performance.now();
  const limited = options.limit ? new Set(limitHosts(options.inventory, options.limit)) : undefined;
  const outcomes: TaskOutcome[] = [];
  const states = new Map<string, HostState>();
  const seen = new Set<string>();
  const emit = (outcome: TaskOutcome) => {
    outcomes.push(outcome);
    options.reporter?.outcome?.(outcome);
  };
  try {
    for (const play of playbook.plays) {
      const selected = selectHosts(options.inventory, play.hosts);
      let hosts = selected.hosts;
      for (const term of selected.unmatched)
        options.reporter?.warn?.(`play "${play.name}": no host or group matches "${term}"`);
      if (limited) hosts = hosts.filter((h) => limited.has(h));
      for (const h of hosts) seen.add(h);
      hosts = hosts.filter((h) => !states.get(h)?.unreachable);
      options.reporter?.playStart?.(play, hosts);
      const stop = await runPlay(play, hosts, options, states, emit);
      if (stop) break;
    }
  } finally {
    await Promise.allSettled([...states.values()].map((s) => (s.remote ? s.remote.close() : Promise.resolve())));
  }
  const recap = recapFor([...seen], outcomes);
  const ok = Object.values(recap).every((r) => r.failed === 0 && r.unreachable === 0);
  return { recap, outcomes, ok, durationMs: performance.now() - started };
}

/**
 * Runs one play over `hosts` in its batches; `states` holds the hosts already connected (a missing one is connected
 * with `options.connect`). Returns true when the whole run must stop (a batch exceeded its failure budget).
 */
export async function runPlay(
  play: Play,
  hosts: string[],
  options: RunOptions,
  states: Map<string, HostState>,
  emit: (o: TaskOutcome) => void,
): Promise<boolean> {
  const ctx: PlayContext = {
    play,
    modules: options.modules,
    check: options.check ?? false,
    diff: options.diff ?? false,
    tags: options.tags ?? [],
    skipTags: options.skipTags ?? [],
    extraVars: options.extraVars ?? {},
    configVars: { ...(options.config ?? {}), config: options.config ?? {} },
    redactor: options.redactor ?? identityRedactor,
    abort: { set: false },
    states,
    once: options.once ?? new RunOnce(),
    emit,
  };
  const batches = computeBatches(hosts, play.serial);
  for (const [index, batch] of batches.entries()) {
    options.reporter?.batchStart?.(index, batches.length, batch);
    // Ansible runs a run_once task once per batch; a caller's own scope (the deploy's) spans its batches.
    if (!options.once) ctx.once = new RunOnce();
    let failed = 0;
    await pool(batch, options.forks ?? 10, async (name) => {
      const state = await prepareHost(name, play, options, states, emit);
      if (!state) {
        failed++;
        return;
      }
      const run = new HostRun(ctx, state);
      await run.run();
      if (run.failed || state.unreachable) failed++;
    });
    if (ctx.abort.set) {
      options.reporter?.warn?.(`play "${play.name}": a host failed and any_errors_fatal is set: stopping`);
      return true;
    }
    if (batchAborts(failed, batch.length, play.maxFailPercentage)) {
      const rule =
        play.maxFailPercentage === undefined
          ? "every host in the batch failed"
          : `${failed} of ${batch.length} hosts failed, more than max_fail_percentage ${play.maxFailPercentage}%`;
      options.reporter?.warn?.(`play "${play.name}": ${rule}: stopping before the next batch`);
      return true;
    }
  }
  return false;
}

/** Connects (once per run) and gathers facts; an unreachable host is reported and counted, not thrown. */
async function prepareHost(
  name: string,
  play: Play,
  options: RunOptions,
  states: Map<string, HostState>,
  emit: (o: TaskOutcome) => void,
): Promise<HostState | undefined> {
  const started = performance.now();
  let state = states.get(name);
  const fail = (step: string, error: unknown, unreachable: boolean): undefined => {
    const msg =
      error instanceof SlipwayError ? error.describe() : error instanceof Error ? error.message : String(error);
    emit({
      host: name,
      task: step,
      where: play.name,
      status: unreachable ? "unreachable" : "failed",
      msg,
      durationMs: performance.now() - started,
    });
    if (state) state.unreachable ||= unreachable;
    return undefined;
  };
  if (!state) {
    const entry = options.inventory.hosts[name];
    if (!entry) return fail("connect", new Error(`host "${name}" is not in the inventory`), true);
    try {
      const remote = await options.connect(name, entry);
      state = {
        name,
        remote,
        facts: undefined,
        inventoryVars: hostVars(options.inventory, name),
        hostFacts: {},
        unreachable: false,
      };
      states.set(name, state);
    } catch (error) {
      states.set(name, {
        name,
        remote: undefined as unknown as RemoteHost,
        facts: undefined,
        inventoryVars: {},
        hostFacts: {},
        unreachable: true,
      });
      return fail("connect", error, true);
    }
  }
  if (play.gatherFacts && !state.facts) {
    try {
      // slipway.yml's deploy_dir (when the run has the config): the lock and backup modules work under it.
      const deployDir = options.config?.deploy_dir;
      state.facts = await state.remote.facts(typeof deployDir === "string" ? { deployDir } : {});
    } catch (error) {
      return fail("gather facts", error, error instanceof ConnectionError);
    }
  }
  return state;
}
