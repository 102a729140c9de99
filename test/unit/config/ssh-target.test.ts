import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { ResolvedHost } from "../../../src/config/inventory.js";
import { sshTargetFor } from "../../../src/config/ssh-target.js";

const base: ResolvedHost = {
  name: "web1",
  address: "10.0.0.5",
  user: "deploy",
  port: 22,
  hostKeys: [],
  trustOnFirstUse: false,
  becomeUser: "root",
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
    const target = await sshTargetFor(web, [bastion, web], dir, { DEPLOY_KEY: "-----KEY-----" });
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
      becomeUser: "root",
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
        becomeUser: "root",
        jump: undefined,
      },
    });
  });
});
