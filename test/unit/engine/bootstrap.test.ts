import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { caBundleDropIn, DISTRO_SERVICE_DROPIN, deployHookScript } from "../../../src/certs/commands.js";
import { ACME_WEBROOT } from "../../../src/config/schema/tls.js";
import { COLOR_SOCKET_DIR, UPSTREAM_INCLUDE_DIR } from "../../../src/render/from-config/nginx.js";
import { nginxSocketsDropIn, tmpfilesLine, tmpfilesPath } from "../../../src/render/nginx-host-files.js";
import { runText } from "./helpers.js";

const bootstrap = readFileSync("playbooks/bootstrap.yml", "utf8");
const key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBootstrapTestKey test@slipway";

describe("playbooks/bootstrap.yml", () => {
  it("renders every task in check mode on a fresh host and changes nothing", async () => {
    const run = await runText(bootstrap, {
      path: "playbooks/bootstrap.yml",
      check: true,
      extraVars: { deploy_public_keys: [key] },
      config: { app: "shop" },
    });
    const failures = run.outcomes.filter((o) => o.status === "failed").map((o) => `${o.task}: ${o.msg}`);
    expect(failures).toEqual([]);
    // Helper mode (the default): one rule, the helper, no `*`, no argument pattern.
    const sudoers = run.outcomes.find((o) => o.task.startsWith("sudo rights"))?.diffs?.[0]?.after ?? "";
    const rules = sudoers.split("\n").filter((l) => l.trim() && !l.startsWith("#"));
    expect(rules).toEqual(["deploy ALL=(root) NOPASSWD: /usr/local/libexec/slipway/slipway-helper"]);
    const record = run.outcomes.find((o) => o.task.startsWith("this app's record"))?.diffs?.[0]?.after ?? "";
    expect(record).toContain("deploy_dir=/opt/shop\ndata_dir=/var/lib/shop\n");
    const firewall = run.outcomes.find((o) => o.task.startsWith("firewall rules"));
    expect(firewall?.task).toBe("firewall rules (inbound 22, 80, 443 only; Docker's tables untouched)");
    expect(firewall?.diffs?.[0]?.path).toBe("/etc/slipway/firewall.d/shop.nft");
    expect(firewall?.diffs?.[0]?.after).toContain("    tcp dport { 80, 443 } accept\n");
    expect(run.hosts.get("a")?.files.size).toBe(1);
  });

  it("installs the fixed files byte for byte as the deploy writes them (the helper only lets it read them)", async () => {
    const file = (name: string) => readFileSync(`playbooks/files/${name}`, "utf8");
    expect(file("slipway-run-slipway.tmpfiles.conf")).toBe(tmpfilesLine(COLOR_SOCKET_DIR));
    expect(tmpfilesPath(COLOR_SOCKET_DIR)).toBe("/etc/tmpfiles.d/slipway-run-slipway.conf");
    expect(file("nginx-slipway-sockets.conf")).toBe(nginxSocketsDropIn(COLOR_SOCKET_DIR));
    expect(file("slipway-reload-nginx.sh")).toBe(deployHookScript());
    const run = await runText(bootstrap, {
      path: "playbooks/bootstrap.yml",
      check: true,
      extraVars: { deploy_public_keys: [key], acme_ca_bundle: "/etc/slipway/acme-ca.pem" },
      config: { app: "shop" },
    });
    const dropIn = run.outcomes.find((o) => o.task.startsWith("certbot renewals trust"))?.diffs?.[0];
    expect(dropIn?.path).toBe(DISTRO_SERVICE_DROPIN);
    expect(dropIn?.after).toBe(caBundleDropIn("/etc/slipway/acme-ca.pem"));
  });

  it("root mode says so: NOPASSWD ALL and the docker group", async () => {
    const run = await runText(bootstrap, {
      path: "playbooks/bootstrap.yml",
      check: true,
      extraVars: { deploy_public_keys: [key], deploy_privilege: "root" },
      config: { app: "shop" },
    });
    const sudoers = run.outcomes.find((o) => o.task.startsWith("sudo rights"))?.diffs?.[0]?.after ?? "";
    expect(sudoers.split("\n").filter((l) => l.trim() && !l.startsWith("#"))).toEqual([
      "deploy ALL=(ALL) NOPASSWD: ALL",
    ]);
    expect(run.outcomes.find((o) => o.task === "deploy user out of the docker group (helper mode)")?.status).toBe(
      "skipped",
    );
  });

  it("refuses to run without a deploy key (the deploy user must be able to log in)", async () => {
    const run = await runText(bootstrap, {
      path: "playbooks/bootstrap.yml",
      check: true,
    });
    expect(run.outcomes[0]).toMatchObject({ task: "check inputs", status: "failed" });
    expect(run.outcomes).toHaveLength(1);
  });

  const firewallOf = (run: Awaited<ReturnType<typeof runText>>) =>
    run.outcomes.find((o) => o.task.startsWith("firewall rules"));

  it("opens the SSH port the run connects to (inventory file on 2222: the admin is not locked out)", async () => {
    const run = await runText(bootstrap, {
      path: "playbooks/bootstrap.yml",
      check: true,
      extraVars: { deploy_public_keys: [key] },
      inventory: { hosts: { a: { address: "10.0.0.1", port: 2222 } }, groups: {} },
    });
    expect(firewallOf(run)?.task).toBe("firewall rules (inbound 2222, 80, 443 only; Docker's tables untouched)");
  });

  it("takes the ports and the upstream rules slipway.yml gives each host (src/config/firewall.ts)", async () => {
    const rule = "ip saddr { 10.0.0.9 } tcp dport { 5001, 15001 } accept";
    const run = await runText(bootstrap, {
      path: "playbooks/bootstrap.yml",
      check: true,
      extraVars: { deploy_public_keys: [key] },
      inventory: {
        hosts: {
          a: {
            address: "10.0.0.1",
            vars: { slipway_firewall_tcp_ports: [2222], slipway_firewall_upstream_rules: [rule] },
          },
        },
        groups: {},
      },
    });
    const nft = firewallOf(run)?.diffs?.[0]?.after ?? "";
    expect(nft).toContain("tcp dport { 2222 } accept\n");
    expect(nft).toContain(`    ${rule}\n`);
    expect(nft).not.toContain("80");
  });

  it("records the certificate's names and ACME settings slipway.yml gives each host for the helper's certbot verb", async () => {
    const vars = {
      slipway_certificate_names: ["shop.example.com", "api.shop.example.com"],
      slipway_acme_server: "https://acme.example/dir",
      slipway_acme_email: "ops@example.com",
      slipway_acme_ca_bundle: "",
    };
    const run = await runText(bootstrap, {
      path: "playbooks/bootstrap.yml",
      check: true,
      extraVars: { deploy_public_keys: [key] },
      config: { app: "shop", proxy: { domains: ["shop.example.com"] } },
      inventory: { hosts: { a: { address: "10.0.0.1", vars } }, groups: {} },
    });
    const record = run.outcomes.find((o) => o.task.startsWith("this app's record"))?.diffs?.[0]?.after ?? "";
    expect(record).toContain(
      "domains=shop.example.com api.shop.example.com\nacme_server=https://acme.example/dir\nacme_email=ops@example.com\nacme_ca_bundle=\n",
    );
    expect(run.outcomes.find((o) => o.task.startsWith("certbot renewals trust"))?.status).toBe("skipped");
  });

  it("creates the ACME webroot certbot and the nginx site use (one constant, also without tls in the config)", async () => {
    const webroot = async (config: Record<string, unknown>) => {
      const run = await runText(bootstrap, {
        path: "playbooks/bootstrap.yml",
        check: true,
        extraVars: { deploy_public_keys: [key] },
        config,
      });
      return run.outcomes.find((o) => o.task.startsWith("ACME webroot"))?.msg;
    };
    expect(ACME_WEBROOT).toBe("/var/www/slipway-acme");
    expect(await webroot({ app: "shop" })).toContain(ACME_WEBROOT);
    expect(await webroot({ app: "shop", tls: { webroot: "/srv/acme" } })).toContain("/srv/acme");
  });
  it("creates the nginx directory the deploy's upstreams and switch links go to (a helper user cannot make it; D20)", async () => {
    const run = await runText(bootstrap, {
      path: "playbooks/bootstrap.yml",
      check: true,
      extraVars: { deploy_public_keys: [key] },
      config: { app: "shop" },
    });
    const task = run.outcomes.find((o) => o.task.startsWith("nginx directory for the deploy's upstreams"));
    expect(UPSTREAM_INCLUDE_DIR).toBe("/etc/nginx/slipway");
    expect(task?.msg).toContain(UPSTREAM_INCLUDE_DIR);
    expect(task?.status).toBe("changed");
  });
});
