/**
 * deploy() and rollback(): connect to every chosen host and run the per-host flow on all of them in parallel, then
 * build the recap. A host that fails does not stop the others; the result says which failed and why.
 */
import { detectCommit } from "../build/git_info.js";
import {
  MissingSecretsError,
  missingRunSecrets,
  type ResolvedHost,
  resolveSecrets,
  type SlipwayConfig,
} from "../config/index.js";
import { configOnHost, deployHosts, isSplitLayout } from "../config/layout.js";
import { swarmSecretWarnings } from "../config/swarm.js";
import { RunOnce } from "../engine/run-once.js";
import { SlipwayError, UsageError } from "../errors.js";
import { newRunId } from "../lock/lock.js";
import { ConnectionPool, Redactor } from "../remote/index.js";
import type { RemoteHost } from "../remote/types.js";
import { composeRuntime } from "./compose-runtime.js";
import { type Connected, chosenHosts, connectAll, unreachableLine } from "./connect.js";
import { buildForDeploy } from "./container/images.js";
import { containerRuntime } from "./container-runtime.js";
import type { DeployEventSink } from "./events.js";
import { fleetTarget, hostSpecific, runBatches } from "./fleet.js";
import { checkDeployHooks } from "./hooks.js";
import { executeHost, type HostRun, type PreparedHost, planHost, prepareHost, runHost } from "./host-flow.js";
import { type Interrupt, withInterrupts } from "./interrupt.js";
import { agreeOnLayout, requireWholeLayout, shareSync, unreachableLayout } from "./layout-run.js";
import { runnerProgress, withProgress } from "./progress.js";
import { formatRecap, type StepTally, tallyEvent } from "./recap.js";
import { isReleaseId, releaseId } from "./release-id.js";
import type { ColorRuntime } from "./runtime.js";
import { releaseSourceDir } from "./source-root.js";
import { swarmRuntime } from "./swarm-runtime.js";
import { systemdRuntime } from "./systemd-runtime.js";
import type { DeployOptions, DeployResult, HostResult, RollbackOptions } from "./types.js";
import { recordedCommit, uncommittedId } from "./uncommitted.js";

/**
 * The runtime of the config's `runtime` for one host (systemd units, containers or compose projects per color), over
 * the services that host runs (`services.*.hosts`).
 */
export function runtimeFor(config: SlipwayConfig): (host: HostRun["host"]) => ColorRuntime {
  const make =
    config.runtime === "systemd"
      ? systemdRuntime
      : config.runtime === "container"
        ? containerRuntime
        : config.runtime === "swarm"
          ? swarmRuntime
          : composeRuntime;
  return (host) => make(configOnHost(config, host.name), host);
}

/**
 * The hosts `--limit` selects among those a deploy runs on (config/layout.ts deployHosts: every host, or under
 * runtime swarm the manager and the nginx hosts; a worker runs only the tasks the engine gives it).
 */
function deployingHosts(config: SlipwayConfig, limit?: readonly string[]): ResolvedHost[] {
  const taking = new Set(deployHosts(config).map((h) => h.name));
  return chosenHosts(config, limit).filter((h) => taking.has(h.name));
}

function defaultActor(): string {
  return process.env.GITHUB_ACTOR ?? process.env.USER ?? "slipway";
}

function errorText(e: unknown): string {
  if (e instanceof SlipwayError) return e.hint ? `${e.message} (${e.hint})` : e.message;
  return e instanceof Error ? e.message : String(e);
}

export type BaseRun = Omit<HostRun, "host" | "user" | "runtime">;
type PerHost = (base: BaseRun) => Promise<BaseRun | null>;
type Confirm = NonNullable<DeployOptions["confirm"]>;

/** A host's result from `work`, or `failed` with the error (logged in full) when it throws; emits the host's end. */
async function guarded(base: BaseRun, name: string, work: () => Promise<HostResult>): Promise<HostResult> {
  try {
    return hostEnd(base, await work());
  } catch (e) {
    // The full description (command, exit code, stderr tail, next step) goes to the log; the recap keeps one line.
    const message = `[${name}] FAILED: ${e instanceof SlipwayError ? e.describe() : errorText(e)}`;
    base.sink({ kind: "log", level: "info", message });
    return hostEnd(base, { name, status: "failed", error: errorText(e) });
  }
}

/** A host that could not be reached: the log gets the next step (which key was tried), the recap the message. */
function unreachableEnd(base: BaseRun, c: Connected): HostResult {
  base.sink({ kind: "log", level: "info", message: unreachableLine(c) });
  return hostEnd(base, { name: c.resolved.name, status: "unreachable", error: c.error });
}

function resultOf(hosts: HostResult[], release: string, base: BaseRun, recap: string): DeployResult {
  const ok = hosts.length > 0 && hosts.every((h) => h.status === "ok" || h.status === "changed");
  return { ok, release, hosts, images: base.images, recap };
}

/**
 * The plan of every host, then (when `confirm` says so) the run, on the same connections and the same facts: no
 * second connect, no second read of what is live. Returns the plan's result when nothing runs. The load-balancer
 * layout (`split`) agrees on one color first and runs every host at once with sync points (layout-run.ts).
 */
async function planThenRun(
  connected: Connected[],
  base: BaseRun,
  ctx: {
    kind: "deploy" | "rollback";
    started: number;
    confirm: Confirm;
    runtime: (host: RemoteHost) => ColorRuntime;
    /** The host's own run (a rollback takes its release from the host's history). */
    runOf: (host: RemoteHost) => Promise<BaseRun>;
    split: boolean;
    /** Log the plan's recap (off when the caller asked for no confirmation). */
    showPlan: boolean;
    tally: StepTally;
  },
): Promise<{ plan?: DeployResult; hosts: HostResult[]; release: string }> {
  const prepared = new Map<string, PreparedHost>();
  let release = base.releaseId;
  const failedPrepare = await Promise.all(
    connected.map((c) => {
      const { resolved, host } = c;
      if (!host) return unreachableEnd(base, c);
      return guarded(base, resolved.name, async () => {
        const run = await ctx.runOf(host);
        if (ctx.kind === "rollback") release = run.releaseId;
        const hostRun = { ...run, host, user: resolved.user, runtime: ctx.runtime(host) };
        prepared.set(resolved.name, await prepareHost(hostRun, resolved.address));
        return { name: resolved.name, status: "ok" } as HostResult;
      }).then((r) => (r.status === "ok" ? null : r));
    }),
  );
  if (ctx.split && failedPrepare.every((r) => r === null)) await agreeOnLayout([...prepared.values()]);
  const planned = await Promise.all(
    connected.map(({ resolved }, i) => {
      const p = prepared.get(resolved.name);
      return (
        failedPrepare[i] ??
        (p ? guarded(base, resolved.name, () => planHost(p)) : hostEnd(base, failedHost(resolved.name)))
      );
    }),
  );
  // Every host already runs it: the result names the live release (its id may be older than this run's).
  const same = planned.every((h) => h.status === "ok") ? planned.find((h) => h.release)?.release : undefined;
  release = same ?? release;
  const recap = formatRecap(ctx.kind, release, planned, (Date.now() - ctx.started) / 1000, true, ctx.tally);
  if (ctx.showPlan || base.check) base.sink({ kind: "log", level: "info", message: recap });
  const plan = resultOf(planned, release, base, recap);
  if (base.check || !plan.ok || planned.every((h) => h.status === "ok") || !(await ctx.confirm(plan))) {
    return { plan, hosts: [], release };
  }
  const one = ({ resolved }: Connected) => {
    const p = prepared.get(resolved.name) as PreparedHost;
    return guarded(base, resolved.name, () => executeHost(p));
  };
  if (ctx.split) {
    shareSync([...prepared.values()]);
    return { hosts: await Promise.all(connected.map(one)), release };
  }
  const report = (message: string) => base.sink({ kind: "log", level: "info", message });
  const hosts = await runBatches(connected, one, { ...base, kind: ctx.kind, runtime: ctx.runtime, report });
  return { hosts, release };
}

function failedHost(name: string): HostResult {
  return { name, status: "failed", error: "not prepared" };
}

/** What a run may learn on the runner while its hosts connect (a deploy's commit and release id). */
type LateIdentity = Promise<Partial<Pick<BaseRun, "commit" | "releaseId">>>;

async function onEveryHost(
  config: SlipwayConfig,
  limit: string[] | undefined,
  kind: "deploy" | "rollback",
  input: BaseRun,
  perHost: PerHost | null,
  confirm?: Confirm,
  late: LateIdentity = Promise.resolve({}),
): Promise<DeployResult> {
  const started = Date.now();
  // One redactor for the run: every event (lines, commands, errors, diffs) is masked before any caller sees it.
  const redactor = (input.redactor ?? new Redactor()).addAll(Object.values(input.secrets));
  // The recap counts the steps the events report, so it says what the progress said.
  const tally: StepTally = new Map();
  const sink: BaseRun["sink"] = (event) => {
    tallyEvent(tally, event);
    input.sink(redactor.redactValue(event));
  };
  // One run_once scope for the run: a hook's run-once task runs on one host of all batches.
  let base: BaseRun = { ...input, sink, redactor, once: new RunOnce() };
  const report = (message: string) => base.sink({ kind: "log", level: "info", message });
  const runtime = runtimeFor(config);
  const pool = new ConnectionPool({ redactor });
  const hosts: HostResult[] = [];
  let release = base.releaseId;
  const split = isSplitLayout(config);
  try {
    const chosen = deployingHosts(config, limit);
    if (split) requireWholeLayout(deployingHosts(config), chosen);
    // Connecting waits on the network; the runner's own look-up (git) runs meanwhile.
    const [connected, identity] = await Promise.all([connectAll(config, chosen, pool), late]);
    base = { ...base, ...identity };
    release = base.releaseId;
    const down = split ? unreachableLayout(connected) : null;
    if (down) {
      const results = down.map((h) => hostEnd(base, h));
      return finalResult(kind, release, results, started, base, tally);
    }
    if (kind === "rollback" && !base.releaseId) {
      const target = await fleetTarget(connected, config);
      if (target) {
        report(`rollback: the fleet goes back to ${target}, the release before its last deploy`);
        base = { ...base, releaseId: target };
        release = target;
      }
    }
    if ((confirm && !base.check) || split) {
      const from = base;
      const runOf = async (host: RemoteHost) => (perHost ? hostSpecific(from, host) : from);
      const ran = await planThenRun(connected, base, {
        kind,
        started,
        confirm: confirm ?? (async () => true),
        runtime,
        runOf,
        split,
        showPlan: confirm !== undefined,
        tally,
      });
      if (ran.plan && !confirm && !base.check) base.sink({ kind: "log", level: "info", message: ran.plan.recap });
      if (ran.plan) return ran.plan;
      return finalResult(kind, ran.release, ran.hosts, started, base, tally);
    }
    const one = async (c: (typeof connected)[number]): Promise<HostResult> => {
      const { resolved, host } = c;
      if (!host) return unreachableEnd(base, c);
      return guarded(base, resolved.name, async () => {
        const run = perHost ? await perHost(base) : base;
        if (!run) return { name: resolved.name, status: "ok" };
        const fromHost = perHost ? await hostSpecific(run, host) : run;
        const result = await runHost(
          { ...fromHost, host, user: resolved.user, runtime: runtime(host) },
          resolved.address,
        );
        if (result.status === "changed" || kind === "rollback") release = fromHost.releaseId;
        else if (result.status === "ok" && result.release) release = result.release;
        return result;
      });
    };
    hosts.push(...(await runBatches(connected, one, { ...base, kind, runtime, report })));
  } finally {
    await pool.closeAll();
  }
  return finalResult(kind, release, hosts, started, base, tally);
}

/** The recap (reported) and the result of a run. */
function finalResult(
  kind: "deploy" | "rollback",
  release: string,
  hosts: HostResult[],
  started: number,
  base: BaseRun,
  tally: StepTally,
): DeployResult {
  const recap = formatRecap(kind, release, hosts, (Date.now() - started) / 1000, base.check, tally);
  base.sink({ kind: "log", level: "info", message: recap });
  return resultOf(hosts, release, base, recap);
}

/** Emits the host's end event and returns its result unchanged. */
function hostEnd(base: BaseRun, result: HostResult): HostResult {
  base.sink({
    kind: "host",
    host: result.name,
    status: result.status,
    ...(result.release ? { release: result.release } : {}),
    ...(result.color ? { color: result.color } : {}),
    ...(result.backup ? { backup: result.backup } : {}),
    ...(result.error ? { error: result.error } : {}),
  });
  return result;
}

export async function deploy(options: DeployOptions): Promise<DeployResult> {
  const { config } = options;
  if (options.releaseId !== undefined && !isReleaseId(options.releaseId)) {
    throw releaseIdError(options.releaseId, "--release-id");
  }
  // The commit is the code's (D54: an absolute build.context in another repository); no git call unless a context is
  // outside the release directory.
  const dir =
    options.commit !== undefined
      ? (options.releaseDir ?? config.source.dir)
      : await releaseSourceDir(config, options.releaseDir);
  // One `git rev-parse` (unless given): awaited here only when images are built, else while the hosts connect.
  const commitOf =
    options.commit !== undefined ? Promise.resolve(options.commit) : detectCommit(dir).catch(() => "local");
  const uncommittedOf = options.commit !== undefined ? Promise.resolve(null) : uncommittedId(dir).catch(() => null);
  checkDeployHooks(config);
  // Every unset secret at once, before an image is built and pushed for a deploy that cannot run.
  const missing = missingRunSecrets(config, options.secrets ?? resolveSecrets(config).values);
  if (missing.length > 0) throw new MissingSecretsError(missing);
  const sink = options.onEvent ?? (() => undefined);
  const report = (message: string) => sink({ kind: "log", level: "info", message });
  // The plan (and the deploy) say it too: a secret that is a file under swarm is the app's to read (D49).
  for (const warning of swarmSecretWarnings(config))
    sink({ kind: "log", level: "warn", message: `warning: ${warning}` });
  // Uncommitted changes ship as they are: recorded, fingerprinted and (images) built as `<sha>-dirty.<id>` (D27, D41).
  const recorded = Promise.all([commitOf, uncommittedOf]).then(([sha, uncommitted]) => {
    if (uncommitted)
      report(
        `${dir} has uncommitted changes: they ship as they are, recorded as ${sha.slice(0, 7)}-dirty.${uncommitted}`,
      );
    return recordedCommit(sha, uncommitted);
  });
  // Runtime container: images built on the runner (unless the caller has them), then pulled or streamed (image.delivery).
  const images =
    options.images ??
    (config.runtime !== "systemd" && !options.check
      ? await withProgress(runnerProgress(sink, "build"), "building the images on this machine", async () =>
          buildForDeploy(config, {
            commit: await recorded,
            releaseDir: options.releaseDir,
            gitDir: dir,
            insecure: options.insecureRegistry ?? config.image.insecure,
            secrets: options.secrets ?? resolveSecrets(config).values,
            report,
          }),
        )
      : {});
  const identity = recorded.then((commit) => {
    const id = options.releaseId ?? releaseId(commit, new Date());
    if (!isReleaseId(id)) throw releaseIdError(id, "--release-id");
    return { commit, releaseId: id };
  });
  // Settled by onEveryHost; a rejection here is not "unhandled" meanwhile.
  identity.catch(() => undefined);
  return withInterrupts((interrupt) =>
    onEveryHost(
      config,
      options.limit,
      "deploy",
      {
        ...sharedRun(options, sink, interrupt),
        kind: "deploy",
        // Set once the commit is known (identity), before anything is planned.
        releaseId: "",
        commit: "",
        env: options.versionEnv ?? {},
        images,
        releaseDir: options.releaseDir,
      },
      null,
      options.confirm,
      identity,
    ),
  );
}

export async function rollback(options: RollbackOptions): Promise<DeployResult> {
  const { config } = options;
  if (options.to !== undefined && !isReleaseId(options.to)) throw releaseIdError(options.to, "--to");
  const sink = options.onEvent ?? (() => undefined);
  return withInterrupts((interrupt) =>
    onEveryHost(
      config,
      options.limit,
      "rollback",
      {
        ...sharedRun(options, sink, interrupt),
        kind: "rollback",
        releaseId: options.to ?? "",
        commit: "",
        env: {},
        images: {},
      },
      async (base) => base,
      options.confirm,
    ),
  );
}

/** What a deploy and a rollback take from their options alike (defaults: secrets from the environment, a new run id). */
function sharedRun(options: DeployOptions | RollbackOptions, sink: DeployEventSink, interrupt: Interrupt) {
  return {
    config: options.config,
    actor: options.actor ?? defaultActor(),
    environment: options.environment,
    secrets: options.secrets ?? resolveSecrets(options.config).values,
    check: options.check ?? false,
    restoreDb: options.restoreDb ?? false,
    drainSeconds: options.drainSeconds,
    forceUnlock: options.forceUnlock,
    lockWaitSeconds: options.lockWaitSeconds,
    runId: options.runId ?? newRunId(),
    redactor: options.redactor,
    sink,
    interrupt,
  };
}

/** A flag value of the wrong shape: a usage error (exit 5), raised before anything connects. */
function releaseIdError(id: string, flag: string): UsageError {
  return new UsageError(`${flag} ${JSON.stringify(id)} is not a release id`, {
    hint: "a release id is one path segment: letters, digits, '.', '_' and '-', starting with a letter or digit (at most 100)",
  });
}
