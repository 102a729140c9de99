/**
 * deploy() and rollback(): connect to every chosen host and run the per-host flow on all of them in parallel, then
 * build the recap. A host that fails does not stop the others; the result says which failed and why.
 */
import { detectGitInfo } from "../build/git_info.js";
import { resolveSecrets, type SlipwayConfig } from "../config/index.js";
import { SlipwayError } from "../errors.js";
import { newRunId } from "../lock/lock.js";
import { ConnectionPool, Redactor } from "../remote/index.js";
import { composeRuntime } from "./compose-runtime.js";
import { chosenHosts, connectAll } from "./connect.js";
import { buildForDeploy } from "./container/images.js";
import { containerRuntime } from "./container-runtime.js";
import type { DeployEventSink } from "./events.js";
import { fleetTarget, hostSpecific, runBatches } from "./fleet.js";
import { checkDeployHooks } from "./hooks.js";
import { type HostRun, runHost } from "./host-flow.js";
import { type Interrupt, withInterrupts } from "./interrupt.js";
import { formatRecap } from "./recap.js";
import { isReleaseId, releaseId } from "./release-id.js";
import type { ColorRuntime } from "./runtime.js";
import { systemdRuntime } from "./systemd-runtime.js";
import type { DeployOptions, DeployResult, HostResult, RollbackOptions } from "./types.js";

/** The runtime of the config's `runtime` for one host (systemd units, containers or compose projects per color). */
export function runtimeFor(config: SlipwayConfig): (host: HostRun["host"]) => ColorRuntime {
  if (config.runtime === "systemd") return (host) => systemdRuntime(config, host);
  if (config.runtime === "container") return (host) => containerRuntime(config, host);
  return (host) => composeRuntime(config, host);
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

async function onEveryHost(
  config: SlipwayConfig,
  limit: string[] | undefined,
  kind: "deploy" | "rollback",
  input: BaseRun,
  perHost: PerHost | null,
): Promise<DeployResult> {
  const started = Date.now();
  // One redactor for the run: every event (lines, commands, errors, diffs) is masked before any caller sees it.
  const redactor = (input.redactor ?? new Redactor()).addAll(Object.values(input.secrets));
  let base: BaseRun = { ...input, sink: (event) => input.sink(redactor.redactValue(event)) };
  const report = (message: string) => base.sink({ kind: "log", level: "info", message });
  const runtime = runtimeFor(config);
  const pool = new ConnectionPool({ redactor });
  const hosts: HostResult[] = [];
  let release = base.releaseId;
  try {
    const connected = await connectAll(config, chosenHosts(config, limit), pool);
    if (kind === "rollback" && !base.releaseId) {
      const target = await fleetTarget(connected, config);
      if (target) {
        report(`rollback: the fleet goes back to ${target}, the release before its last deploy`);
        base = { ...base, releaseId: target };
        release = target;
      }
    }
    const one = async ({ resolved, host, error }: (typeof connected)[number]): Promise<HostResult> => {
      if (!host) return hostEnd(base, { name: resolved.name, status: "unreachable", error });
      try {
        const run = perHost ? await perHost(base) : base;
        if (!run) return { name: resolved.name, status: "ok" };
        const fromHost = perHost ? await hostSpecific(run, host) : run;
        const result = await runHost(
          { ...fromHost, host, user: resolved.user, runtime: runtime(host) },
          resolved.address,
        );
        if (result.status === "changed" || kind === "rollback") release = fromHost.releaseId;
        else if (result.status === "ok" && result.release) release = result.release;
        return hostEnd(base, result);
      } catch (e) {
        // The full description (command, exit code, stderr tail, next step) goes to the log; the recap keeps one line.
        report(`[${resolved.name}] FAILED: ${e instanceof SlipwayError ? e.describe() : errorText(e)}`);
        return hostEnd(base, { name: resolved.name, status: "failed", error: errorText(e) });
      }
    };
    hosts.push(...(await runBatches(connected, one, { ...base, kind, runtime, report })));
  } finally {
    await pool.closeAll();
  }
  const recap = formatRecap(kind, release, hosts, (Date.now() - started) / 1000, base.check);
  report(recap);
  return {
    ok: hosts.length > 0 && hosts.every((h) => h.status === "ok" || h.status === "changed"),
    release,
    hosts,
    images: base.images,
    recap,
  };
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
  const commit =
    options.commit ??
    (await detectGitInfo(options.releaseDir ?? config.source.dir).catch(() => ({ commitSha: "local" }))).commitSha;
  const id = options.releaseId ?? releaseId(commit, new Date());
  if (!isReleaseId(id)) throw releaseIdError(id, "--release-id");
  checkDeployHooks(config);
  const sink = options.onEvent ?? (() => undefined);
  const report = (message: string) => sink({ kind: "log", level: "info", message });
  // Runtime container: images built and pushed on the runner (unless the caller has them), pulled by digest on hosts.
  const images =
    options.images ??
    (config.runtime !== "systemd" && !options.check
      ? await buildForDeploy(config, {
          commit,
          releaseDir: options.releaseDir,
          insecure: options.insecureRegistry ?? config.image.insecure,
          report,
        })
      : {});
  return withInterrupts((interrupt) =>
    onEveryHost(
      config,
      options.limit,
      "deploy",
      {
        ...sharedRun(options, sink, interrupt),
        kind: "deploy",
        releaseId: id,
        commit,
        env: options.versionEnv ?? {},
        images,
        releaseDir: options.releaseDir,
      },
      null,
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
    runId: options.runId ?? newRunId(),
    redactor: options.redactor,
    sink,
    interrupt,
  };
}

function releaseIdError(id: string, flag: string): SlipwayError {
  return new SlipwayError(`${flag} ${JSON.stringify(id)} is not a release id`, {
    hint: "a release id is one path segment: letters, digits, '.', '_' and '-', starting with a letter or digit (at most 100)",
  });
}
