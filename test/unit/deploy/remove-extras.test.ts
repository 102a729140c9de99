/**
 * `remove --purge` also takes the images the app built and bootstrap's per-app firewall and log rotation files
 * (then checks and restarts the firewall as bootstrap's handler does); public images and, in helper mode, the /etc
 * files stay, the latter named with the root commands.
 */
import { describe, expect, it } from "vitest";
import { renderHistory } from "../../../src/deploy/history.js";
import { deployPaths } from "../../../src/deploy/paths.js";
import { removeApp } from "../../../src/deploy/remove-app.js";
import { builtImagesHistory } from "../../../src/deploy/remove-extras.js";
import type { ReleaseRecord } from "../../../src/deploy/types.js";
import { loadConfigText } from "../../support/config-text.js";
import { FakeHost } from "../engine/fake-host.js";

const CONFIG = `app: shop
runtime: container
image: { registry: reg.example, repository: shop/web }
services:
  web:
    build: { context: web }
    port: 8000
    health: { path: /health }
  db:
    image: postgres:16
    port: 5432
    health: { path: /health }
inventory:
  ssh: { user: deploy }
  hosts:
    t16: { address: 10.213.0.26 }
proxy:
  domains: [shop.e2e.test]
  routes:
    - { path: /, service: web }
`;

const WEB = `reg.example/shop/web@sha256:${"a".repeat(64)}`;
const DB = `postgres@sha256:${"b".repeat(64)}`;
const record: ReleaseRecord = {
  id: "abc1234-20261201000000",
  commit: "c",
  images: { web: WEB, db: DB },
  time: "2026-12-01T00:00:00Z",
  actor: "a",
  result: "deployed",
};

function host(): FakeHost {
  const fake = new FakeHost("t16");
  fake.writeFile("/opt/shop/releases.json", renderHistory({ releases: [record] }));
  fake.files.set("/opt/shop", { kind: "directory", mode: "0755", owner: "deploy", group: "deploy" });
  fake.writeFile("/etc/slipway/firewall.d/shop.nft", "table inet slipway_firewall {}");
  fake.writeFile("/etc/logrotate.d/slipway-shop", "/opt/shop/logs/*.log {}");
  fake.handlers.set("docker", (argv) => {
    const line = argv.join(" ");
    if (line.startsWith("docker image ls"))
      return { stdout: argv.at(-1) === "reg.example/shop/web" ? "sha256:1\n" : "" };
    if (line.startsWith("docker image inspect")) {
      return { stdout: JSON.stringify([{ Id: "sha256:1", RepoTags: [], RepoDigests: [WEB] }]) };
    }
    return { stdout: "" };
  });
  return fake;
}

describe("remove --purge: images and bootstrap's files of the app", () => {
  it("only the images of services the app builds count", async () => {
    const config = await loadConfigText(CONFIG);
    expect(builtImagesHistory(config, { releases: [record] }).releases[0]?.images).toEqual({ web: WEB });
  });

  it("root mode: removes the built image, the log rotation file and the firewall file, then checks and restarts", async () => {
    const config = await loadConfigText(CONFIG);
    const fake = host();
    expect(deployPaths(config.deploy_dir).history).toBe("/opt/shop/releases.json");
    const actions = await removeApp(fake, config, { purge: true });
    expect(actions.slice(-3)).toEqual([
      "removed 1 image(s) of reg.example/shop/web: 1",
      "remove /etc/logrotate.d/slipway-shop",
      "remove /etc/slipway/firewall.d/shop.nft (the ports it opened close) and reload the firewall",
    ]);
    expect(fake.ran.slice(-5, -1)).toEqual([
      "rm -f -- /etc/logrotate.d/slipway-shop",
      "rm -f -- /etc/slipway/firewall.d/shop.nft",
      "nft -c -f /etc/slipway/firewall.nft",
      "systemctl restart slipway-firewall",
    ]);
    expect(fake.ran).toContain(`docker image rm ${WEB}`);
    expect(fake.ran.some((c) => c.includes("postgres"))).toBe(false);
  });

  it("helper mode: the /etc files are named with the admin's commands, not touched", async () => {
    const config = await loadConfigText(
      CONFIG.replace("ssh: { user: deploy }", "ssh: { user: deploy, privilege: helper }"),
    );
    const fake = host();
    const actions = await removeApp(fake, config, { purge: true, check: true });
    expect(actions.at(-1)).toBe(
      "kept: /etc/slipway/firewall.d/shop.nft, /etc/logrotate.d/slipway-shop (bootstrap's; helper mode cannot remove them): as an admin, `sudo rm /etc/slipway/firewall.d/shop.nft /etc/logrotate.d/slipway-shop && sudo systemctl restart slipway-firewall`",
    );
    expect(actions).toContain("would remove 1 image(s) of reg.example/shop/web: 1");
    expect(fake.ran.some((c) => c.startsWith("rm ") || c.startsWith("systemctl restart"))).toBe(false);
  });
});
