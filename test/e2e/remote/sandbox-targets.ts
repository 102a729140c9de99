/** The sandbox inventory (test/e2e/support/sandbox.ts) as TargetSpecs for the remote e2e tests. */
import { readFileSync } from "node:fs";
import type { TargetSpec } from "../../../src/remote/target.js";
import { loadSandbox, targetSpec } from "../support/sandbox.js";

export function knownHostsText(): string {
  return readFileSync(loadSandbox().knownHostsPath, "utf8");
}

/** A target from the inventory with its pinned known_hosts; overrides replace any field (user, pins, jump...). */
export function target(name: string, overrides: Partial<TargetSpec> = {}): TargetSpec {
  return targetSpec(name, overrides);
}

/** A unique token for names of remote files and processes made by one test. */
export function uniqueToken(): string {
  return `${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}
