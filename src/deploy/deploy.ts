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
import { UsageError } from "../errors.js";
import { newRunId } from "../lock/lock.js";
import { ConnectionPool, Redactor } from "../remote/index.js";
import type { RemoteHost } from "../remote/types.js";
import { checkConfigFiles } from "../render/config-file-check.js";
import { oneRelease } from "./batches.js";
import { composeRuntime } from "./compose-runtime.js";
import { type Connected, chosenHosts, connectAll } from "./connect.js";
import { buildForDeploy } from "./container/images.js";
import { containerRuntime } from "./container-runtime.js";
import type { DeployEventSink } from "./events.js";
import { allGo, hostSpecific, rollbackScope, runBatches } from "./fleet.js";
import { checkDeployHooks } from "./hooks.js";
import { type BaseRun, guarded, hostEnd, unreachableEnd } from "./host-end.js";
import { type HostRun, runHost } from "./host-flow.js";
import { type Interrupt, withInterrupts } from "./interrupt.js";
import { requireWholeLayout, unreachableLayout } from "./layout-run.js";
import { type Confirm, planThenRun, resultOf } from "./plan-run.js";
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

type PerHost = (base: BaseRun) => Promise<BaseRun | null>;

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
    const [reached, identity] = await Promise.all([connectAll(config, chosen, pool), late]);
    base = { ...base, ...identity };
    release = base.releaseId;
    const down = split ? unreachableLayout(reached) : null;
    if (down) {
      const results = down.map((h) => hostEnd(base, h));
      return finalResult(kind, release, results, started, base, tally);
    }
    // A deploy runs on every reached host; a rollback on those rollbackScope says go back (the others stay).
    const scope = kind === "rollback" ? await rollbackScope(reached, base, split) : allGo(reached);
    if (scope.refused) return finalResult(kind, release, scope.refused, started, base, tally);
    const { connected, staying, reads } = scope;
    if ((confirm && !base.check) || split) {
      const from = base;
      const runOf = async (host: RemoteHost) => (perHost ? hostSpecific(from, host, reads.get(host.name)) : from);
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
      return finalResult(kind, ran.release, inventoryOrder(reached, [...staying, ...ran.hosts]), started, base, tally);
    }
    // A rollback's hosts may each go to another release (their own previous one): the run names one only when alike.
    const targets = new Set<string>();
    const one = async (c: (typeof connected)[number]): Promise<HostResult> => {
      const { resolved, host } = c;
      if (!host) return unreachableEnd(base, c);
      return guarded(base, resolved.name, async () => {
        const run = perHost ? await perHost(base) : base;
        if (!run) return { name: resolved.name, status: "ok" };
        const fromHost = perHost ? await hostSpecific(run, host, reads.get(resolved.name)) : run;
        const result = await runHost(
          { ...fromHost, host, user: resolved.user, runtime: runtime(host) },
          resolved.address,
        );
        if (kind === "rollback") targets.add(fromHost.releaseId);
        else if (result.status === "changed") release = fromHost.releaseId;
        else if (result.status === "ok" && result.release) release = result.release;
        return result;
      });
    };
    const ran = await runBatches(connected, one, { ...base, kind, runtime, report });
    hosts.push(...inventoryOrder(reached, [...staying, ...ran]));
    if (kind === "rollback") release = oneRelease(targets);
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
  // A template plan would refuse on every host is refused before any host is connected (as validate refuses it).
  checkConfigFiles(config, options.releaseDir);
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

/** Host results in the order the hosts were chosen (a rollback's staying hosts are ended before the others run). */
function inventoryOrder(chosen: readonly Connected[], results: HostResult[]): HostResult[] {
  const at = (r: HostResult) => chosen.findIndex((c) => c.resolved.name === r.name);
  return [...results].sort((x, y) => at(x) - at(y));
}
