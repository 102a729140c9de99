/**
 * One deploy at a time on free sandbox targets (default t3; never t1/t2 without the e2e lock), no load generator: the
 * bundled CLI's `deploy --events`, every event stamped in ms since the command started, then the step durations and
 * the stretches before the first step. For finding where a deploy's time goes, not for the figures (run.ts).
 *
 *   npx tsx bench/deploy/profile.ts [--targets t3] [--deploys 3] [--cli bundle|source] [--image REF] [--cpu-prof DIR] [--app frontend|tiny]
 *     [--version V (every deploy the same release: the second one on is a re-deploy of the live release)]
 *     [--trace (the source CLI with trace-exec.mjs: every SSH command stamped, then the count and the sudo spawns)]
 *     [--load closed|paced:MS (wrk through the first target's nginx during each deploy, as run.ts: closed loop, or
 *      each connection waiting MS ms between requests; its totals after the deploy)]
 *     [--rollback (after each deploy, `rollback --yes --events` back to the release before it, profiled the same way)]
 */
import { mkdirSync } from "node:fs";
import { loadavg } from "node:os";
import { loadSandbox } from "../../test/e2e/support/sandbox.js";
import { type BenchApp, buildBenchImage, PUBLIC_PATH, SLIPWAY_APP } from "./apps.js";
import { timedCommand } from "./command.js";
import { type LoadShape, startLoad } from "./load.js";
import { slipwayCli, writeSlipwayConfig } from "./slipway.js";

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 && args[at + 1] ? (args[at + 1] as string) : fallback;
};
const sandbox = loadSandbox();
const names = option("targets", "t3").split(",");
const targets = sandbox.targets.filter((t) => names.includes(t.name));
const trace = args.includes("--trace");
const cli = await slipwayCli(trace ? "source" : (option("cli", "bundle") as "bundle" | "source"));
if (trace) cli.splice(1, 0, "--import", new URL("./trace-exec.mjs", import.meta.url).pathname);
const profDir = option("cpu-prof", "");
if (profDir) mkdirSync(profDir, { recursive: true });
const image = option("image", "") || (await buildBenchImage(sandbox, option("app", "frontend") as BenchApp));
console.log(`image ${image}`);
const configPath = writeSlipwayConfig(targets, sandbox);
const loadOption = option("load", "");
const shape: LoadShape | null = !loadOption
  ? null
  : loadOption === "closed"
    ? { kind: "closed" }
    : { kind: "paced", delayMs: Number(loadOption.split(":")[1] ?? "32") };

/** One command under the profile: its events stamped, the trace's commands among them, wrk's totals if loaded. */
async function profiled(label: string, command: string[]): Promise<void> {
  const prof = profDir ? ["--cpu-prof", "--cpu-prof-dir", profDir] : [];
  const argv = [cli[0] as string, ...prof, ...cli.slice(1)];
  const wrk = shape ? startLoad(targets[0]?.host as string, SLIPWAY_APP.domain, PUBLIC_PATH, shape) : null;
  if (wrk) await new Promise((resolve) => setTimeout(resolve, 1000));
  const load = loadavg()[0]?.toFixed(2);
  const run = await timedCommand([...argv, ...command]);
  const report = wrk ? await wrk.stop() : null;
  console.log(`\n# ${label}: exit ${run.exitCode}, wall ${run.wallMs} ms, load ${load}`);
  if (report) console.log(`# load ${loadOption}: ${JSON.stringify(report)}`);
  let commands = 0;
  let sudo = 0;
  // Trace lines come when a command ends; every line is printed in the order its moment came.
  const out: [number, string][] = [];
  const print = (at: number, text: string) => out.push([at, `${String(at).padStart(6)} ${text}`]);
  for (const { atMs, line } of run.lines) {
    if (line.startsWith("TRACE ")) {
      const t = JSON.parse(line.slice(6)) as { at: number; ms: number; sudo: number; cmd: string };
      commands++;
      sudo += t.sudo;
      print(t.at, `> ${String(t.ms).padStart(5)} ms${t.sudo ? " sudo" : ""} ${t.cmd}`);
      continue;
    }
    const event = line.startsWith("{") ? (JSON.parse(line) as Record<string, unknown>) : null;
    if (!event) print(atMs, line);
    else if (event.kind === "step" && event.status !== "started")
      print(atMs, `[${event.host}] ${event.step} ${event.status} ${event.ms} ms`);
    else if (event.kind === "step") print(atMs, `[${event.host}] ${event.step} started`);
    else if (event.kind === "log") print(atMs, String(event.message).split("\n")[0] ?? "");
  }
  for (const [, text] of out.sort((a, b) => a[0] - b[0])) console.log(text);
  if (trace) console.log(`# ${commands} remote commands, ${sudo} sudo spawns`);
}

for (let i = 0; i < Number(option("deploys", "3")); i++) {
  const version = option("version", "") || `p${Date.now()}`;
  await profiled(`deploy ${i + 1}`, [
    "deploy",
    "-c",
    configPath,
    "--yes",
    "--events",
    "--image",
    `frontend=${image}`,
    "--version-env",
    `APP_VERSION=${version}`,
  ]);
  if (args.includes("--rollback"))
    await profiled(`rollback ${i + 1}`, ["rollback", "-c", configPath, "--yes", "--events"]);
}
