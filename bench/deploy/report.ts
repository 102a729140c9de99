/**
 * Prints bench/results/deploy.json as the markdown tables of bench/README.md (so the tables are never typed by hand);
 * `--write` puts them into bench/README.md between its two report markers instead (what bench/deploy/all.sh does):
 *
 *   npx tsx bench/deploy/report.ts [--write]
 */
import { readFileSync, writeFileSync } from "node:fs";

interface Side {
  wallMs: number | null;
  toServingMs: number | null;
  failedAnswers: number;
  connectionErrors: number;
  requests: number;
  allExpected: boolean;
}
interface Run {
  round: number;
  tool: string;
  wallMs: number;
  toServingMs: number | null;
  changedNothing: boolean | null;
  timeline: Array<{ atMs: number; line: string }>;
  load?: Window;
}
interface PhaseResult {
  appBootMs: number;
  load?: { tool?: string };
  date?: string;
  slipwayCommit?: string;
  /** The git tree of src/ the run measured (run.ts slipwaySourceOf); absent in runs before it was recorded. */
  slipwaySource?: string | null;
  machine: { loadAverage: { start: number[]; end: number[] } };
  summary: { slipway: Side; ansible: Side };
  ratios: Array<{ round: number; slipwayMs: number; ansibleMs: number; ratio: number }>;
  runs: Run[];
}
interface Window {
  requests: number;
  failedAnswers: number;
  connectionErrors: number;
  requestsPerSecond: number;
}
interface Scale {
  targets: string[];
  baselines?: { noDeploy: Window; bareReloads: Window & { reloads: number } };
  phases: Record<string, PhaseResult>;
}

/** `run.ts --runtimes a,b`: the same phases, sides named by runtime, ratios b / a. */
interface RuntimeComparison {
  targets: string[];
  layout?: string;
  phases: Record<
    string,
    Omit<PhaseResult, "summary" | "ratios"> & {
      summary: Record<string, Side>;
      ratios: Array<{ round: number; baseMs: number; otherMs: number; ratio: number }>;
    }
  >;
}

const results = JSON.parse(readFileSync("bench/results/deploy.json", "utf8")) as {
  scales: Record<string, Scale>;
  /** `run.ts --load paced`: the same shape, each window's load paced to a share of the closed probe's rate. */
  paced?: Record<string, Scale>;
  runtimes?: Record<string, RuntimeComparison>;
};
const s = (ms: number | null | undefined) => (ms === null || ms === undefined ? "-" : (ms / 1000).toFixed(1));
const out: string[] = [];
// The tables are collected, then printed or written into the README (`--write`).
const console = { log: (text: string) => out.push(text) };
const row = (cells: Array<string | number>) => `| ${cells.join(" | ")} |`;

const one = results.scales["1"];
if (one) {
  console.log("Phases, 1 target (summed over rounds; wall and serving times are medians):\n");
  console.log(
    row(["phase", "tool", "wall s", "start to serving s", "requests", "failed answers", "conn. errors", "as expected"]),
  );
  console.log(row(Array(8).fill("---")));
  for (const [phase, r] of Object.entries(one.phases)) {
    for (const tool of ["slipway", "ansible"] as const) {
      const x = r.summary[tool];
      console.log(
        row([
          phase,
          tool,
          s(x.wallMs),
          s(x.toServingMs),
          x.requests,
          x.failedAnswers,
          x.connectionErrors,
          x.allExpected ? "yes" : "NO",
        ]),
      );
    }
  }
  if (one.baselines) {
    const b = one.baselines;
    console.log("\nBaselines, 1 target:\n");
    console.log(row(["window", "requests", "requests/s", "failed answers", "conn. errors"]));
    console.log(row(Array(5).fill("---")));
    console.log(
      row([
        "no deploy",
        b.noDeploy.requests,
        b.noDeploy.requestsPerSecond,
        b.noDeploy.failedAnswers,
        b.noDeploy.connectionErrors,
      ]),
    );
    const r = b.bareReloads;
    console.log(
      row([
        `${r.reloads} bare \`systemctl reload nginx\``,
        r.requests,
        r.requestsPerSecond,
        r.failedAnswers,
        r.connectionErrors,
      ]),
    );
  }
}

console.log("\nPairs (Ansible wall / Slipway wall, each pair back to back):\n");
console.log(
  row([
    "targets",
    "phase",
    "round",
    "Slipway s",
    "Ansible s",
    "ratio",
    "load avg (1 min) start-end",
    "run (commit, date)",
  ]),
);
console.log(row(Array(8).fill("---")));
for (const [n, scale] of Object.entries(results.scales)) {
  for (const [phase, r] of Object.entries(scale.phases)) {
    const la = `${r.machine.loadAverage.start[0]}-${r.machine.loadAverage.end[0]}`;
    const run = `${r.slipwayCommit ?? "?"}, ${r.date?.slice(0, 16) ?? "?"}`;
    for (const p of r.ratios)
      console.log(row([n, phase, p.round, s(p.slipwayMs), s(p.ansibleMs), `${p.ratio}x`, la, run]));
  }
}

// The paced load's pairs, beside (never instead of) the closed-loop ones: how much of each wall is wrk's CPU.
for (const [n, scale] of Object.entries(results.paced ?? {})) {
  console.log(
    `\nPaced load, ${n} target(s) (the same phases under a load paced to a share of the closed probe's rate):\n`,
  );
  console.log(
    row([
      "phase",
      "round",
      "Slipway s",
      "Ansible s",
      "ratio",
      "Slipway start to serving s",
      "requests/s (S/A)",
      "requests (S/A)",
      "failed answers (S/A)",
      "conn. errors (S/A)",
      "load avg (1 min) start-end",
      "run (commit, date)",
    ]),
  );
  console.log(row(Array(12).fill("---")));
  for (const [phase, r] of Object.entries(scale.phases)) {
    const la = `${r.machine.loadAverage.start[0]}-${r.machine.loadAverage.end[0]}`;
    const run = `${r.slipwayCommit ?? "?"}, ${r.date?.slice(0, 16) ?? "?"}`;
    const loadOf = (tool: string, round: number) => r.runs.find((x) => x.tool === tool && x.round === round)?.load;
    for (const p of r.ratios) {
      const [a, b] = [loadOf("slipway", p.round), loadOf("ansible", p.round)];
      const both = (f: (w: Window) => number) => `${a ? f(a) : "-"}/${b ? f(b) : "-"}`;
      const serving = r.runs.find((x) => x.tool === "slipway" && x.round === p.round)?.toServingMs;
      console.log(
        row([
          phase,
          p.round,
          s(p.slipwayMs),
          s(p.ansibleMs),
          `${p.ratio}x`,
          s(serving),
          both((w) => w.requestsPerSecond),
          both((w) => w.requests),
          both((w) => w.failedAnswers),
          both((w) => w.connectionErrors),
          la,
          run,
        ]),
      );
    }
  }
  const load = (Object.values(scale.phases)[0] as (PhaseResult & { load?: { tool?: string } }) | undefined)?.load;
  if (load?.tool) console.log(`\nLoad: ${load.tool}.`);
}

console.log("\nScale (good release and re-deploy of the live release):\n");
console.log(
  row([
    "targets",
    "Slipway good s",
    "Ansible good s",
    "Slipway re-deploy s",
    "Ansible re-deploy s",
    "re-deploy changed nothing (S/A)",
  ]),
);
console.log(row(Array(6).fill("---")));
for (const [n, scale] of Object.entries(results.scales)) {
  const good = scale.phases.good?.summary;
  const redeploy = scale.phases.redeploy;
  const nothing = (tool: string) => redeploy?.runs.filter((x) => x.tool === tool).every((x) => x.changedNothing) ?? "-";
  console.log(
    row([
      n,
      s(good?.slipway.wallMs),
      s(good?.ansible.wallMs),
      s(redeploy?.summary.slipway.wallMs),
      s(redeploy?.summary.ansible.wallMs),
      `${nothing("slipway")}/${nothing("ansible")}`,
    ]),
  );
}

for (const [key, cmp] of Object.entries(results.runtimes ?? {})) {
  const [base = "?", other = "?"] = key.split("-");
  console.log(`\nRuntimes: ${base} and ${other} (Slipway both, ${cmp.layout ?? cmp.targets.join(", ")}; medians):\n`);
  console.log(
    row([
      "phase",
      "runtime",
      "wall s",
      "start to serving s",
      "requests",
      "failed answers",
      "conn. errors",
      "as expected",
    ]),
  );
  console.log(row(Array(8).fill("---")));
  for (const [phase, r] of Object.entries(cmp.phases)) {
    for (const runtime of [base, other]) {
      const x = r.summary[runtime];
      if (!x) continue;
      console.log(
        row([
          phase,
          runtime,
          s(x.wallMs),
          s(x.toServingMs),
          x.requests,
          x.failedAnswers,
          x.connectionErrors,
          x.allExpected ? "yes" : "NO",
        ]),
      );
    }
  }
  console.log(`\nPairs (${other} wall / ${base} wall, each pair back to back):\n`);
  console.log(
    row(["phase", "round", `${base} s`, `${other} s`, "ratio", "load avg (1 min) start-end", "run (commit, date)"]),
  );
  console.log(row(Array(7).fill("---")));
  for (const [phase, r] of Object.entries(cmp.phases)) {
    const la = `${r.machine.loadAverage.start[0]}-${r.machine.loadAverage.end[0]}`;
    const run = `${r.slipwayCommit ?? "?"}, ${r.date?.slice(0, 16) ?? "?"}`;
    for (const p of r.ratios) console.log(row([phase, p.round, s(p.baseMs), s(p.otherMs), `${p.ratio}x`, la, run]));
  }
}

console.log("\nSlipway's own step times (its `steps:` line), good release:\n");
for (const [n, scale] of Object.entries(results.scales)) {
  for (const run of scale.phases.good?.runs.filter((x) => x.tool === "slipway") ?? []) {
    const steps = run.timeline.filter((l) => /\] steps: /.test(l.line)).map((l) => l.line);
    const plan = run.timeline.find((l) => /\] plan: /.test(l.line))?.atMs;
    console.log(
      `- ${n} target(s), round ${run.round}: wall ${s(run.wallMs)} s, first plan line at ${s(plan)} s; ${steps.join("; ")}`,
    );
  }
}
const boot = one?.phases.good?.appBootMs;
if (boot !== undefined)
  console.log(
    `\nApp boot (docker run to first healthy answer, under load, first target, median of 3 boots): ${s(boot)} s`,
  );

console.log(
  "\nAgainst issue 15's \"Done when\" (from the JSON above; cells may come from different runs: see each pair's commit, date and load):\n",
);
console.log(row(["target", "measured", "met?"]));
console.log(row(Array(3).fill("---")));
const yes = (ok: boolean | null) => (ok === null ? "not measured" : ok ? "yes" : "no");
const failures = (phase: string) => {
  const x = one?.phases[phase]?.summary.slipway;
  return x ? { text: `${x.failedAnswers} failed, ${x.connectionErrors} conn. errors in ${x.requests}`, x } : null;
};
const good = failures("good");
console.log(
  row([
    "good release: 0 failed answers, 0 connection errors, >= 20,000 requests (1 target)",
    good?.text ?? "-",
    yes(good ? good.x.failedAnswers === 0 && good.x.connectionErrors === 0 && good.x.requests >= 20000 : null),
  ]),
);
for (const phase of ["unhealthy", "after-switch", "rollback"]) {
  const f = failures(phase);
  console.log(row([`${phase}: 0 failed answers (1 target)`, f?.text ?? "-", yes(f ? f.x.failedAnswers === 0 : null)]));
}
const serving = one?.phases.good;
const servingRuns = serving?.runs.filter((x) => x.tool === "slipway" && x.toServingMs !== null) ?? [];
const limit = serving ? serving.appBootMs + 1000 : null;
console.log(
  row([
    "command start to new version serving <= app boot + 1.0 s (1 target)",
    serving ? `${servingRuns.map((x) => s(x.toServingMs)).join(", ")} s; limit ${s(limit)} s` : "-",
    yes(serving && limit !== null ? servingRuns.every((x) => (x.toServingMs as number) <= limit) : null),
  ]),
);
const allPairs = Object.entries(results.scales).flatMap(([n, scale]) =>
  Object.entries(scale.phases).flatMap(([phase, r]) => r.ratios.map((p) => ({ n, phase, ...p }))),
);
console.log(
  row([
    ">= 5x Ansible's wall time at equal settings, pair by pair",
    allPairs.map((p) => `${p.n}/${p.phase}/${p.round}: ${p.ratio}x`).join(", ") || "-",
    yes(allPairs.length ? allPairs.every((p) => p.ratio >= 5) : null),
  ]),
);
// The phases that end when the new release serves (a good release, a rollback) apart: an unhealthy release waits for
// the same health timeout in both tools, and the playbook's re-deploy of the live release ends after its first read.
const wholePairs = allPairs.filter((p) => p.phase === "good" || p.phase === "rollback");
console.log(
  row([
    ">= 5x, the deploys that switch (good release, rollback), pair by pair",
    wholePairs.map((p) => `${p.n}/${p.phase}/${p.round}: ${p.ratio}x`).join(", ") || "-",
    yes(wholePairs.length ? wholePairs.every((p) => p.ratio >= 5) : null),
  ]),
);
// The same target under the paced load, on its own row: the closed-loop row above stays the one the figures use.
const pacedPairs = Object.entries(results.paced ?? {}).flatMap(([n, scale]) =>
  Object.entries(scale.phases).flatMap(([phase, r]) => r.ratios.map((p) => ({ n, phase, ...p }))),
);
if (pacedPairs.length > 0) {
  console.log(
    row([
      ">= 5x Ansible's wall time at equal settings, pair by pair, under the paced load (beside the row above)",
      pacedPairs.map((p) => `${p.n}/${p.phase}/${p.round}: ${p.ratio}x`).join(", "),
      yes(pacedPairs.every((p) => p.ratio >= 5)),
    ]),
  );
}
const goodOf = (n: string) => results.scales[n]?.phases.good;
const [g1, g8] = [goodOf("1"), goodOf("8")];
/** The product a run measured: its src/ tree when recorded, else its commit (older runs). */
const productOf = (r: PhaseResult | undefined) => r?.slipwaySource ?? r?.slipwayCommit;
// A ratio of two products' runs measures neither: both cells must have measured the same src/.
const sameProduct = productOf(g1) !== undefined && productOf(g1) === productOf(g8);
const [w1, w8] = [g1?.summary.slipway.wallMs ?? null, g8?.summary.slipway.wallMs ?? null];
const scaled = w1 && w8 && sameProduct ? w8 / w1 : null;
console.log(
  row([
    "8 targets <= 1.3x the wall time of 1 (good release, both runs of the same src/)",
    scaled !== null
      ? `${s(w8)} s / ${s(w1)} s = ${scaled.toFixed(2)}x`
      : w1 && w8
        ? `not compared: 1 target measured ${productOf(g1) ?? "?"}, 8 measured ${productOf(g8) ?? "?"}`
        : "-",
    yes(scaled === null ? null : scaled <= 1.3),
  ]),
);
const re2 = results.scales["2"]?.phases.redeploy;
const re2Runs = re2?.runs.filter((x) => x.tool === "slipway") ?? [];
console.log(
  row([
    "re-deploy of the live release <= 1.5 s on 2 hosts, changes nothing",
    re2Runs.map((x) => `${s(x.wallMs)} s, changed nothing: ${x.changedNothing}`).join("; ") || "-",
    yes(re2Runs.length ? re2Runs.every((x) => x.wallMs <= 1500 && x.changedNothing === true) : null),
  ]),
);

const README = "bench/README.md";
const START = "<!-- deploy tables: generated by bench/deploy/report.ts --write from bench/results/deploy.json -->";
const END = "<!-- end of deploy tables -->";
const tables = out.join("\n");
if (process.argv.includes("--write")) {
  const readme = readFileSync(README, "utf8");
  const from = readme.indexOf(START);
  const to = readme.indexOf(END);
  if (from < 0 || to < from) throw new Error(`${README}: the report markers are missing (${START} ... ${END})`);
  writeFileSync(README, `${readme.slice(0, from + START.length)}\n\n${tables}\n\n${readme.slice(to)}`);
  process.stdout.write(`bench/deploy/report.ts: wrote the tables into ${README}\n`);
} else process.stdout.write(`${tables}\n`);
