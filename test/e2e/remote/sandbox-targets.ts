/**
 * The sandbox inventory as TargetSpecs for the remote e2e tests. Reads .sandbox/inventory.json directly (written by
 * `npm run sandbox -- up`), so these tests depend only on that file's documented shape.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { TargetSpec } from "../../../src/remote/target.js";

interface Inventory {
  targets: Array<{ name: string; host: string; port: number; user: string }>;
  privateKeyPath: string;
  knownHostsPath: string;
}

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
export const INVENTORY_PATH = resolve(ROOT, ".sandbox/inventory.json");

export function loadInventory(): Inventory {
  if (!existsSync(INVENTORY_PATH)) {
    throw new Error(`${INVENTORY_PATH} is missing: start the sandbox first (npm run sandbox -- up)`);
  }
  return JSON.parse(readFileSync(INVENTORY_PATH, "utf8")) as Inventory;
}

export function knownHostsText(): string {
  return readFileSync(loadInventory().knownHostsPath, "utf8");
}

/** A target from the inventory with its pinned known_hosts; overrides replace any field (user, pins, jump...). */
export function target(name: string, overrides: Partial<TargetSpec> = {}): TargetSpec {
  const inventory = loadInventory();
  const found = inventory.targets.find((t) => t.name === name);
  if (!found) throw new Error(`sandbox has no target ${name} (has ${inventory.targets.map((t) => t.name).join(", ")})`);
  return {
    name: found.name,
    host: found.host,
    port: found.port,
    user: found.user,
    privateKeyPath: inventory.privateKeyPath,
    knownHosts: knownHostsText(),
    connectTimeoutMs: 10_000,
    ...overrides,
  };
}

/** A unique token for names of remote files and processes made by one test. */
export function uniqueToken(): string {
  return `${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}
