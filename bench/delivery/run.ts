/**
 * Delivery benchmark: how long getting a ~100 MB image onto 2 sandbox targets takes by registry pull (both hosts in
 * parallel, by digest) and by SSH stream (`docker save | gzip` fanned out into `docker load`, gzip level 1 and 6).
 * Each round starts with the image absent from the targets. Writes bench/results/delivery.json.
 *
 * Also times the second run's build step (bench/delivery/build_skip.ts: must skip build and push in under 2 s).
 *
 *   npx tsx bench/delivery/run.ts [--rounds 3] [--mb 100]
 *   npx tsx bench/delivery/run.ts --only build-skip   (only the build step; updates that key of the results)
 */
import { execFile, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { mkdir, mkdtemp, open, rm, writeFile } from "node:fs/promises";
import { cpus, release, tmpdir, totalmem } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { createGzip } from "node:zlib";
import { headManifest } from "../../src/build/registry.js";
import { deliverByPull } from "../../src/delivery/pull.js";
import { deliverByStream } from "../../src/delivery/stream.js";
import type { HostDeliveryResult } from "../../src/delivery/types.js";
import { connect } from "../../src/remote/pool.js";
import type { RemoteHost } from "../../src/remote/types.js";
import { type BuildSkipResult, benchBuildSkip, SECOND_RUN_LIMIT_S } from "./build_skip.js";

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, "../..");
const RESULTS = join(ROOT, "bench/results/delivery.json");

function flag(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
}

/** Real files (libraries, binaries) compress like a real image layer does; 1 MB of random data makes it unique. */
async function writePayload(path: string, bytes: number): Promise<void> {
  const file = await open(path, "w");
  let written = 0;
  await file.write(randomBytes(1 << 20));
  written += 1 << 20;
  const walk = (dir: string): string[] => {
    const out: string[] = [];
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) out.push(...walk(full));
      else if (entry.isFile()) out.push(full);
    }
    return out;
  };
  for (const source of walk("/usr/lib").concat(walk("/usr/share"))) {
    if (written >= bytes) break;
    try {
      const data = readFileSync(source).subarray(0, bytes - written);
      await file.write(data);
      written += data.length;
    } catch {
      // unreadable file: skip
    }
  }
  await file.close();
}

async function docker(...args: string[]): Promise<string> {
  return (await run("docker", args, { maxBuffer: 64 << 20 })).stdout.trim();
}

async function gzipSize(reference: string, level: number): Promise<number> {
  const save = spawn("docker", ["image", "save", reference], { stdio: ["ignore", "pipe", "inherit"] });
  let size = 0;
  const gzip = createGzip({ level });
  gzip.on("data", (chunk: Buffer) => {
    size += chunk.length;
  });
  save.stdout.pipe(gzip);
  await new Promise((done) => gzip.on("end", done));
  return size;
}

function check(results: HostDeliveryResult[], expected: string): void {
  for (const result of results) {
    if (!result.ok || result.images[0]?.action !== expected) {
      throw new Error(`${result.host}: ${result.error?.describe() ?? result.images[0]?.action}`);
    }
  }
}

async function timed(work: () => Promise<void>): Promise<number> {
  const started = process.hrtime.bigint();
  await work();
  return Number(process.hrtime.bigint() - started) / 1e9;
}

function summary(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const round = (n: number) => Math.round(n * 1000) / 1000;
  return {
    median_s: round(sorted[Math.floor(sorted.length / 2)] ?? 0),
    min_s: round(sorted[0] ?? 0),
    runs_s: values.map(round),
  };
}

/** Fails the benchmark (exit 1) when the second run did not skip, or took 2 s or more. */
function checkBuildSkip(result: BuildSkipResult): void {
  process.stderr.write(
    `second-run build step: ${result.second_run_s.runs_s.join(" s, ")} s (limit ${SECOND_RUN_LIMIT_S} s), all skipped: ${result.all_skipped}\n`,
  );
  if (!result.all_skipped || !result.under_limit) process.exitCode = 1;
}

async function onlyBuildSkip(): Promise<void> {
  const inventory = JSON.parse(readFileSync(join(ROOT, ".sandbox/inventory.json"), "utf8")) as { registry: string };
  const buildSkip = await benchBuildSkip(ROOT, inventory.registry, flag("rounds", 5));
  const previous = JSON.parse(readFileSync(RESULTS, "utf8")) as Record<string, unknown>;
  await writeFile(RESULTS, `${JSON.stringify({ ...previous, second_run_build_step: buildSkip }, null, 2)}\n`);
  process.stdout.write(`${JSON.stringify(buildSkip, null, 2)}\n`);
  checkBuildSkip(buildSkip);
}

async function main(): Promise<void> {
  const rounds = flag("rounds", 3);
  const megabytes = flag("mb", 100);
  const inventory = JSON.parse(readFileSync(join(ROOT, ".sandbox/inventory.json"), "utf8")) as {
    targets: { name: string; host: string; port: number; user: string }[];
    privateKeyPath: string;
    knownHostsPath: string;
    registry: string;
  };
  const knownHosts = readFileSync(inventory.knownHostsPath, "utf8");
  const hosts: RemoteHost[] = await Promise.all(
    inventory.targets
      .slice(0, 2)
      .map((target) =>
        connect({ ...target, privateKeyPath: inventory.privateKeyPath, knownHosts }, { warn: () => {} }),
      ),
  );

  const dir = await mkdtemp(join(tmpdir(), "slipway-bench-delivery-"));
  const tag = randomBytes(4).toString("hex");
  const repository = `${inventory.registry}/bench/delivery`;
  const reference = `${repository}:${tag}`;
  try {
    await writePayload(join(dir, "payload"), megabytes << 20);
    await writeFile(join(dir, "Dockerfile"), 'FROM scratch\nCOPY payload /payload\nCMD ["/payload"]\n');
    await run("docker", ["build", "--quiet", "--tag", reference, dir], {
      env: { ...process.env, DOCKER_BUILDKIT: "0" },
    });
    const imageId = await docker("image", "inspect", "--format", "{{.Id}}", reference);
    const imageBytes = Number(await docker("image", "inspect", "--format", "{{.Size}}", reference));

    const pushSeconds = await timed(async () => {
      await docker("push", reference);
    });
    const manifest = await headManifest(reference, { insecure: true });
    if (!manifest) throw new Error("pushed image not found in the registry");
    const byDigest = `${repository}@${manifest.digest}`;

    const clean = async () => {
      await Promise.all(
        hosts.map((host) => host.exec(["docker", "image", "rm", "--force", imageId], { check: false })),
      );
    };
    const pull: number[] = [];
    const stream1: number[] = [];
    const stream6: number[] = [];
    for (let i = 0; i < rounds; i++) {
      await clean();
      pull.push(
        await timed(async () =>
          check(await deliverByPull(hosts, [{ service: "bench", reference: byDigest }]), "pulled"),
        ),
      );
      await clean();
      stream1.push(
        await timed(async () =>
          check(await deliverByStream(hosts, [{ service: "bench", reference }], { gzipLevel: 1 }), "streamed"),
        ),
      );
      await clean();
      stream6.push(
        await timed(async () =>
          check(await deliverByStream(hosts, [{ service: "bench", reference }], { gzipLevel: 6 }), "streamed"),
        ),
      );
      process.stderr.write(
        `round ${i + 1}/${rounds}: pull ${pull[i]?.toFixed(2)} s, stream gzip-1 ${stream1[i]?.toFixed(2)} s, gzip-6 ${stream6[i]?.toFixed(2)} s\n`,
      );
    }
    await clean();

    const result = {
      benchmark: "delivery",
      description: `a ${megabytes} MB image (FROM scratch: 1 MB random + files from /usr) onto ${hosts.length} targets; each run starts with the image absent from the targets`,
      date: new Date().toISOString(),
      machine: {
        os: readFileSync("/etc/os-release", "utf8").match(/^PRETTY_NAME="?(.*?)"?$/m)?.[1] ?? "unknown",
        kernel: release(),
        cpu: cpus()[0]?.model ?? "unknown",
        cores: cpus().length,
        memory_gb: Math.round(totalmem() / 2 ** 30),
        node: process.version,
        docker: await docker("version", "--format", "{{.Server.Version}}"),
        targets: "systemd containers on a local bridge network (10.213.0.0/24), each with its own dockerd",
      },
      image: {
        bytes: imageBytes,
        gzip1_bytes: await gzipSize(reference, 1),
        gzip6_bytes: await gzipSize(reference, 6),
      },
      rounds,
      push_to_registry_s: Math.round(pushSeconds * 1000) / 1000,
      registry_pull_2_hosts: summary(pull),
      ssh_stream_gzip1_2_hosts: summary(stream1),
      ssh_stream_gzip6_2_hosts: summary(stream6),
      second_run_build_step: await benchBuildSkip(ROOT, inventory.registry, Math.max(rounds, 5)),
    };
    checkBuildSkip(result.second_run_build_step);
    await mkdir(join(ROOT, "bench/results"), { recursive: true });
    await writeFile(RESULTS, `${JSON.stringify(result, null, 2)}\n`);
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } finally {
    await docker("image", "rm", reference).catch(() => "");
    await rm(dir, { recursive: true, force: true });
    await Promise.all(hosts.map((host) => host.close()));
  }
}

if (process.argv.includes("--only")) {
  const only = process.argv[process.argv.indexOf("--only") + 1];
  if (only !== "build-skip") throw new Error(`--only: expected build-skip, got ${only}`);
  await onlyBuildSkip();
} else await main();
