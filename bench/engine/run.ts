/**
 * Engine overhead per task, Slipway vs Ansible (Debian's ansible package, ControlPersist + pipelining), against the
 * same sandbox targets with the same key and verified host keys. Per-task overhead = (time for 50 tasks - time for
 * 0 tasks) / 50, so connection set-up is not counted for either tool; median of several rounds.
 *
 *   npx tsx bench/engine/run.ts [--rounds 5] [--hosts t2,t1]     -> bench/results/engine.json
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parsePlaybookText } from "../../src/engine/parse/playbook.js";
import { runPlaybook } from "../../src/engine/run.js";
import { inventoryFromSandbox, type SandboxInventoryFile, sshConnect } from "../../src/engine/ssh.js";
import { defaultRegistry } from "../../src/modules/index.js";
import { ansibleConfig, ansibleInventory, ansiblePlaybook, slipwayPlaybook } from "./playbooks.js";

const TASKS = 50;
const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 && args[at + 1] ? (args[at + 1] as string) : fallback;
};
const rounds = Number(option("rounds", "5"));
const hostOrder = option("hosts", "t2,t1").split(",");
const sandbox = JSON.parse(readFileSync(".sandbox/inventory.json", "utf8")) as SandboxInventoryFile;
const targets = hostOrder.map((name) => {
  const t = sandbox.targets.find((x) => x.name === name);
  if (!t) throw new Error(`no sandbox target ${name}`);
  return { name: t.name, host: t.host, port: t.port ?? 22, user: t.user ?? "deploy" };
});

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Runs whose only failures were commands reported with no exit status (a known src/remote race) are retried. */
let retriedRuns = 0;

async function slipwayRun(hostCount: number, tasks: number): Promise<number> {
  const { inventory, ssh } = inventoryFromSandbox({
    ...sandbox,
    targets: sandbox.targets.filter((t) => hostOrder.slice(0, hostCount).includes(t.name)),
  });
  inventory.groups.bench = Object.keys(inventory.hosts);
  const modules = defaultRegistry();
  for (let attempt = 0; ; attempt++) {
    const started = performance.now();
    const playbook = parsePlaybookText(slipwayPlaybook(tasks), "bench.yml", { modules });
    const result = await runPlaybook(playbook, { inventory, connect: sshConnect(ssh), modules });
    const elapsed = performance.now() - started;
    if (result.ok) return elapsed;
    const failed = result.outcomes.filter((o) => o.status === "failed" || o.status === "unreachable");
    const lostExitStatus = failed.every((o) => o.msg === "exit code null");
    if (!lostExitStatus || attempt >= 5) {
      throw new Error(`slipway bench run failed: ${failed.map((o) => `${o.host} ${o.task}: ${o.msg}`).join("; ")}`);
    }
    retriedRuns++;
  }
}

const work = mkdtempSync(join(tmpdir(), "slipway-bench-"));
const controlDir = join(work, "cp");
mkdirSync(controlDir);
writeFileSync(join(work, "ansible.cfg"), ansibleConfig(sandbox.knownHostsPath, controlDir));

function ansibleRun(hostCount: number, tasks: number): number {
  const inventoryPath = join(work, `inventory-${hostCount}.ini`);
  writeFileSync(inventoryPath, ansibleInventory(targets.slice(0, hostCount), sandbox.privateKeyPath));
  const playbookPath = join(work, `play-${tasks}.yml`);
  writeFileSync(playbookPath, ansiblePlaybook(tasks));
  const started = performance.now();
  execFileSync("ansible-playbook", ["-i", inventoryPath, playbookPath], {
    env: { ...process.env, ANSIBLE_CONFIG: join(work, "ansible.cfg"), ANSIBLE_NOCOLOR: "1" },
    stdio: ["ignore", "ignore", "inherit"],
  });
  return performance.now() - started;
}

async function measure(label: string, run: (tasks: number) => Promise<number> | number) {
  await run(1); // warm-up: JIT / ControlPersist master
  const empty: number[] = [];
  const full: number[] = [];
  for (let i = 0; i < rounds; i++) {
    empty.push(await run(0));
    full.push(await run(TASKS));
  }
  const perTaskMs = (median(full) - median(empty)) / TASKS;
  console.log(
    `${label}: ${TASKS} tasks ${median(full).toFixed(0)} ms, 0 tasks ${median(empty).toFixed(0)} ms -> ${perTaskMs.toFixed(2)} ms/task`,
  );
  return { perTaskMs: round(perTaskMs), fiftyTasksMs: round(median(full)), zeroTasksMs: round(median(empty)) };
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

// The machine is shared with other work: the load is recorded with the figures so a reader can judge them.
const loadAtStart = loadavg().map(round);
const results: Record<string, unknown> = {};
for (const hostCount of [1, 2]) {
  const slipway = await measure(`slipway ${hostCount} host(s)`, (tasks) => slipwayRun(hostCount, tasks));
  const ansible = await measure(`ansible ${hostCount} host(s)`, (tasks) => ansibleRun(hostCount, tasks));
  results[`hosts${hostCount}`] = {
    hosts: targets.slice(0, hostCount).map((t) => t.name),
    slipway,
    ansible,
    ratio: round(ansible.perTaskMs / slipway.perTaskMs),
  };
}

const ansibleVersion = execFileSync("ansible", ["--version"], { encoding: "utf8" }).split("\n")[0];
const output = {
  benchmark: "engine overhead per task: (time(50 trivial tasks) - time(0 tasks)) / 50, median of rounds",
  task: 'command: "true" with changed_when: false, gather_facts: false',
  date: new Date().toISOString(),
  rounds,
  node: process.version,
  ansible: `${ansibleVersion} (pipelining on, ControlPersist=120s, StrictHostKeyChecking=yes)`,
  goal: "ansible per-task overhead / slipway per-task overhead >= 10",
  slipwayRunsRetried: retriedRuns,
  machine: { cores: availableParallelism(), loadAverage: { start: loadAtStart, end: loadavg().map(round) } },
  ...results,
};
mkdirSync("bench/results", { recursive: true });
writeFileSync("bench/results/engine.json", `${JSON.stringify(output, null, 2)}\n`);
console.log(JSON.stringify(output, null, 2));
