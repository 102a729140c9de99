import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
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
    expect(firewall?.diffs?.[0]?.after).toContain("tcp dport { 22, 80, 443 } accept");
    expect(run.hosts.get("a")?.files.size).toBe(1);
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
});
