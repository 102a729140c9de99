import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { ResolvedHost } from "../../../src/config/inventory.js";
import { GLOBAL_KNOWN_HOSTS, sshTargetFor } from "../../../src/config/ssh-target.js";

const base: ResolvedHost = {
  name: "web1",
  address: "10.0.0.5",
  user: "deploy",
  port: 22,
  hostKeys: [],
  trustOnFirstUse: false,
  becomeUser: "root",
  privilege: { mode: "root" },
  connectTimeout: "10s",
  groups: [],
  vars: {},
};

describe("sshTargetFor", () => {
  it("resolves paths against the config's folder, splits pins, reads the key secret and the jump host", async () => {
    const dir = mkdtempSync(join(tmpdir(), "slipway-target-"));
    writeFileSync(join(dir, "known_hosts"), "10.0.0.5 ssh-ed25519 AAAAfile");
    const bastion: ResolvedHost = { ...base, name: "bastion", address: "10.0.0.1", hostKeys: ["SHA256:bastionpin"] };
    const web: ResolvedHost = {
      ...base,
      jump: "bastion",
      knownHostsFile: "known_hosts",
      identityFile: "keys/id",
      privateKeySecret: "DEPLOY_KEY",
      hostKeys: ["10.0.0.5 ssh-rsa AAAAinline", "SHA256:webpin"],
    };
    const target = await sshTargetFor(web, [bastion, web], dir, {
      DEPLOY_KEY: "-----KEY-----",
      HOME: "/nonexistent-home",
    });
    expect(target).toEqual({
      name: "web1",
      host: "10.0.0.5",
      port: 22,
      user: "deploy",
      privateKeyPath: join(dir, "keys/id"),
      privateKey: "-----KEY-----",
      knownHosts: "10.0.0.5 ssh-ed25519 AAAAfile\n10.0.0.5 ssh-rsa AAAAinline",
      fingerprints: ["SHA256:webpin"],
      trustOnFirstUse: false,
      knownHostsFile: join(dir, "known_hosts"),
      knownHostsSearched: [join(dir, "known_hosts")],
      becomeUser: "root",
      privilege: { mode: "root" },
      jump: {
        name: "bastion",
        host: "10.0.0.1",
        port: 22,
        user: "deploy",
        privateKeyPath: undefined,
        privateKey: undefined,
        knownHosts: "",
        fingerprints: ["SHA256:bastionpin"],
        trustOnFirstUse: false,
        knownHostsFile: "/nonexistent-home/.ssh/known_hosts",
        knownHostsSearched: [
          "/nonexistent-home/.ssh/known_hosts",
          "/nonexistent-home/.ssh/known_hosts2",
          GLOBAL_KNOWN_HOSTS,
        ],
        becomeUser: "root",
        privilege: { mode: "root" },
        jump: undefined,
      },
    });
  });
});

describe("sshTargetFor without known_hosts_file (D24: read what ssh reads)", () => {
  it("reads ~/.ssh/known_hosts and known_hosts2, names every file searched, and a missing one is no error", async () => {
    const home = mkdtempSync(join(tmpdir(), "slipway-home-"));
    mkdirSync(join(home, ".ssh"));
    writeFileSync(join(home, ".ssh/known_hosts"), "10.0.0.5 ssh-ed25519 AAAAuser\n");
    const target = await sshTargetFor(base, [base], "/repo", { HOME: home });
    expect(target.knownHosts).toBe("10.0.0.5 ssh-ed25519 AAAAuser\n");
    expect(target.knownHostsSearched).toEqual([
      join(home, ".ssh/known_hosts"),
      join(home, ".ssh/known_hosts2"),
      GLOBAL_KNOWN_HOSTS,
    ]);
    const empty = await sshTargetFor(base, [base], "/repo", { HOME: join(home, "nobody") });
    expect(empty.knownHosts).toBe("");
  });
});

describe("sshTargetFor with trust_on_first_use", () => {
  it("records into known_hosts_file when set, else ~/.ssh/known_hosts, which may not exist yet", async () => {
    const home = mkdtempSync(join(tmpdir(), "slipway-home-"));
    const tofu: ResolvedHost = { ...base, trustOnFirstUse: true };
    const byDefault = await sshTargetFor(tofu, [tofu], "/repo", { HOME: home });
    expect(byDefault).toMatchObject({ knownHostsFile: join(home, ".ssh/known_hosts"), knownHosts: "" });
    const dir = mkdtempSync(join(tmpdir(), "slipway-target-"));
    const named = await sshTargetFor({ ...tofu, knownHostsFile: "pins/known_hosts" }, [tofu], dir, { HOME: home });
    expect(named).toMatchObject({ knownHostsFile: join(dir, "pins/known_hosts"), knownHosts: "" });
  });

  it("a missing known_hosts_file is still an error without it", async () => {
    await expect(sshTargetFor({ ...base, knownHostsFile: "nope" }, [base], "/nonexistent")).rejects.toThrow(/ENOENT/);
  });
});
