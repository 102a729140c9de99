/**
 * The sandbox inventory (written by `npm run sandbox -- up` to .sandbox/inventory.json) for e2e tests, benchmarks and
 * the demo. Validated on load so a stale or half-written file fails with a clear message instead of undefined fields.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { connect } from "../../../src/remote/index.js";
import type { TargetSpec } from "../../../src/remote/target.js";
import type { ExecOptions, ExecResult, RemoteHost } from "../../../src/remote/types.js";

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
export const INVENTORY_PATH = resolve(REPO_ROOT, ".sandbox/inventory.json");

const sandboxTargetSchema = z.object({
  name: z.string(),
  host: z.string(),
  port: z.number().int(),
  user: z.string(),
});

const inventorySchema = z.object({
  targets: z.array(sandboxTargetSchema).min(1),
  privateKeyPath: z.string(),
  knownHostsPath: z.string(),
  registry: z.string(),
  acme: z.object({
    directory: z.string(),
    caCertPath: z.string(),
    targetCaCertPath: z.string(),
    managementUrl: z.string(),
    rootsUrl: z.string(),
  }),
  baseImage: z.string(),
});

export type SandboxTarget = z.infer<typeof sandboxTargetSchema>;
export type SandboxInventory = z.infer<typeof inventorySchema>;

/** Reads and checks the inventory; throws telling to start the sandbox when it is missing. */
export function loadSandbox(path: string = INVENTORY_PATH): SandboxInventory {
  if (!existsSync(path)) {
    throw new Error(`sandbox inventory ${path} is missing: start the sandbox first with \`npm run sandbox -- up\``);
  }
  const parsed = inventorySchema.safeParse(JSON.parse(readFileSync(path, "utf8")));
  if (!parsed.success) {
    throw new Error(
      `sandbox inventory ${path} is not valid (${parsed.error.message}): rerun \`npm run sandbox -- up\``,
    );
  }
  return parsed.data;
}

/**
 * How far target names are shifted: with SLIPWAY_E2E_TARGET_OFFSET=9 a test's "t8" is the sandbox's t17 (still named
 * "t8" to the test). Engineers run an e2e file on targets of their own this way while others run the suite.
 */
function targetOffset(): number {
  const raw = process.env.SLIPWAY_E2E_TARGET_OFFSET;
  if (raw === undefined || raw === "") return 0;
  if (!/^\d+$/.test(raw)) throw new Error(`SLIPWAY_E2E_TARGET_OFFSET=${raw}: expected a whole number of targets`);
  return Number(raw);
}

/** The sandbox's own entry for a test's target name (shifted by SLIPWAY_E2E_TARGET_OFFSET), its real name kept. */
function realTarget(name: string, inventory: SandboxInventory): SandboxTarget {
  const offset = targetOffset();
  const numbered = /^t(\d+)$/.exec(name);
  if (offset > 0 && numbered) {
    const real = inventory.targets.find((t) => t.name === `t${Number(numbered[1]) + offset}`);
    if (!real) throw new Error(`SLIPWAY_E2E_TARGET_OFFSET=${offset} shifts ${name} past the sandbox's last target`);
    return real;
  }
  const found = inventory.targets.find((t) => t.name === name);
  if (!found) {
    const names = inventory.targets.map((t) => t.name).join(", ");
    throw new Error(`the sandbox has no target ${name} (it has ${names}); try \`npm run sandbox -- up --targets N\``);
  }
  return found;
}

/** A target by name ("t1", "t2", ...), shifted by SLIPWAY_E2E_TARGET_OFFSET when it is set (still named `name`). */
export function sandboxTarget(name: string, inventory: SandboxInventory = loadSandbox()): SandboxTarget {
  return { ...realTarget(name, inventory), name };
}

/**
 * The hostname of a test's target: the sandbox's own name for it (t17 for "t8" under offset 9), which is what the
 * target itself reports (`hostname`, a swarm node's name), where the test's inventory keeps calling it "t8".
 */
export function sandboxHostname(name: string, inventory: SandboxInventory = loadSandbox()): string {
  return realTarget(name, inventory).name;
}

/**
 * OpenSSH client arguments up to and including the destination, host key checking on (known_hosts of the sandbox):
 * `spawn("ssh", [...sshArgs(t), "systemctl is-system-running"])`. `user` overrides the target's user (e.g. "nosudo").
 */
export function sshArgs(
  target: SandboxTarget,
  options: { user?: string; inventory?: SandboxInventory } = {},
): string[] {
  const inventory = options.inventory ?? loadSandbox();
  return [
    "-o",
    "BatchMode=yes",
    "-o",
    "StrictHostKeyChecking=yes",
    "-o",
    `UserKnownHostsFile=${inventory.knownHostsPath}`,
    "-o",
    "ConnectTimeout=10",
    "-i",
    inventory.privateKeyPath,
    "-p",
    String(target.port),
    `${options.user ?? target.user}@${target.host}`,
  ];
}

/** A target as the SSH layer's TargetSpec, its host key pinned to the sandbox's known_hosts; overrides replace fields. */
export function targetSpec(
  name: string,
  overrides: Partial<TargetSpec> = {},
  inventory: SandboxInventory = loadSandbox(),
): TargetSpec {
  const target = sandboxTarget(name, inventory);
  return {
    name: target.name,
    host: target.host,
    port: target.port,
    user: target.user,
    privateKeyPath: inventory.privateKeyPath,
    knownHosts: readFileSync(inventory.knownHostsPath, "utf8"),
    connectTimeoutMs: 10_000,
    ...overrides,
  };
}

/** A connection of its own to a target (close it when done). */
export function connectTarget(name: string, overrides: Partial<TargetSpec> = {}): Promise<RemoteHost> {
  return connect(targetSpec(name, overrides));
}

/** One command on a target over a short-lived connection: test set-up and checks. */
export async function onTarget(name: string, argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
  const host = await connectTarget(name);
  try {
    return await host.exec(argv, options);
  } finally {
    await host.close();
  }
}

/**
 * The `slipway` program the e2e tests run as a child process (`node CLI_ENTRY ...args`): the bundle that ships
 * (dist/cli/index.js, through dist-cli.mjs) when scripts/run-tests.mjs found dist/ to match the sources
 * (SLIPWAY_E2E_CLI=dist); else bin/slipway.js, which runs the sources through tsx (about 3 s of CPU a start against
 * 0.5 s for the bundle).
 */
export const CLI_ENTRY =
  process.env.SLIPWAY_E2E_CLI === "dist"
    ? resolve(REPO_ROOT, "test/e2e/support/dist-cli.mjs")
    : resolve(REPO_ROOT, "bin/slipway.js");
