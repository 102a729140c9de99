/**
 * One host's deploy (or rollback): lock, back up, stage and start the idle color, gate on health, switch nginx,
 * verify through nginx (switch back when it fails), retire the old color, record the release, prune, unlock.
 * A run that finds the live release identical to the one asked for changes nothing.
 */
import { createHash } from "node:crypto";
import type { Writers } from "../backup/types.js";
import { type Color, colorPort, type SlipwayConfig } from "../config/index.js";
import { SlipwayError } from "../errors.js";
import type { RemoteHost } from "../remote/types.js";
import { durationSeconds } from "../render/from-config/common.js";
import {
  backupBeforeChange,
  databaseSpec,
  prepareDatabaseDir,
  restoreBeforeRelease,
  sudoWriters,
} from "./backup-step.js";
import { gateArgs, healthGate } from "./health.js";
import { withRecord } from "./history.js";
import { hookVars, runDeployHook } from "./hooks.js";
import { markLive, readLiveState, writeHistory } from "./host-state.js";
import { acquireLock, releaseLock } from "./lock.js";
import { switchTo, verifyThroughNginx } from "./nginx.js";
import { deployPaths } from "./paths.js";
import { otherColor } from "./release-id.js";
import { retireOld } from "./retire.js";
import type { ColorRuntime } from "./runtime.js";
import type { HostResult, ReleaseRecord } from "./types.js";

export interface HostRun {
  host: RemoteHost;
  user: string;
  config: SlipwayConfig;
  runtime: ColorRuntime;
  kind: "deploy" | "rollback";
  releaseId: string;
  commit: string;
  actor: string;
  environment?: string;
  env: Record<string, string>;
  images: Record<string, string>;
  secrets: Record<string, string>;
  releaseDir?: string;
  check: boolean;
  restoreDb: boolean;
  drainSeconds?: number;
  forceUnlock?: boolean;
  report: (line: string) => void;
}

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

function siteUrl(config: SlipwayConfig, address: string): string {
  const domain = config.proxy.domains[0] ?? address;
  return `${config.tls.enabled ? "https" : "http"}://${domain}${config.proxy.base_path}`;
}

export async function runHost(run: HostRun, address: string): Promise<HostResult> {
  const { host, config, runtime, report } = run;
  const say = (line: string) => report(`[${host.name}] ${line}`);
  const paths = deployPaths(config.deploy_dir);
  const url = siteUrl(config, address);
  await runtime.prepare?.();
  const live = await readLiveState(host, paths);
  const liveColor = live.color;
  const idle: Color = liveColor ? otherColor(liveColor) : "blue";
  const fingerprint = releaseFingerprint(run.commit, run.env, run.images);
  const liveRecord = live.history.releases.find((r) => r.id === live.release);
  const stageInput = {
    releaseId: run.releaseId,
    env: run.env,
    images: run.images,
    secrets: run.secrets,
    releaseDir: run.releaseDir,
    check: true,
  };

  // Same release already live and healthy: nothing to do (no restart, no reload).
  if (liveColor && liveRecord?.fingerprint === fingerprint && (await runtime.isRunning(liveColor))) {
    const stage = await runtime.stage(liveColor, { ...stageInput, releaseId: liveRecord.id });
    const site = await switchTo(host, config, liveColor, true);
    if (!stage.changed && !site?.changed) {
      say(`release ${liveRecord.id} is already live on ${liveColor}: nothing to do`);
      return { name: host.name, status: "ok", color: liveColor, url, release: liveRecord.id };
    }
  }

  if (run.check) {
    say(`plan: ${run.kind} ${run.releaseId} to ${idle} (live: ${live.release ?? "none"} on ${liveColor ?? "-"})`);
    if (config.database) say("  back up the database");
    const stage = await runtime.stage(idle, stageInput);
    for (const a of stage.actions) say(`  ${a}`);
    say(`  start ${runtime.names(idle).join(", ")} and gate on health`);
    await runHooks(run, "before_switch", idle, liveColor, say);
    const site = await switchTo(host, config, idle, true);
    say(`  switch nginx to ${idle}${site?.changed ? "" : " (no file change)"}`);
    for (const d of [...stage.diffs, site?.diff ?? ""].filter(Boolean)) report(d);
    await runHooks(run, "after_switch", idle, liveColor, say);
    if (config.strategy === "stop-first") {
      say(
        `  downtime: stop-first: ${liveColor ? `stop ${runtime.names(liveColor).join(", ")} before ${idle} starts, then back up` : "(first deploy: nothing to stop)"}`,
      );
    } else if (liveColor) say(`  stop ${runtime.names(liveColor).join(", ")} after ${drainSeconds(run)}s`);
    return { name: host.name, status: "changed", color: liveColor ?? undefined, url };
  }

  await host.exec(
    ["sh", "-c", 'test -d "$1" || { mkdir -p -- "$1" && chown -- "$2" "$1"; }', "sh", paths.root, run.user],
    {
      become: true,
      step: "deploy dir",
    },
  );
  await acquireLock(host, paths.lock, run.actor, run.commit, { force: run.forceUnlock, say });
  say(`locked ${paths.lock}`);
  try {
    return await lockedRun(run, { live, liveColor, idle, fingerprint, url, say });
  } finally {
    await releaseLock(host, paths.lock);
    say("unlocked");
  }
}

interface Ctx {
  live: Awaited<ReturnType<typeof readLiveState>>;
  liveColor: Color | null;
  idle: Color;
  fingerprint: string;
  url: string;
  say: (line: string) => void;
}

function drainSeconds(run: HostRun): number {
  return run.drainSeconds ?? durationSeconds(run.config.drain, "drain");
}

async function lockedRun(run: HostRun, ctx: Ctx): Promise<HostResult> {
  const { host, config, runtime } = run;
  const { live, liveColor, idle, say } = ctx;
  const paths = deployPaths(config.deploy_dir);
  const spec = databaseSpec(config, run.secrets);
  const writersOf = (color: Color) =>
    sudoWriters(
      runtime.writers?.(color) ?? {
        stop: [["systemctl", "stop", ...runtime.names(color)]],
        start: [["systemctl", "start", ...runtime.names(color)]],
      },
    );
  let history = live.history;
  const record = (result: ReleaseRecord["result"], backup: string | null, color: Color): ReleaseRecord => ({
    id: run.releaseId,
    commit: run.commit,
    images: run.images,
    ...(backup ? { backup } : {}),
    time: new Date().toISOString(),
    actor: run.actor,
    result,
    color,
    ...(run.environment ? { environment: run.environment } : {}),
    env: run.env,
    fingerprint: ctx.fingerprint,
  });
  const fail = async (message: string, backup: string | null, hint: string): Promise<never> => {
    if (run.kind === "deploy") {
      history = withRecord(history, record("failed", backup, idle));
      await writeHistory(host, paths, history);
    }
    throw new SlipwayError(message, { host: host.name, hint });
  };

  // Stop-first (one writer, e.g. DuckDB): the live color stops before the new one starts; on any failure it is
  // started again. Blue-green: the live color keeps serving until the switch.
  const stopFirst = config.strategy === "stop-first" && liveColor !== null;
  const resumeOld = async () => {
    if (!stopFirst || !liveColor) return;
    for (const argv of writersOf(liveColor).start)
      await host.exec(argv, { step: "start old color", timeoutMs: 120_000 });
    say(`started ${liveColor} again`);
  };
  const takeBackup = (writers: Writers) =>
    run.kind === "deploy" ? backupBeforeChange(host, config, spec, run.releaseId, writers, say) : Promise.resolve(null);

  // Back up first (blue-green: with the live color's writers stopped meanwhile): a failed backup stops here, before
  // anything changed.
  await prepareDatabaseDir(host, config, run.user);
  let backup = stopFirst ? null : await takeBackup(liveColor ? writersOf(liveColor) : { stop: [], start: [] });
  if (backup) say(`backed up the database: ${backup}`);

  // Stage and start the idle color; gate on each service's health.
  const stage = await runtime.stage(idle, {
    releaseId: run.releaseId,
    env: run.env,
    images: run.images,
    secrets: run.secrets,
    releaseDir: run.releaseDir,
    check: false,
  });
  for (const a of stage.actions) say(a);
  if (stopFirst && liveColor) {
    say(`downtime: stop-first: stopping ${runtime.names(liveColor).join(", ")}`);
    await runtime.stop(liveColor);
    try {
      backup = await takeBackup({ stop: [], start: [] });
    } catch (e) {
      await resumeOld();
      throw e;
    }
    if (backup) say(`backed up the database while stopped: ${backup}`);
  }
  say(`starting ${runtime.names(idle).join(", ")}`);
  try {
    await runtime.start(idle);
  } catch (e) {
    await runtime.stop(idle);
    await resumeOld();
    throw e;
  }
  for (const [name, service] of Object.entries(config.services)) {
    const args = gateArgs(name, service, colorPort(service, idle));
    const gate = await healthGate(host, args);
    if (!gate.ok) {
      say(`${name} on ${idle} is unhealthy after ${gate.attempts} checks (${gate.last}); its last log lines:`);
      for (const line of (await runtime.logs(idle, 30)).split("\n")) if (line) run.report(`    ${line}`);
      await runtime.stop(idle);
      await resumeOld();
      await fail(
        `${name} (${idle}) did not become healthy at ${args.url}: ${gate.last}`,
        backup,
        stopFirst
          ? `${liveColor} was started again and serves the previous release; fix the release and deploy again`
          : `the live color ${liveColor ?? "(none)"} is untouched; fix the release and deploy again`,
      );
    }
    say(`${name} on ${idle} is healthy (${gate.attempts} checks)`);
  }

  // before_switch (e.g. a migration against the new color): a failure is an unhealthy color, live untouched.
  try {
    await runHooks(run, "before_switch", idle, liveColor, say);
  } catch (e) {
    await runtime.stop(idle);
    await resumeOld();
    await fail(
      e instanceof Error ? e.message : String(e),
      backup,
      `${e instanceof SlipwayError && e.hint ? `${e.hint}; ` : ""}${stopFirst ? `${liveColor} was started again` : `the live color ${liveColor ?? "(none)"} is untouched`}`,
    );
  }

  // Switch, then verify through nginx; on failure switch back (the old color still runs, or is started again).
  const switched = await switchTo(host, config, idle);
  say(`switched nginx to ${idle}${switched?.changed ? "" : " (unchanged)"}`);
  const verify = await verifyThroughNginx(host, config);
  const failures = verify.ok ? [] : [...verify.failures];
  // after_switch runs once the routes verified; its failure is handled like a failed verification.
  if (verify.ok) {
    try {
      await runHooks(run, "after_switch", idle, liveColor, say);
    } catch (e) {
      failures.push(e instanceof Error ? e.message : String(e));
    }
  }
  if (failures.length > 0) {
    for (const f of failures) say(`verify failed: ${f}`);
    if (liveColor) {
      await switchTo(host, config, liveColor);
      say(`switched back to ${liveColor}`);
    }
    await runtime.stop(idle);
    if (backup && spec && liveColor && (run.restoreDb || config.database?.restore_on_rollback)) {
      await restoreBeforeRelease(host, config, spec, backup, live.release ?? run.releaseId, writersOf(liveColor), say);
      say(`restored the database from ${backup}`);
    }
    await resumeOld();
    await fail(
      `verification through nginx failed after the switch: ${failures.join("; ")}`,
      backup,
      liveColor
        ? `switched back to ${liveColor}, which serves the previous release`
        : "no previous release to go back to",
    );
  }
  say("verified the public routes through nginx");

  await markLive(host, paths, run.releaseId, idle);
  if (run.kind === "rollback") {
    const from = history.releases.find((r) => r.id === live.release);
    if (from) history = withRecord(history, { ...from, result: "rolled-back" });
    const to = history.releases.find((r) => r.id === run.releaseId);
    history = withRecord(history, {
      ...(to ?? record("deployed", null, idle)),
      result: "deployed",
      color: idle,
      time: new Date().toISOString(),
      actor: run.actor,
    });
  } else {
    history = withRecord(history, record("deployed", backup, idle));
  }
  await writeHistory(host, paths, history);

  // Retire the old color after the drain period (stop-first: already stopped).
  if (liveColor && !stopFirst) {
    const drain = drainSeconds(run);
    say(`draining ${liveColor} for ${drain}s`);
    await new Promise((r) => setTimeout(r, drain * 1000));
    await runtime.stop(liveColor);
    say(`stopped ${liveColor}`);
  }

  // Rollback with --restore-db: the backup taken before the release we leave was deployed.
  if (run.kind === "rollback" && run.restoreDb && spec) {
    const from = live.history.releases.find((r) => r.id === live.release);
    if (from?.backup) {
      await restoreBeforeRelease(host, config, spec, from.backup, run.releaseId, writersOf(idle), say);
      say(`restored the database from ${from.backup}`);
      // The restore restarted the live services: serve again before reporting success.
      await gateAll(run, idle);
    } else say("no backup recorded with the release rolled back from: database left as is");
  }

  const linked = live.history.releases.find((r) => r.id === live.release)?.id;
  await retireOld({ host, config, history, live: run.releaseId, previous: linked ?? null, say });
  return {
    name: host.name,
    status: "changed",
    color: idle,
    url: ctx.url,
    release: run.releaseId,
    ...(backup ? { backup } : {}),
  };
}

/** slipway.yml's hook tasks at this point (deploys only: a rollback runs an old release's code as it was). */
async function runHooks(
  run: HostRun,
  name: "before_switch" | "after_switch",
  color: Color,
  previousColor: Color | null,
  say: (line: string) => void,
): Promise<void> {
  if (run.kind !== "deploy") return;
  const vars = hookVars(run.config, { releaseId: run.releaseId, color, previousColor, check: run.check });
  const count = await runDeployHook(run.host, {
    config: run.config,
    name,
    vars,
    check: run.check,
    secrets: run.secrets,
    report: run.report,
  });
  if (count > 0) say(`${run.check ? "  checked" : "ran"} hook ${name} (${count} task${count === 1 ? "" : "s"})`);
}

/** Health gate of every service of a color; throws when one stays unhealthy. */
async function gateAll(run: HostRun, color: Color): Promise<void> {
  for (const [name, service] of Object.entries(run.config.services)) {
    const args = gateArgs(name, service, colorPort(service, color));
    const gate = await healthGate(run.host, args);
    if (!gate.ok) {
      throw new SlipwayError(`${name} (${color}) is unhealthy after the database restore: ${gate.last}`, {
        host: run.host.name,
        step: "restore",
        hint: `see journalctl -u ${run.config.app}-${name}@${color} on the host`,
      });
    }
  }
}
