/**
 * The CPU of one container healthcheck, which docker runs every `health.interval` for as long as the container lives:
 * Slipway's `python` check (src/render/from-config/compose.ts pythonCheck: one HTTP/1.0 GET on a socket under
 * `python3 -I -S`) side by side with what a user would write instead: the urllib one-liner (Slipway's own check until
 * fba0b51) and `curl -fsS` (the usual compose healthcheck, where the image has curl). Each check runs as its own
 * process against a loopback HTTP server, variants alternating A B C, C B A in rounds; the CPU is the children's
 * user + system time the kernel accounts to this process once each check is waited for (/proc/self/stat cutime and
 * cstime), so docker's own exec cost, the same for every variant, is left out. Writes bench/results/health-check.json.
 *
 *   npx tsx bench/health-check/run.ts [--checks 40] [--rounds 4] [--python /usr/bin/python3]
 */
import { spawn, spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { availableParallelism, cpus, loadavg } from "node:os";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { pythonCheck } from "../../src/render/from-config/compose.js";
import { median } from "../deploy/stats.js";

const ROOT = resolve(import.meta.dirname, "../..");
const RESULTS = resolve(ROOT, "bench/results/health-check.json");

const { values: options } = parseArgs({
  options: {
    checks: { type: "string", default: "40" },
    rounds: { type: "string", default: "4" },
    // Debian's python3, as in the sandbox's images (a pyenv shim on PATH is a shell script: its own CPU would count).
    python: { type: "string", default: "/usr/bin/python3" },
  },
});
const checks = Number(options.checks);
const rounds = Number(options.rounds);
const python = options.python;
const ticksPerSecond = Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout.trim() || 100);

/** CPU seconds of this process's waited-for children so far (fields 16 and 17 of /proc/self/stat, in clock ticks). */
function childrenCpuSeconds(): number {
  const stat = readFileSync("/proc/self/stat", "utf8");
  // After the command name's ")": field 3 is index 0, so cutime (16) is index 13 and cstime (17) index 14.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[13]) + Number(fields[14])) / ticksPerSecond;
}

const server = createServer((req, res) => {
  res.writeHead(req.url === "/health" ? 200 : 404, { "content-type": "text/plain" });
  res.end("ok v1\n");
});
await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
const address = server.address();
if (address === null || typeof address === "string") throw new Error("the loopback server has no port");
const port = address.port;
const url = `http://127.0.0.1:${port}/health`;

const variants: Record<string, string[]> = {
  "slipway python (socket, -I -S)": [
    python,
    "-I",
    "-S",
    "-c",
    pythonCheck(port, "/health", 5, { expected_status: 200, expected_body: "ok" }),
  ],
  "python urllib one-liner": [
    python,
    "-c",
    `import sys, urllib.request; r = urllib.request.urlopen("${url}", timeout=5); sys.exit(0 if r.status == 200 and "ok" in r.read().decode("utf-8", "replace") else 1)`,
  ],
  "curl -fsS": ["curl", "-fsS", "-o", "/dev/null", "--max-time", "5", url],
};

/** Runs one variant `checks` times, one after another; its CPU per check in ms. */
async function measure(argv: string[]): Promise<number> {
  const before = childrenCpuSeconds();
  for (let i = 0; i < checks; i++) {
    // Not spawnSync: the loopback server is this process, and must answer while the check waits for it.
    const code = await new Promise<number | null>((done, fail) =>
      spawn(argv[0] as string, argv.slice(1), { stdio: "ignore" })
        .on("error", (e) =>
          fail(
            new Error(
              `${argv[0]}: ${e.message}: is it installed?${argv[0] === python ? " --python names another" : ""}`,
            ),
          ),
        )
        .on("close", done),
    );
    if (code !== 0) {
      throw new Error(
        `${argv.slice(0, 3).join(" ")} ...: exit ${code} against http://127.0.0.1:${port}/health, which answers 200 ` +
          "(a CPU figure of a failing check means nothing): is it installed? --python names another python3",
      );
    }
  }
  return ((childrenCpuSeconds() - before) * 1000) / checks;
}

const names = Object.keys(variants);
const samples: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
const loadAtStart = loadavg()[0] ?? 0;
for (let round = 1; round <= rounds; round++) {
  const order = round % 2 ? names : [...names].reverse();
  for (const name of order) samples[name]?.push(await measure(variants[name] as string[]));
}
server.close();

const ours = median(samples[names[0] as string] as number[]) as number;
const results = names.map((name) => {
  const ms = median(samples[name] as number[]) as number;
  return {
    variant: name,
    cpuMsPerCheck: Math.round(ms * 10) / 10,
    samples: (samples[name] as number[]).map((x) => Math.round(x * 10) / 10),
    ratioToSlipway: Math.round((ms / ours) * 100) / 100,
  };
});
const output = {
  date: new Date().toISOString(),
  machine: {
    cores: availableParallelism(),
    cpu: cpus()[0]?.model ?? "unknown",
    python: spawnSync(python, ["--version"], { encoding: "utf8" }).stdout.trim(),
    loadAverage: { start: Math.round(loadAtStart * 100) / 100, end: Math.round((loadavg()[0] ?? 0) * 100) / 100 },
  },
  checksPerSample: checks,
  rounds,
  clockTicksPerSecond: ticksPerSecond,
  results,
};
writeFileSync(RESULTS, `${JSON.stringify(output, null, 2)}\n`);
for (const r of results) {
  console.log(
    `${r.variant}: ${r.cpuMsPerCheck} ms of CPU a check (${r.ratioToSlipway}x Slipway's), samples ${r.samples}`,
  );
}
