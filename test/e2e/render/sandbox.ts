/** Connects to a sandbox target for the render e2e tests (inventory written by `npm run sandbox -- up`). */
import { existsSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { connect } from "../../../src/remote/index.js";
import type { RemoteHost } from "../../../src/remote/types.js";

const INVENTORY = resolve(dirname(fileURLToPath(import.meta.url)), "../../../.sandbox/inventory.json");

interface Inventory {
  targets: Array<{ name: string; host: string; port: number; user: string }>;
  privateKeyPath: string;
  knownHostsPath: string;
}

/** The last target: the render tests reload its nginx, the lower-numbered ones are busier with other suites. */
export async function connectRenderTarget(): Promise<{ host: RemoteHost; address: string }> {
  if (!existsSync(INVENTORY)) throw new Error(`${INVENTORY} is missing: start the sandbox (npm run sandbox -- up)`);
  const inventory = JSON.parse(readFileSync(INVENTORY, "utf8")) as Inventory;
  const t = inventory.targets[inventory.targets.length - 1];
  if (!t) throw new Error("the sandbox inventory has no targets");
  const host = await connect({
    name: t.name,
    host: t.host,
    port: t.port,
    user: t.user,
    privateKeyPath: inventory.privateKeyPath,
    knownHosts: readFileSync(inventory.knownHostsPath, "utf8"),
    connectTimeoutMs: 10_000,
  });
  return { host, address: t.host };
}

export function token(): string {
  return `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
}
