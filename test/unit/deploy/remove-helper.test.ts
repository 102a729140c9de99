/** D33: `slipway remove` of a helper-mode app uses only commands the helper has verbs for, and keeps bootstrap's dir. */
import { describe, expect, it } from "vitest";
import { removeApp } from "../../../src/deploy/remove-app.js";
import { FakeHost } from "../engine/fake-host.js";
import { configWith } from "../render/from-config/config.js";

const inventory = (privilege: "helper" | "root") => ({
  ssh: { privilege },
  hosts: { a: { address: "10.213.0.11" } },
});

/** A host where shop (systemd, service api) was deployed to /opt/shop. */
function deployedHost(): FakeHost {
  const host = new FakeHost("a");
  host.files.set("/opt/shop", { kind: "directory", mode: "0755", owner: "deploy", group: "deploy" });
  host.writeFile("/etc/systemd/system/shop-api@.service", "[Service]\n");
  host.files.set("/etc/systemd/system/shop-api@blue.service.d", {
    kind: "directory",
    mode: "0755",
    owner: "root",
    group: "root",
  });
  host.handlers.set("find", () => ({ stdout: "/opt/shop/backups\n/opt/shop/releases\n/opt/shop/.slipway-lock\n" }));
  return host;
}

describe("remove in helper mode", () => {
  it("stops, then disables the units (no `disable --now`: the helper's unit verbs take no flags)", async () => {
    const host = deployedHost();
    await removeApp(host, configWith({ inventory: inventory("helper") }));
    const units = "shop-api@blue.service shop-api@green.service";
    expect(host.ran).toContain(`systemctl stop ${units}`);
    expect(host.ran).toContain(`systemctl disable ${units}`);
    expect(host.ran.some((c) => c.includes("--now"))).toBe(false);
    expect(host.ran).toContain("rm -rf -- /etc/systemd/system/shop-api@blue.service.d");
  });

  it("--purge empties deploy_dir, backups included, and keeps the directory bootstrap made", async () => {
    const host = deployedHost();
    const actions = await removeApp(host, configWith({ inventory: inventory("helper") }), { purge: true });
    expect(actions).toContain("remove everything in /opt/shop (backups included)");
    expect(actions).toContain("kept: /opt/shop itself, empty (bootstrap made it; helper mode cannot remove it)");
    expect(host.ran).toContain("rm -rf -- /opt/shop/backups");
    expect(host.ran).toContain("rm -rf -- /opt/shop/releases");
    expect(host.ran).not.toContain("rm -rf -- /opt/shop");
  });

  it("root mode: --purge removes deploy_dir itself", async () => {
    const host = deployedHost();
    const actions = await removeApp(host, configWith({ inventory: inventory("root") }), { purge: true });
    expect(actions).toContain("remove /opt/shop (backups included)");
    expect(host.ran).toContain("rm -rf -- /opt/shop");
  });
});
