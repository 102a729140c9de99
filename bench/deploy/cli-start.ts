/**
 * What the CLI costs before its first remote command: the bundled CLI (as bench/deploy/profile.ts runs it) deploys
 * the bench app to one or more free sandbox targets N times, the same release each time after the first (so every
 * later run is a re-deploy of the live release: the CLI's own start, connect and read, little remote work). Per run,
 * from a `START_MARKS` line (bench/deploy/start-marks.mjs, preloaded): ms from the process's start to the first TCP
 * connect and to the first remote command (a marker in ssh2's Client.exec of the bench's copy of the bundle), the
 * process's CPU ms, and the wall from spawn to exit; then the medians over the runs after the first. With `--release
 * new` every run deploys a new release (a good release each time, counted from the first). Each run also says where
 * the machine's CPU went meanwhile (bench/deploy/cpu-account.ts): the whole machine, the targets' own processes, the
 * app containers.
 *
 *   npx tsx bench/deploy/cli-start.ts [--targets t13] [--runs 10] [--image REF] [--app frontend|tiny]
 *     [--release same|new]
 */
import { readFileSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadSandbox } from "../../test/e2e/support/sandbox.js";
import { type BenchApp, buildBenchImage } from "./apps.js";
import { timedCommand } from "./command.js";
import { cpuSnapshot, cpuSplit } from "./cpu-account.js";
import { slipwayCli, writeSlipwayConfig } from "./slipway.js";
import { median } from "./stats.js";

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 && args[at + 1] ? (args[at + 1] as string) : fallback;
};
const sandbox = loadSandbox();
const names = option("targets", "t13").split(",");
const targets = sandbox.targets.filter((t) => names.includes(t.name));
const cli = await slipwayCli("bundle");
markFirstExec(join(dirname(cli[1] as string), "dist/cli/cli.cjs"));
const preload = join(dirname(fileURLToPath(import.meta.url)), "start-marks.mjs");
const image = option("image", "") || (await buildBenchImage(sandbox, option("app", "frontend") as BenchApp));
const configPath = writeSlipwayConfig(targets, sandbox);
const newRelease = option("release", "same") === "new";
const version = `start${Date.now()}`;

/** Puts the first-exec marker into ssh2's Client.exec of the bench's own bundle copy (never dist/). */
function markFirstExec(bundle: string): void {
  const text = readFileSync(bundle, "utf8");
  const method = "exec(cmd, opts, cb) {";
  if (!text.includes(method)) throw new Error(`no ssh2 Client.exec in ${bundle}: update the marker`);
  writeFileSync(bundle, text.replace(method, `${method} globalThis.__slipwayFirstExec ??= performance.now();`));
}

interface Marks {
  firstConnectMs: number | null;
  firstExecMs: number | null;
  exitMs: number;
  cpuMs: number;
}
type Row = Marks & { wallMs: number; load: string; machineMs: number; targetsMs: number; appsMs: number };
const rows: Row[] = [];
const runs = Number(option("runs", "10"));
for (let i = 0; i <= runs; i++) {
  const load = loadavg()[0]?.toFixed(2) ?? "?";
  const before = cpuSnapshot();
  const run = await timedCommand([
    cli[0] as string,
    "--import",
    preload,
    ...cli.slice(1),
    "deploy",
    "-c",
    configPath,
    "--yes",
    "--image",
    `frontend=${image}`,
    "--version-env",
    `APP_VERSION=${newRelease ? `${version}-${i}` : version}`,
  ]);
  const split = cpuSplit(
    before,
    cpuSnapshot(),
    names.map((n) => `slipway-${n}`),
  );
  const line = run.lines.find((l) => l.line.startsWith("START_MARKS "));
  if (run.exitCode !== 0 || !line) {
    console.log(run.lines.map((l) => l.line).join("\n"));
    throw new Error(`run ${i}: exit ${run.exitCode}`);
  }
  const marks = JSON.parse(line.line.slice("START_MARKS ".length)) as Marks;
  const row = { ...marks, wallMs: run.wallMs, load, ...split };
  const counted = i > 0 || newRelease;
  console.log(`run ${i}${counted ? "" : " (deploy, not counted)"}: ${JSON.stringify(row)}`);
  if (counted) rows.push(row);
}
const med = (pick: (r: Row) => number | null) => median(rows.map(pick).filter((v): v is number => v !== null));
console.log(
  `median of ${rows.length} ${newRelease ? "deploys" : "re-deploys"} on ${names.join(",")}: first connect ${med((r) => r.firstConnectMs)} ms, ` +
    `first remote command ${med((r) => r.firstExecMs)} ms, CPU ${med((r) => r.cpuMs)} ms, wall ${med((r) => r.wallMs)} ms; ` +
    `machine busy ${med((r) => r.machineMs)} ms, targets ${med((r) => r.targetsMs)} ms, apps ${med((r) => r.appsMs)} ms ` +
    `(load ${rows.map((r) => r.load).join(" ")})`,
);
