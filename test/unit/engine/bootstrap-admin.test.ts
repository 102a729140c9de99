/**
 * A helper-mode slipway.yml bootstraps its own host: `slipway run playbooks/bootstrap.yml -c slipway.yml --user ADMIN`
 * connects as the admin with full sudo, and bootstrap sets up the config's ssh.user in the config's privilege mode.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { asAdmin } from "../../../src/cli/_playbook-run.js";
import { resolveHosts } from "../../../src/config/inventory.js";
import { loadConfigText } from "../../support/config-text.js";
import { runText } from "./helpers.js";

const CONFIG = `app: shop
runtime: systemd
services:
  web:
    build: { context: web }
    port: 8081
    health: { path: /health }
    systemd: { app_module: "shop:app" }
inventory:
  ssh: { user: slipdeploy, privilege: helper, identity_file: keys/deploy }
  hosts:
    t7: { address: 10.213.0.17 }
proxy:
  domains: [shop.e2e.test]
  routes:
    - { path: /, service: web }
`;

const bootstrap = readFileSync("playbooks/bootstrap.yml", "utf8");
const key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBootstrapTestKey test@slipway";

const sudoRules = async (vars: Record<string, unknown>, extraVars: Record<string, unknown> = {}) => {
  const run = await runText(bootstrap, {
    path: "playbooks/bootstrap.yml",
    check: true,
    inventory: { hosts: { a: { address: "10.0.0.1", vars } }, groups: {} },
    extraVars: { deploy_public_keys: [key], ...extraVars },
    config: { app: "shop" },
  });
  const sudoers = run.outcomes.find((o) => o.task.startsWith("sudo rights"))?.diffs?.[0]?.after ?? "";
  return sudoers.split("\n").filter((l) => l.trim() && !l.startsWith("#"));
};

describe("bootstrap as an admin with a helper-mode config (--user)", () => {
  it("connects as the admin with full sudo, the rest of the host as configured", async () => {
    const config = await loadConfigText(CONFIG);
    const [host] = resolveHosts(config);
    if (!host) throw new Error("no host");
    const admin = asAdmin(host, { user: "root" });
    expect(admin).toEqual({ ...host, user: "root", privilege: { ...host.privilege, mode: "root" } });
    expect(host.privilege.mode).toBe("helper");
    expect(asAdmin(host, { user: "admin", privateKey: "/home/me/.ssh/admin" }).identityFile).toBe(
      "/home/me/.ssh/admin",
    );
  });

  it("sets up the config's ssh.user in its privilege mode; -e deploy_user still wins", async () => {
    const helper = "ALL=(root) NOPASSWD: /usr/local/libexec/slipway/slipway-helper";
    const vars = { slipway_deploy_user: "slipdeploy", slipway_deploy_privilege: "helper" };
    expect(await sudoRules(vars)).toEqual([`slipdeploy ${helper}`]);
    expect(await sudoRules(vars, { deploy_user: "other" })).toEqual([`other ${helper}`]);
    expect(await sudoRules({})).toEqual([`deploy ${helper}`]);
  });
});
