import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { connect } from "../../../src/remote/pool.js";
import type { RemoteHost } from "../../../src/remote/types.js";
import { loadSandbox, type SandboxInventory } from "../support/sandbox.js";

const run = promisify(execFile);

export type { SandboxInventory };

/** The sandbox inventory, through the shared loader (validated; tells how to start the sandbox when missing). */
export function loadInventory(): SandboxInventory {
  return loadSandbox();
}

/**
 * SSH connections to the sandbox's first nine targets (t1..t9, what the e2e files name; the targets above are the
 * lanes' moved copies of them, scripts/e2e-lanes.mjs), host keys checked against the sandbox's known_hosts.
 */
export async function connectTargets(inventory: SandboxInventory): Promise<RemoteHost[]> {
  const knownHosts = readFileSync(inventory.knownHostsPath, "utf8");
  return Promise.all(
    inventory.targets
      .slice(0, 9)
      .map((target) =>
        connect({ ...target, privateKeyPath: inventory.privateKeyPath, knownHosts }, { warn: () => {} }),
      ),
  );
}

/** A short unique name part, so runs never see each other's images. */
export function runId(): string {
  return randomBytes(4).toString("hex");
}

export async function docker(...args: string[]): Promise<string> {
  const { stdout } = await run("docker", args, { maxBuffer: 64 << 20 });
  return stdout.trim();
}

/**
 * A tiny image (FROM scratch, one file) with unique content, built with the classic builder; returns its id.
 * `payloadBytes` of random data make it as big as a benchmark needs.
 */
export async function buildTinyImage(reference: string, payload: string | Buffer): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "slipway-e2e-build-"));
  await writeFile(join(dir, "payload"), payload);
  await writeFile(join(dir, "Dockerfile"), 'FROM scratch\nCOPY payload /payload\nCMD ["/payload"]\n');
  await run("docker", ["build", "--quiet", "--tag", reference, dir], {
    env: { ...process.env, DOCKER_BUILDKIT: "0" },
  });
  return docker("image", "inspect", "--format", "{{.Id}}", reference);
}

/** The image id on a target, or null. */
export async function targetImageId(host: RemoteHost, reference: string): Promise<string | null> {
  const result = await host.exec(["docker", "image", "inspect", "--format", "{{.Id}}", reference], { check: false });
  return result.code === 0 ? result.stdout.trim() : null;
}

export async function removeTargetImages(host: RemoteHost, references: readonly string[]): Promise<void> {
  if (references.length > 0) await host.exec(["docker", "image", "rm", ...references], { check: false });
}
