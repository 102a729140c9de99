/**
 * Side-by-side deploy benchmark: Slipway (defaults) against the Ansible blue-green reference playbook
 * (bench/deploy/ansible/deploy.yml) with the same settings, the same image and the same sandbox targets, alternating
 * A B / B A, each deploy under wrk through nginx. Run it under the e2e lock (it changes the targets):
 *
 *   flock /tmp/slipway-e2e.lock npx tsx bench/deploy/run.ts [--targets 1] [--rounds 1]
 *     [--phases good,unhealthy,after-switch,rollback,redeploy] [--baselines] [--min-requests 20000]
 *     [--cli bundle|source] [--hosts t4,t5 (instead of --targets: these targets, e.g. ones outside the e2e lock)]
 *     [--load closed|paced] [--load-share 0.5]
 *
 * Merges its figures into bench/results/deploy.json under `scales.<targets>` (other scales' figures are kept).
 * `--load paced` runs every window at about `--load-share` of the rate the closed-loop probe measured (each wrk
 * connection waits between requests: bench/deploy/load.ts), to see how much of each tool's wall time is the load
 * generator's CPU; its figures go under `paced.<targets>`, beside the closed-loop ones, never over them.
 *
 * `--runtimes container,swarm` compares Slipway's runtimes instead of Slipway and Ansible: the same app, load and
 * phases, nginx on the first host (the swarm's manager) in front of the app on the other two (bench/deploy/runtimes.ts),
 * on t4,t5,t6 (the swarm's nodes) unless --hosts says otherwise, under the swarm lock; ratios are swarm / container.
 * Its figures go under `runtimes.container-swarm`:
 *
 *   flock /tmp/slipway-swarm.lock npx tsx bench/deploy/run.ts --runtimes container,swarm [--phases good,redeploy]
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, loadavg } from "node:os";
import { loadConfig } from "../../src/config/index.js";
import type { RemoteHost } from "../../src/remote/types.js";
import { durationSeconds } from "../../src/render/from-config/common.js";
import { connectTarget, loadSandbox } from "../../test/e2e/support/sandbox.js";
import { formSwarm } from "../../test/e2e/swarm/support.js";
import { ansibleDeploy, type EqualSettings, writeAnsibleSetup } from "./ansible.js";
import { ANSIBLE_APP, APP_PORT, buildBenchImage, HEALTH_PATH, PUBLIC_PATH, SLIPWAY_APP } from "./apps.js";
import { appBootMs, bareReloads, cleanBenchApps } from "./hosts.js";
import { describeLoad, LOAD_CONNECTIONS, type LoadShape } from "./load.js";
import { type Measurement, measurePhase, measureWindow, PHASES, type Phase, type ToolDriver } from "./phases.js";
import { cleanRuntimeApps, parseRuntimes, runtimeDriver, writeRuntimeConfig } from "./runtimes.js";
import { slipwayCli, slipwayDeploy, slipwayRollback, useCli, writeSlipwayConfig } from "./slipway.js";
import { median, pacedDelayMs, pairRatios, pairSides, windowFor } from "./stats.js";

const RESULTS = "bench/results/deploy.json";
const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 && args[at + 1] ? (args[at + 1] as string) : fallback;
};
const runtimes = option("runtimes", "") ? parseRuntimes(option("runtimes", "")) : null;
// --hosts t4,t5 picks the targets by name (targets nobody else uses need no e2e lock); --targets N takes t1..tN.
const hostNames = option("hosts", runtimes ? "t4,t5,t6" : "")
  .split(",")
  .filter(Boolean);
const targetCount = hostNames.length || Number(option("targets", "1"));
const rounds = Number(option("rounds", "1"));
const minRequests = Number(option("min-requests", "20000"));
const phases = option("phases", PHASES.join(",")).split(",") as Phase[];
const withBaselines = args.includes("--baselines");
const cliKind = option("cli", "bundle") as "bundle" | "source";
const loadKind = option("load", "closed");
if (loadKind !== "closed" && loadKind !== "paced") throw new Error(`--load: closed or paced, not ${loadKind}`);
const loadShare = Number(option("load-share", "0.5"));
for (const p of phases) if (!PHASES.includes(p)) throw new Error(`--phases: unknown phase ${p} (${PHASES.join(", ")})`);

const round2 = (n: number) => Math.round(n * 100) / 100;
/**
 * Which Slipway ran, read before anything is measured: `SLIPWAY_COMMIT` when set, else `git rev-parse`; a checkout
 * without .git (a copy of the tree) still writes its figures, marked "unknown".
 */
function slipwayCommitOf(): string {
  if (process.env.SLIPWAY_COMMIT) return process.env.SLIPWAY_COMMIT;
  try {
    return execFileSync("git", ["rev-parse", "--short", "HEAD"], { encoding: "utf8", stdio: "pipe" }).trim();
  } catch {
    return "unknown (no .git; set SLIPWAY_COMMIT)";
  }
}
const slipwayCommit = slipwayCommitOf();
/**
 * What was measured, whatever the commit: the git tree of src/ (`-dirty` when src/ has uncommitted changes), so a
 * commit that changes only bench/ or docs does not split one product's figures into two runs; null without git.
 */
function slipwaySourceOf(): string | null {
  try {
    const git = (...args: string[]) => execFileSync("git", args, { encoding: "utf8", stdio: "pipe" }).trim();
    const dirty = git("status", "--porcelain", "--", "src") !== "";
    return `${git("rev-parse", "--short", "HEAD:src")}${dirty ? "-dirty" : ""}`;
  } catch {
    return null;
  }
}
const slipwaySource = slipwaySourceOf();
const loadAtStart = loadavg().map(round2);
const sandbox = loadSandbox();
const targets = hostNames.length
  ? sandbox.targets.filter((t) => hostNames.includes(t.name))
  : sandbox.targets.slice(0, targetCount);
if (targets.length < targetCount) {
  throw new Error(
    `the sandbox has ${sandbox.targets.length} targets; run \`npm run sandbox -- up --targets ${targetCount}\``,
  );
}
const log = (line: string) => console.log(`[bench/deploy ${new Date().toISOString().slice(11, 19)}] ${line}`);

log(`bundling the CLI (${cliKind}); building and pushing the bench image (examples/harvest/frontend)`);
useCli(await slipwayCli(cliKind));
const image = await buildBenchImage(sandbox);
log(`image ${image}; cleaning both bench apps on ${targets.map((t) => t.name).join(", ")}`);
const hosts: RemoteHost[] = await Promise.all(targets.map((t) => connectTarget(t.name)));
const clean = async () => {
  if (runtimes) await cleanRuntimeApps(hosts);
  else await Promise.all(hosts.map(cleanBenchApps));
};
await clean();
if (runtimes?.includes("swarm")) {
  // The sandbox swarm of the swarm e2e tests (t4 manager, t5 and t6 workers): formed, or left as it is.
  const formed = await formSwarm();
  if (!formed.ok) throw new Error("playbooks/swarm.yml failed on t4..t6: run test/e2e/swarm/cluster.test.ts");
}

const configPath = writeSlipwayConfig(targets, sandbox);
const config = await loadConfig(configPath);
const health = config.services.frontend?.health;
const settings: EqualSettings = {
  healthIntervalS: durationSeconds(health?.interval ?? "2s", "health.interval"),
  healthSuccesses: health?.consecutive_successes ?? 1,
  healthTimeoutS: durationSeconds(health?.timeout ?? "60s", "health.timeout"),
  drainS: durationSeconds(config.drain, "drain"),
};
const ansibleSetup = writeAnsibleSetup(targets, sandbox);
const slipway: ToolDriver = {
  app: SLIPWAY_APP,
  live: null,
  previous: null,
  deploy: (release) => slipwayDeploy(configPath, image, release),
  rollback: () => slipwayRollback(configPath),
};
const ansible: ToolDriver = {
  app: ANSIBLE_APP,
  live: null,
  previous: null,
  deploy: (release) => ansibleDeploy(ansibleSetup, image, release, settings),
  rollback: () => ansibleDeploy(ansibleSetup, image, ansible.previous ?? { version: "none", broken: "" }, settings),
};
// The two sides, the first the base of the ratios (Ansible / Slipway; swarm / container).
const [first, second] = runtimes
  ? runtimes.map((r) => runtimeDriver(r, writeRuntimeConfig(r, targets, sandbox), image))
  : [slipway, ansible];
if (!first || !second) throw new Error("two sides expected");
// Where the load and the version watch go: every target's nginx, or the one nginx host of the runtime comparison.
const edge = runtimes ? targets.slice(0, 1) : targets;

// Warm-up, not measured: the first deploy pulls the image and writes the sites; a rollback needs a release before.
const firstDeploys: Record<string, number[]> = { [first.app.tool]: [], [second.app.tool]: [] };
for (const driver of [first, second]) {
  for (const version of phases.includes("rollback") ? ["w1", "w2"] : ["w1"]) {
    const run = await driver.deploy({ version, broken: "" });
    if (run.exitCode !== 0) {
      await clean(); // the shared targets as found
      throw new Error(`${driver.app.tool} warm-up deploy failed:\n${run.lines.map((l) => l.line).join("\n")}`);
    }
    firstDeploys[driver.app.tool]?.push(run.wallMs);
    [driver.previous, driver.live] = [driver.live, { version, broken: "" }];
    log(`${driver.app.tool} warm-up deploy ${version}: ${run.wallMs} ms`);
  }
}

// The load's rate here sets how long each window runs to reach --min-requests; meanwhile, under the same load, the
// app's own boot time (docker run to first healthy answer) on the first target. A paced load is set from the closed
// probe's rate (its share of it), then measured once more paced to take the answer time off each connection's wait.
let bootMs = 0;
const firstTarget = targets[0] as (typeof targets)[0];
const bootDuring = async () => {
  bootMs = await appBootMs(hosts[0] as RemoteHost, image, APP_PORT, HEALTH_PATH);
};
const closedProbe = await measureWindow(
  firstTarget,
  first.app,
  3000,
  loadKind === "closed" ? bootDuring : async () => {},
);
let shape: LoadShape = { kind: "closed" };
let probe = closedProbe;
let pacedRate: number | null = null;
if (loadKind === "paced") {
  pacedRate = Math.round(closedProbe.requestsPerSecond * loadShare);
  const guess = pacedDelayMs(pacedRate, LOAD_CONNECTIONS);
  probe = await measureWindow(firstTarget, first.app, 3000, bootDuring, { kind: "paced", delayMs: guess });
  shape = {
    kind: "paced",
    delayMs: pacedDelayMs(pacedRate, LOAD_CONNECTIONS, { delayMs: guess, requestsPerSecond: probe.requestsPerSecond }),
  };
  log(`paced load: ${pacedRate} requests/s (${loadShare} of the closed probe's ${closedProbe.requestsPerSecond})`);
}
log(`app boot (docker run to healthy, under load): ${bootMs} ms`);
const windowMs = windowFor(minRequests, pacedRate ?? probe.requestsPerSecond, 3000);
log(
  `load probe: ${probe.requestsPerSecond} requests/s through nginx; each window runs >= ${windowMs} ms (${describeLoad(shape)})`,
);

const baselines: Record<string, unknown> = {};
if (withBaselines) {
  baselines.noDeploy = await measureWindow(firstTarget, first.app, windowMs, async () => undefined, shape);
  log(`baseline, no deploy: ${JSON.stringify(baselines.noDeploy)}`);
  baselines.bareReloads = {
    reloads: 5,
    ...(await measureWindow(
      firstTarget,
      first.app,
      windowMs,
      () => bareReloads(hosts[0] as RemoteHost, 5, 1000),
      shape,
    )),
  };
  log(`baseline, 5 bare reloads: ${JSON.stringify(baselines.bareReloads)}`);
}

const measurements: Measurement[] = [];
for (let round = 1; round <= rounds; round++) {
  for (const phase of phases) {
    // A B in odd rounds, B A in even ones: neither tool always runs second, on a warmer machine.
    const order = round % 2 ? [first, second] : [second, first];
    for (const driver of order) {
      const m = await measurePhase(driver, phase, round, edge, hosts, windowMs, shape);
      measurements.push(m);
      log(
        `round ${round} ${phase} ${m.tool}: exit ${m.exitCode}${m.expectedOutcome ? "" : " (UNEXPECTED)"}, ` +
          `wall ${m.wallMs} ms, to serving ${m.toServingMs ?? "-"} ms, ${m.load.requests} requests, ` +
          `${m.load.failedAnswers} failed answers, ${m.load.connectionErrors} connection errors` +
          (m.changedNothing === null ? "" : `, changed nothing: ${m.changedNothing}`),
      );
      // What the tool said last: the reason an outcome was not the phase's (the JSON keeps the whole timeline).
      if (!m.expectedOutcome) for (const l of m.timeline.slice(-20)) log(`  ${m.tool} +${l.atMs} ms: ${l.line}`);
    }
  }
}
// Leave the shared targets as found: both bench apps removed (their containers would hold memory on every target).
await clean();
await Promise.all(hosts.map((h) => h.close()));

// Each invocation writes the phases it ran (and its baselines) under its scale, keeping what other invocations wrote:
// the full benchmark is several short runs, each holding the shared targets a few minutes at most.
const machine = {
  cores: availableParallelism(),
  cpu: cpus()[0]?.model ?? "unknown",
  node: process.version,
  loadAverage: { start: loadAtStart, end: loadavg().map(round2) },
};
const load = {
  tool: describeLoad(shape),
  path: PUBLIC_PATH,
  probe,
  ...(pacedRate === null ? {} : { closedProbe, share: loadShare, pacedRequestsPerSecond: pacedRate }),
  windowMs,
};
const phaseResults = Object.fromEntries(
  phases.map((phase) => {
    const runs = measurements.filter((m) => m.phase === phase);
    const side = (tool: string) => {
      const of = runs.filter((m) => m.tool === tool);
      return {
        wallMs: median(of.map((m) => m.wallMs)),
        toServingMs: median(of.flatMap((m) => (m.toServingMs === null ? [] : [m.toServingMs]))),
        failedAnswers: of.reduce((n, m) => n + m.load.failedAnswers, 0),
        connectionErrors: of.reduce((n, m) => n + m.load.connectionErrors, 0),
        requests: of.reduce((n, m) => n + m.load.requests, 0),
        allExpected: of.every((m) => m.expectedOutcome),
      };
    };
    const summary = { [first.app.tool]: side(first.app.tool), [second.app.tool]: side(second.app.tool) };
    log(`${phase}: ${JSON.stringify(summary)}`);
    return [
      phase,
      {
        date: new Date().toISOString(),
        rounds,
        slipwayCli: cliKind,
        // Which Slipway ran: phases of one scale may come from runs on different commits.
        slipwayCommit,
        slipwaySource,
        machine,
        load,
        appBootMs: bootMs,
        summary,
        ratios: runtimes ? pairSides(runs, first.app.tool, second.app.tool) : pairRatios(runs),
        runs,
      },
    ];
  }),
);
const previous = existsSync(RESULTS) ? JSON.parse(readFileSync(RESULTS, "utf8")) : {};
const key = runtimes ? runtimes.join("-") : String(targetCount);
// Where this run's figures go: the runtime comparison, the paced-load scales, or the closed-loop scales.
const section = runtimes ? "runtimes" : shape.kind === "paced" ? "paced" : "scales";
const before = previous[section]?.[key] ?? {};
const scale = {
  targets: targets.map((t) => t.name),
  ...(runtimes
    ? {
        layout: `nginx on ${targets[0]?.name}, the app on ${targets
          .slice(1)
          .map((t) => t.name)
          .join(" and ")}`,
      }
    : {}),
  equalSettings: settings,
  slipwayCli: cliKind,
  image,
  firstDeploysMs: firstDeploys,
  appBootMs: bootMs,
  baselines: withBaselines ? { date: new Date().toISOString(), machine, load, ...baselines } : before.baselines,
  phases: { ...(before.phases ?? {}), ...phaseResults },
};
const output = {
  benchmark: "blue-green deploy under load: Slipway (defaults) vs a hand-written Ansible playbook, same settings",
  ...previous,
  [section]: { ...(previous[section] ?? {}), [key]: scale },
};
mkdirSync("bench/results", { recursive: true });
writeFileSync(RESULTS, `${JSON.stringify(output, null, 2)}\n`);
const ratioOf = runtimes ? pairSides(measurements, first.app.tool, second.app.tool) : pairRatios(measurements);
log(`ratios (${second.app.tool} / ${first.app.tool} wall time): ${JSON.stringify(ratioOf)}`);
