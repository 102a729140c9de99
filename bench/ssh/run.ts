/**
 * SSH round trips: Slipway's one pooled node-ssh connection vs a fresh OpenSSH process per command vs OpenSSH with a
 * ControlMaster socket, all running `true` on a sandbox target. Host keys are checked in every variant (pinned
 * known_hosts from the sandbox). Writes bench/results/ssh.json.
 *
 *   npx tsx bench/ssh/run.ts [--target t1] [--scale 1]
 */
import { execFile as execFileCb } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { NodeSSH } from "node-ssh";
import { connect } from "../../src/remote/index.js";
import type { TargetSpec } from "../../src/remote/target.js";
import { concurrent, type LatencyStats, sequential } from "./stats.js";

const execFile = promisify(execFileCb);
const ROOT = resolve(import.meta.dirname, "../..");

function arg(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index === -1 ? fallback : (process.argv[index + 1] ?? fallback);
}

const targetName = arg("target", "t1");
const scale = Number(arg("scale", "1"));
const n = (count: number) => Math.max(5, Math.round(count * scale));

const inventory = JSON.parse(readFileSync(join(ROOT, ".sandbox/inventory.json"), "utf8")) as {
  targets: Array<{ name: string; host: string; port: number; user: string }>;
  privateKeyPath: string;
  knownHostsPath: string;
};
const found = inventory.targets.find((t) => t.name === targetName);
if (!found) throw new Error(`no target ${targetName} in .sandbox/inventory.json`);
const target: TargetSpec = {
  ...found,
  privateKeyPath: inventory.privateKeyPath,
  knownHosts: readFileSync(inventory.knownHostsPath, "utf8"),
};

// The same checks Slipway does: pinned known_hosts, only the given key, never a prompt.
const opensshBase = [
  "-o",
  "BatchMode=yes",
  "-o",
  "StrictHostKeyChecking=yes",
  "-o",
  `UserKnownHostsFile=${inventory.knownHostsPath}`,
  "-o",
  "GlobalKnownHostsFile=/dev/null",
  "-o",
  "IdentitiesOnly=yes",
  "-i",
  inventory.privateKeyPath,
  "-p",
  String(found.port),
];
const destination = `${found.user}@${found.host}`;

async function benchSlipway() {
  const connectStats = await sequential(n(5), 1, async () => {
    const host = await connect(target);
    await host.close();
  });
  const host = await connect(target);
  try {
    const exec = await sequential(n(300), 10, async () => {
      await host.exec(["true"]);
    });
    const execConcurrent = await concurrent(n(600), 8, async () => {
      await host.exec(["true"]);
    });
    return { connect: connectStats, exec, execConcurrent8: execConcurrent };
  } finally {
    await host.close();
  }
}

/** node-ssh's own execCommand on one connection: the library floor, without Slipway's process-group wrapper. */
async function benchNodeSshRaw() {
  const ssh = new NodeSSH();
  const { decideHostKey } = await import("../../src/remote/host-key-policy.js");
  await ssh.connect({
    host: found?.host,
    port: found?.port,
    username: found?.user,
    privateKeyPath: inventory.privateKeyPath,
    hostVerifier: (key: Buffer) => decideHostKey(target, target.host, target.port ?? 22, key).accept,
  });
  // node-ssh leaves no 'error' listener after connecting: without one a reset would crash the benchmark.
  ssh.connection?.on("error", (error) => console.error(`node-ssh connection error: ${error.message}`));
  const once = async () => {
    const result = await ssh.execCommand("true");
    if (result.code !== 0) throw new Error(`true exited ${result.code}`);
  };
  try {
    const defaults = await sequential(n(300), 10, once);
    // The same with TCP_NODELAY, as Slipway sets it: the difference to Slipway's row is its process-group wrapper.
    ssh.connection?.setNoDelay(true);
    const noDelay = await sequential(n(300), 10, once);
    return { defaults, noDelay };
  } finally {
    ssh.dispose();
  }
}

async function benchOpenSshFresh() {
  return sequential(n(40), 3, async () => {
    await execFile("ssh", [...opensshBase, destination, "true"]);
  });
}

async function benchOpenSshControlMaster() {
  const dir = mkdtempSync(join(os.tmpdir(), "slipway-bench-cm-"));
  const control = ["-o", `ControlPath=${join(dir, "cm")}`];
  try {
    await execFile("ssh", [
      ...opensshBase,
      ...control,
      "-o",
      "ControlMaster=yes",
      "-o",
      "ControlPersist=300",
      "-fN",
      destination,
    ]);
    const exec = await sequential(n(300), 10, async () => {
      await execFile("ssh", [...opensshBase, ...control, destination, "true"]);
    });
    const execConcurrent = await concurrent(n(600), 8, async () => {
      await execFile("ssh", [...opensshBase, ...control, destination, "true"]);
    });
    return { exec, execConcurrent8: execConcurrent };
  } finally {
    await execFile("ssh", [...control, "-O", "exit", destination]).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}

const loadAverage1m = () => Math.round((os.loadavg()[0] ?? 0) * 100) / 100;

async function machine() {
  const ssh = await execFile("ssh", ["-V"]).then((r) => r.stderr.trim());
  return {
    nproc: os.availableParallelism(),
    cpuModel: os.cpus()[0]?.model ?? "unknown",
    node: process.version,
    openssh: ssh,
    os: `${os.type()} ${os.release()}`,
    // Other work on the machine skews every figure: recorded (here and again at the end) so a reader can tell a quiet
    // run from a busy one.
    loadAverage1m: loadAverage1m(),
    date: new Date().toISOString(),
  };
}

const fmt = (s: LatencyStats) =>
  `p50 ${s.p50Ms} ms, p95 ${s.p95Ms} ms, ${s.commandsPerSecond} cmd/s (${s.commands} commands)`;

const results = {
  benchmark: "ssh",
  command: "true",
  target: `${targetName} (${destination})`,
  machine: await machine(),
  slipway: await benchSlipway(),
  nodeSshExecCommand: await benchNodeSshRaw(),
  opensshFreshProcess: await benchOpenSshFresh(),
  opensshControlMaster: await benchOpenSshControlMaster(),
  loadAverage1mAtEnd: loadAverage1m(),
};

console.log(`slipway connect:               ${fmt(results.slipway.connect)}`);
console.log(`slipway exec, sequential:      ${fmt(results.slipway.exec)}`);
console.log(`slipway exec, 8 in flight:     ${fmt(results.slipway.execConcurrent8)}`);
console.log(`node-ssh execCommand:          ${fmt(results.nodeSshExecCommand.defaults)}`);
console.log(`node-ssh execCommand, nodelay: ${fmt(results.nodeSshExecCommand.noDelay)}`);
console.log(`openssh, fresh process:        ${fmt(results.opensshFreshProcess)}`);
console.log(`openssh ControlMaster:         ${fmt(results.opensshControlMaster.exec)}`);
console.log(`openssh ControlMaster, 8:      ${fmt(results.opensshControlMaster.execConcurrent8)}`);

console.log(`load average (1 min): ${results.machine.loadAverage1m} at start, ${results.loadAverage1mAtEnd} at end`);

writeFileSync(join(ROOT, "bench/results/ssh.json"), `${JSON.stringify(results, null, 2)}\n`);
console.log("wrote bench/results/ssh.json");
