/**
 * The phases, each one deploy of one tool under load: what it deploys, which version should end up serving, and the
 * measurement (wall time, command start to the new version serving on every target, wrk's failed answers and
 * connection errors through nginx on the first target).
 */
import type { RemoteHost } from "../../src/remote/types.js";
import type { SandboxTarget } from "../../test/e2e/support/sandbox.js";
import { PUBLIC_PATH, type Release, type ToolApp } from "./apps.js";
import type { CommandRun } from "./command.js";
import { appState } from "./hosts.js";
import { type LoadShape, startLoad } from "./load.js";
import type { WrkReport } from "./stats.js";
import { watchVersion } from "./version-watch.js";

export const PHASES = ["good", "unhealthy", "after-switch", "rollback", "redeploy"] as const;
export type Phase = (typeof PHASES)[number];

/** One tool, as the phases drive it; `live`/`previous` track what it should be serving. */
export interface ToolDriver {
  app: ToolApp;
  live: Release | null;
  previous: Release | null;
  deploy(release: Release): Promise<CommandRun>;
  /** Back to `previous` (Slipway: `rollback`; Ansible: the playbook with the previous release's variables). */
  rollback(): Promise<CommandRun>;
}

export interface Measurement {
  round: number;
  phase: Phase;
  tool: ToolApp["tool"];
  exitCode: number;
  /** Whether the outcome is the one the phase expects (a broken release must fail, the rest succeed). */
  expectedOutcome: boolean;
  wallMs: number;
  /** Command start until every target answered the version this phase switches to; null: never (or none). */
  toServingMs: number | null;
  servingPerTarget: Record<string, number | null> | null;
  /** Re-deploy only: the app's containers, nginx files and /opt files are the same after as before. */
  changedNothing: boolean | null;
  load: WrkReport;
  /** The command's output, each line with ms since its start: where the time went. */
  timeline: Array<{ atMs: number; line: string }>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What the phase runs, which version should serve after it, and whether the command should succeed. */
function plan(driver: ToolDriver, phase: Phase, round: number) {
  const live = driver.live as Release;
  switch (phase) {
    case "good":
      return { release: { version: `r${round}-good`, broken: "" } as Release, expect: `r${round}-good`, ok: true };
    case "unhealthy":
      return { release: { version: `r${round}-unhealthy`, broken: "unhealthy" } as Release, expect: null, ok: false };
    case "after-switch":
      return { release: { version: `r${round}-broken`, broken: "after-switch" } as Release, expect: null, ok: false };
    case "rollback":
      return { release: driver.previous as Release, expect: driver.previous?.version ?? null, ok: true };
    case "redeploy":
      return { release: live, expect: null, ok: true };
  }
}

/**
 * Runs one phase of one tool under load: wrk starts 1 s before the command and runs until the command is done
 * plus 1 s and at least `windowMs` in all; the version watch runs alongside.
 */
export async function measurePhase(
  driver: ToolDriver,
  phase: Phase,
  round: number,
  targets: readonly SandboxTarget[],
  hosts: readonly RemoteHost[],
  windowMs: number,
  shape: LoadShape = { kind: "closed" },
): Promise<Measurement> {
  const step = plan(driver, phase, round);
  const state = () => Promise.all(hosts.map((h) => appState(h, driver.app.app)));
  const stateBefore = phase === "redeploy" ? await state() : null;
  const load = startLoad(targets[0]?.host as string, driver.app.domain, PUBLIC_PATH, shape);
  let commandStart = Number.POSITIVE_INFINITY;
  // A broken release's version is watched too: it shows how long users met the broken release, if at all.
  const watched = step.expect ?? (phase === "redeploy" ? null : step.release.version);
  const watch = watched ? watchVersion(targets, driver.app.domain, watched, () => commandStart) : null;
  await sleep(1000);
  commandStart = performance.now();
  const run = phase === "rollback" ? await driver.rollback() : await driver.deploy(step.release);
  await sleep(1000);
  while (load.elapsedMs() < windowMs) await sleep(100);
  const report = await load.stop();
  const seen = watch ? await watch.stop() : null;
  const stateAfter = stateBefore ? await state() : null;
  const succeeded = run.exitCode === 0;
  if (succeeded && phase !== "redeploy") {
    if (phase === "rollback") [driver.live, driver.previous] = [driver.previous, driver.live];
    else [driver.live, driver.previous] = [step.release, driver.live];
  }
  const times = seen ? Object.values(seen) : [];
  return {
    round,
    phase,
    tool: driver.app.tool,
    exitCode: run.exitCode,
    expectedOutcome: succeeded === step.ok,
    wallMs: run.wallMs,
    toServingMs: times.length > 0 && times.every((t) => t !== null) ? Math.max(...(times as number[])) : null,
    servingPerTarget: seen,
    changedNothing: stateBefore ? JSON.stringify(stateBefore) === JSON.stringify(stateAfter) : null,
    load: report,
    timeline: run.lines,
  };
}

/** A load window with no deploy (`during` does nothing) or with bare nginx reloads: the floor a deploy is judged by. */
export async function measureWindow(
  target: SandboxTarget,
  app: ToolApp,
  windowMs: number,
  during: () => Promise<void>,
  shape: LoadShape = { kind: "closed" },
): Promise<WrkReport> {
  const load = startLoad(target.host, app.domain, PUBLIC_PATH, shape);
  await sleep(1000);
  await during();
  while (load.elapsedMs() < windowMs) await sleep(100);
  return load.stop();
}
