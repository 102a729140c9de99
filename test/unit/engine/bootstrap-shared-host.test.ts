/**
 * D29: several apps on one host. bootstrap.yml writes each app's firewall rules, log rotation and record to files of
 * its own, one sudoers file per deploy user, and a host-wide firewall file that no app's config changes.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { runText } from "./helpers.js";

const bootstrap = readFileSync("playbooks/bootstrap.yml", "utf8");
const key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBootstrapTestKey test@slipway";

/** Every file the check run would write, by path, as rendered. */
async function rendered(app: string, vars: Record<string, unknown>): Promise<Map<string, string>> {
  const run = await runText(bootstrap, {
    path: "playbooks/bootstrap.yml",
    check: true,
    extraVars: { deploy_public_keys: [key], ...vars },
    inventory: { hosts: { a: { address: "10.0.0.1", port: 2222 } }, groups: {} },
    config: { app },
  });
  expect(run.outcomes.filter((o) => o.status === "failed").map((o) => `${o.task}: ${o.msg}`)).toEqual([]);
  return new Map(run.outcomes.flatMap((o) => o.diffs ?? []).map((d) => [d.path, d.after ?? ""]));
}

const HOST_WIDE = `#!/usr/sbin/nft -f
# Managed by Slipway (playbooks/bootstrap.yml): the host-wide part, the same for every app on this host: inbound TCP
# only to the SSH port 2222, plus what each app's file in /etc/slipway/firewall.d/ adds (one file per
# app, so that bootstrapping one app never closes another's ports).
# A table of its own: Docker's iptables-nft tables and anything else are left alone. Declaring then deleting the
# table makes a reload replace it atomically (and works when it does not exist yet).
table inet slipway_firewall
delete table inet slipway_firewall

table inet slipway_firewall {
  chain input {
    type filter hook input priority filter; policy drop;
    ct state established,related accept
    ct state invalid drop
    iif "lo" accept
    iifname "docker0" accept
    iifname "br-*" accept
    meta l4proto { icmp, ipv6-icmp } accept
    tcp dport { 2222 } accept
  }
}

include "/etc/slipway/firewall.d/*.nft"
`;

describe("bootstrap.yml on a host shared by several apps", () => {
  const shop = {
    slipway_firewall_tcp_ports: [2222, 80, 443],
    slipway_firewall_upstream_rules: ["ip saddr { 10.0.0.9 } tcp dport { 5001, 15001 } accept"],
  };
  const api = { slipway_firewall_tcp_ports: [2222, 8050], deploy_user: "apideploy" };

  it("writes the app's firewall rules to a file of its own, included by a host-wide file", async () => {
    const files = await rendered("shop", shop);
    expect(files.get("/etc/slipway/firewall.d/shop.nft")).toBe(`#!/usr/sbin/nft -f
# Managed by Slipway (playbooks/bootstrap.yml): what shop lets in (inbound TCP to 80, 443;
# its upstream ports from the nginx hosts only). /etc/slipway/firewall.nft includes it into the host's input chain;
# alone (nft -c) it declares a plain chain, so it validates before that table exists.
table inet slipway_firewall {
  chain input {
    tcp dport { 80, 443 } accept
    ip saddr { 10.0.0.9 } tcp dport { 5001, 15001 } accept
  }
}
`);
    expect(files.get("/etc/slipway/firewall.nft")).toBe(HOST_WIDE);
  });

  it("an app with no public port gets no `tcp dport { }` (an nft syntax error)", async () => {
    const files = await rendered("worker", { slipway_firewall_tcp_ports: [2222] });
    expect(files.get("/etc/slipway/firewall.d/worker.nft")).toContain("  chain input {\n    \n    \n  }\n");
    expect(files.get("/etc/slipway/firewall.d/worker.nft")).toContain("(inbound TCP to no port;");
  });

  it("a second app writes only its own paths; the host-wide firewall does not depend on the app", async () => {
    const a = await rendered("shop", shop);
    const b = await rendered("api", api);
    expect(b.get("/etc/slipway/firewall.nft")).toBe(a.get("/etc/slipway/firewall.nft"));
    const own = (files: Map<string, string>) =>
      [...files.keys()]
        .filter((p) => /^\/etc\/.*(shop|api|slipway-user-deploy$|slipway-user-apideploy$)/.test(p))
        .sort();
    // No file both runs write gets different content from the second app.
    expect([...a].filter(([path, text]) => b.has(path) && b.get(path) !== text).map(([path]) => path)).toEqual([]);
    expect(own(a)).toEqual([
      "/etc/slipway/apps/shop.conf",
      "/etc/slipway/firewall.d/shop.nft",
      "/etc/sudoers.d/slipway-user-deploy",
    ]);
    expect(own(b)).toEqual([
      "/etc/slipway/apps/api.conf",
      "/etc/slipway/firewall.d/api.nft",
      "/etc/sudoers.d/slipway-user-apideploy",
    ]);
  });

  it("writes no log rotation rule for <deploy_dir>/logs, which nothing writes (D68)", async () => {
    const files = await rendered("api", api);
    expect([...files.keys()].filter((p) => p.startsWith("/etc/logrotate.d/"))).toEqual([]);
  });

  it("gives each deploy user one sudoers file, the same for every app it deploys", async () => {
    const a = await rendered("shop", { deploy_user: "ops" });
    const b = await rendered("api", { deploy_user: "ops" });
    const path = "/etc/sudoers.d/slipway-user-ops";
    expect(a.get(path)).toBe(b.get(path));
    expect(
      a
        .get(path)
        ?.split("\n")
        .filter((l) => l.trim() && !l.startsWith("#")),
    ).toEqual(["ops ALL=(root) NOPASSWD: /usr/local/libexec/slipway/slipway-helper"]);
    expect(a.get(path)).toContain("# Managed by Slipway (playbooks/bootstrap.yml), deploy_privilege=helper: one file");
  });
});
