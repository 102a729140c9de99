// e2e-targets: none
/** The inventory loader and the OpenSSH arguments it gives tests (pure: no sandbox needed). */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadSandbox, type SandboxInventory, sandboxTarget, sshArgs } from "../support/sandbox.js";

const inventory: SandboxInventory = {
  targets: [{ name: "t1", host: "10.213.0.11", port: 22, user: "deploy" }],
  privateKeyPath: "/repo/.sandbox/id_ed25519",
  knownHostsPath: "/repo/.sandbox/known_hosts",
  registry: "10.213.0.1:5000",
  acme: {
    directory: "https://10.213.0.1:14000/dir",
    caCertPath: "/repo/.sandbox/pebble/cert.pem",
    targetCaCertPath: "/usr/local/share/slipway/pebble.pem",
    managementUrl: "http://127.0.0.1:8055",
    rootsUrl: "https://10.213.0.1:15000/roots/0",
  },
  baseImage: "slipway-base:latest",
};

describe("sandbox inventory", () => {
  const dir = mkdtempSync(join(tmpdir(), "slipway-inventory-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("tells to start the sandbox when the inventory is missing", () => {
    expect(() => loadSandbox(join(dir, "missing.json"))).toThrow(/npm run sandbox -- up/);
  });

  it("rejects an inventory missing a field", () => {
    const path = join(dir, "partial.json");
    writeFileSync(path, JSON.stringify({ ...inventory, registry: undefined }));
    expect(() => loadSandbox(path)).toThrow(/not valid.*registry/s);
  });

  it("reads a complete inventory", () => {
    const path = join(dir, "inventory.json");
    writeFileSync(path, JSON.stringify(inventory));
    expect(loadSandbox(path)).toEqual(inventory);
  });

  it("names the targets it has when asked for one it lacks", () => {
    expect(() => sandboxTarget("t9", inventory)).toThrow(/has no target t9 \(it has t1\)/);
  });

  it("gives OpenSSH arguments with host key checking on", () => {
    const target = sandboxTarget("t1", inventory);
    expect(sshArgs(target, { inventory, user: "nosudo" })).toEqual([
      "-o",
      "BatchMode=yes",
      "-o",
      "StrictHostKeyChecking=yes",
      "-o",
      "UserKnownHostsFile=/repo/.sandbox/known_hosts",
      "-o",
      "ConnectTimeout=10",
      "-i",
      "/repo/.sandbox/id_ed25519",
      "-p",
      "22",
      "nosudo@10.213.0.11",
    ]);
  });
});
