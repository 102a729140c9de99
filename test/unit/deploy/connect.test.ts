import { describe, expect, it } from "vitest";
import { chosenHosts, connectAll, unreachableLine } from "../../../src/deploy/connect.js";
import { connectionError } from "../../../src/remote/connect-errors.js";
import type { ConnectionPool } from "../../../src/remote/index.js";
import { loadConfigText } from "../../support/config-text.js";

const CONFIG = `app: shop
runtime: systemd
services:
  web:
    build: { context: web }
    port: 5001
    health: { path: /health }
    systemd: { app_module: "shop:app" }
inventory:
  ssh: { user: nuhelper }
  hosts:
    t10: { address: 10.213.0.20 }
proxy:
  domains: [shop.example]
  routes:
    - { path: /, service: web }
`;

async function config() {
  return loadConfigText(CONFIG);
}

/** A pool whose host refuses the key, as ssh2 reports it. */
const refusing = {
  async get() {
    const e = Object.assign(new Error("All configured authentication methods failed"), {
      level: "client-authentication",
    });
    throw connectionError(e, {
      name: "t10",
      host: "10.213.0.20",
      port: 22,
      user: "nuhelper",
      key: { source: "/tmp/nu-wrongkey", fingerprint: null },
      attempts: 1,
    });
  },
} as unknown as ConnectionPool;

describe("connect (D17)", () => {
  it("a refused key: the deploy's log line names the key file tried and what to do next", async () => {
    const loaded = await config();
    const [c] = await connectAll(loaded, chosenHosts(loaded), refusing);
    expect(c?.host).toBeUndefined();
    expect(c && unreachableLine(c)).toBe(
      "[t10] UNREACHABLE: permission denied (publickey) for nuhelper@10.213.0.20\n" +
        '  next: the host refused user "nuhelper" with key /tmp/nu-wrongkey. Check that the user exists and that ' +
        "this key's public half is in ~nuhelper/.ssh/authorized_keys on 10.213.0.20 (ssh-keygen -y -f KEY prints it), " +
        "or point inventory.ssh.identity_file (or the host's identity_file) at the key that is; a host bootstrapped " +
        "with another key accepts only that one",
    );
  });
});
