/**
 * Prints bench/results/deploy.json as the markdown tables of bench/README.md (so the tables are never typed by hand):
 *
 *   npx tsx bench/deploy/report.ts
 */
import { readFileSync } from "node:fs";

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
}
interface PhaseResult {
  appBootMs: number;
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

const results = JSON.parse(readFileSync("bench/results/deploy.json", "utf8")) as { scales: Record<string, Scale> };
const s = (ms: number | null | undefined) => (ms === null || ms === undefined ? "-" : (ms / 1000).toFixed(1));
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
console.log(row(["targets", "phase", "round", "Slipway s", "Ansible s", "ratio", "load avg (1 min) start-end"]));
console.log(row(Array(7).fill("---")));
for (const [n, scale] of Object.entries(results.scales)) {
  for (const [phase, r] of Object.entries(scale.phases)) {
    const la = `${r.machine.loadAverage.start[0]}-${r.machine.loadAverage.end[0]}`;
    for (const p of r.ratios) console.log(row([n, phase, p.round, s(p.slipwayMs), s(p.ansibleMs), `${p.ratio}x`, la]));
  }
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
if (boot !== undefined) console.log(`\nApp boot (docker run to first healthy answer, under load, t1): ${s(boot)} s`);
