// `npm test` after set-up (scripts/test.sh): the unit project, the "first" files of scripts/e2e-lanes.mjs alone, then
// its e2e lanes side by side (each on sandbox targets of its own; a lane's spanning files on targets shifted by
// SLIPWAY_E2E_TARGET_OFFSET), then the "solo" files alone. Arguments go to
// every vitest run; with `--outputFile=F` (CI's JSON report) each run writes F.<part>.json and F is their sum, in
// vitest's own shape, so scripts/ci-summary.mjs reads one report. Each lane's lines are prefixed with its name ("[a] "):
// several runs print at once. Exit code: 0 when every run passed, else 1. Ctrl-C or SIGINT (CI's budget) goes to every
// run.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { lanes } from "./e2e-lanes.mjs";

const args = process.argv.slice(2);
const outputAt = args.findIndex((a) => a === "--outputFile" || a.startsWith("--outputFile="));
const output =
  outputAt < 0
    ? undefined
    : args[outputAt].includes("=")
      ? args[outputAt].slice("--outputFile=".length)
      : args[outputAt + 1];
const passThrough =
  outputAt < 0 ? args : args.filter((_, i) => i !== outputAt && !(i === outputAt + 1 && !args[outputAt].includes("=")));
const children = new Set();
const reports = [];

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    for (const child of children) child.kill(signal);
  });
}

/**
 * One vitest run; resolves to its exit code. `prefix` marks each line of its output; `env` is added to this process's.
 * An empty e2e list: nothing to run (null: no list).
 */
function vitest(part, projects, files, prefix, env = {}) {
  if (files?.length === 0 && projects.includes("e2e")) return Promise.resolve(0);
  const report = output ? `${output}.${part}.json` : undefined;
  if (report) reports.push(report);
  const argv = [
    "vitest",
    "run",
    ...projects.flatMap((p) => ["--project", p]),
    ...passThrough,
    ...(report ? [`--outputFile=${report}`] : []),
  ];
  const child = spawn("npx", [...argv, ...(files ?? [])], {
    env: { ...process.env, ...env },
    stdio: ["ignore", prefix ? "pipe" : "inherit", prefix ? "pipe" : "inherit"],
  });
  children.add(child);
  if (prefix) {
    createInterface({ input: child.stdout }).on("line", (line) => process.stdout.write(`${prefix}${line}\n`));
    createInterface({ input: child.stderr }).on("line", (line) => process.stderr.write(`${prefix}${line}\n`));
  }
  return new Promise((resolve) =>
    child.on("close", (code, signal) => {
      children.delete(child);
      resolve(code ?? (signal ? 1 : 0));
    }),
  );
}

/**
 * The e2e files' `slipway` child processes run the shipped bundle (dist/cli/index.js, 0.5 s of CPU a start) when dist/
 * matches the sources, as scripts/check-dist.sh judges; else the sources through tsx (3 s a start), with a warning.
 * Sets SLIPWAY_E2E_CLI=dist (read by test/e2e/support/sandbox.ts) in this process's environment, which every run inherits.
 */
function cliForE2e() {
  // .ci/run sets it after its own check-dist step.
  if (process.env.SLIPWAY_E2E_CLI === "dist") return;
  const check = spawnSync("bash", ["scripts/check-dist.sh"], { encoding: "utf8" });
  if (check.status === 0) {
    process.env.SLIPWAY_E2E_CLI = "dist";
    console.log("e2e: the CLI runs from dist/ (it matches the sources)");
  } else {
    console.warn(
      `e2e: dist/ does not match the sources (run \`npm run bundle\`): the CLI runs through tsx\n${check.stderr}`,
    );
  }
}

/** The parts' JSON reports as one: counts summed, file results in run order, success only when all succeeded. */
function mergeReports() {
  const parts = reports.filter((file) => existsSync(file)).map((file) => JSON.parse(readFileSync(file, "utf8")));
  if (parts.length < reports.length) console.error(`${reports.length - parts.length} test run(s) wrote no report`);
  if (parts.length === 0) return;
  const merged = { ...parts[0], testResults: parts.flatMap((p) => p.testResults ?? []) };
  for (const key of Object.keys(parts[0])) {
    if (typeof parts[0][key] === "number" && key !== "startTime")
      merged[key] = parts.reduce((n, p) => n + (p[key] ?? 0), 0);
  }
  merged.success = parts.length === reports.length && parts.every((p) => p.success);
  merged.startTime = Math.min(...parts.map((p) => p.startTime ?? Number.POSITIVE_INFINITY));
  writeFileSync(output, JSON.stringify(merged));
}

// Files or filters named (`npm test -- test/e2e/x.test.ts`): one plain run of them, as vitest would.
if (passThrough.some((a) => !a.startsWith("-"))) {
  process.exit(await vitest("all", ["unit", "e2e"], null, ""));
}
const e2e = lanes();
const codes = [await vitest("unit", ["unit"], [])];
cliForE2e();
const described = e2e.lanes.map(
  (l) => `${l.name} ${l.runs.map((r) => r.files.length).join("+")} files (~${Math.round(l.seconds)} s)`,
);
console.log(
  `e2e: first ${e2e.first.length}; lanes side by side: ${described.join(", ")}; then solo ${e2e.solo.length}`,
);
/** A lane's runs one after the other: its own files, then its spanning files on targets shifted by the run's offset. */
async function lane({ name, runs }) {
  const results = [];
  for (const { offset, files } of runs) {
    const part = offset === 0 ? name : `${name}${offset}`;
    results.push(await vitest(part, ["e2e"], files, `[${part}] `, { SLIPWAY_E2E_TARGET_OFFSET: String(offset) }));
  }
  return results;
}
codes.push(await vitest("first", ["e2e"], e2e.first, ""));
codes.push(...(await Promise.all(e2e.lanes.map(lane))).flat());
codes.push(await vitest("solo", ["e2e"], e2e.solo, ""));
if (output) mergeReports();
process.exit(codes.every((code) => code === 0) ? 0 : 1);
