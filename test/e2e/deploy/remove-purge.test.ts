/**
 * `remove --purge` takes what bootstrap made for the app and the images it built (t9): bootstrap's firewall part for
 * the app (port 18091 open), an old per-app log rotation file, a container deploy from the sandbox registry. After
 * the purge the firewall file and the log rotation file are gone, the firewall was reloaded (18091 now drops while the
 * host-wide rules still load), and no image of the app's repository is left.
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { connect as tcpConnect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { terminalSink } from "../../../src/cli/deploy-events.js";
import { loadConfig } from "../../../src/config/index.js";
import { deploy } from "../../../src/deploy/index.js";
import { removeApp } from "../../../src/deploy/remove-app.js";
import { parsePlaybookFile } from "../../../src/engine/parse/playbook.js";
import { runPlaybook } from "../../../src/engine/run.js";
import { inventoryFromSandbox, sshConnect } from "../../../src/engine/ssh.js";
import { defaultRegistry } from "../../../src/modules/index.js";
import type { RemoteHost } from "../../../src/remote/types.js";
import { loadSandbox, REPO_ROOT, sandboxTarget } from "../support/sandbox.js";
import { cleanHost, connectTarget } from "./support.js";

const TARGET = "t9";
const APP = "purgeall";
const RUN = randomBytes(4).toString("hex");
const PORT = 18091;
const FIREWALL = `/etc/slipway/firewall.d/${APP}.nft`;
const LOGROTATE = `/etc/logrotate.d/slipway-${APP}`;

const publicKey = () =>
  execFileSync("ssh-keygen", ["-y", "-f", loadSandbox().privateKeyPath], { encoding: "utf8" }).trim();

function writeConfig(repository: string): string {
  const sandbox = loadSandbox();
  const target = sandboxTarget(TARGET, sandbox);
  const config = {
    app: APP,
    runtime: "container",
    image: { registry: sandbox.registry, repository },
    services: {
      web: {
        build: { context: "web" },
        port: 8000,
        ports: { blue: 5491, green: 15491 },
        health: { path: "/health", interval: "1s", timeout: "40s" },
        secrets: ["API_TOKEN"],
      },
    },
    inventory: {
      ssh: { user: target.user, known_hosts_file: sandbox.knownHostsPath, identity_file: sandbox.privateKeyPath },
      hosts: { [TARGET]: { address: target.host } },
    },
    proxy: { domains: [`${APP}.e2e.test`], routes: [{ path: "/", service: "web" }] },
    tls: { enabled: false },
  };
  const path = join(mkdtempSync(join(tmpdir(), "slipway-purge-")), "slipway.yml");
  writeFileSync(path, stringify(config));
  return path;
}

/** "refused" when the host answered (the firewall let the SYN in; nothing listens), "dropped" after 3 s of silence. */
function probe(address: string, port: number): Promise<"open" | "refused" | "dropped"> {
  return new Promise((resolve) => {
    const socket = tcpConnect({ host: address, port });
    socket.setTimeout(3000, () => {
      socket.destroy();
      resolve("dropped");
    });
    socket.on("connect", () => {
      socket.destroy();
      resolve("open");
    });
    socket.on("error", (e: NodeJS.ErrnoException) => resolve(e.code === "ECONNREFUSED" ? "refused" : "dropped"));
  });
}

describe("remove --purge: images, firewall and log rotation of the app (t9)", () => {
  let host: RemoteHost;
  const repository = `e2e-${APP}-${RUN}/web`;
  const sudo = { become: true, check: false };
  const exists = async (path: string) => (await host.exec(["test", "-e", path], sudo)).code === 0;

  beforeAll(async () => {
    host = await connectTarget(TARGET);
    await cleanHost(host, APP);
    const modules = defaultRegistry();
    const { inventory, ssh } = inventoryFromSandbox(loadSandbox());
    const run = await runPlaybook(parsePlaybookFile("playbooks/bootstrap.yml", { modules }), {
      inventory,
      connect: sshConnect(ssh),
      modules,
      limit: TARGET,
      tags: ["firewall"],
      // The key only satisfies bootstrap's input check: the `firewall` tag touches no user.
      extraVars: { app_name: APP, firewall_tcp_ports: [22, PORT], deploy_public_keys: [publicKey()] },
    });
    const failed = run.outcomes.filter((o) => o.status === "failed").map((o) => `${o.task}: ${o.msg}`);
    expect(failed).toEqual([]);
    await host.exec(["sh", "-c", 'echo "/opt/$1/logs/*.log { weekly }" > "$2"', "sh", APP, LOGROTATE], sudo);
  }, 300_000);

  afterAll(async () => {
    if (!host) return;
    await cleanHost(host, APP);
    await host.exec(["systemctl", "disable", "--now", "slipway-firewall"], sudo);
    await host.exec(["rm", "-f", "--", FIREWALL, LOGROTATE], sudo);
    await host.close();
  });

  it("deploys, then purge leaves no image, no firewall opening and no log rotation file of the app", async () => {
    const address = sandboxTarget(TARGET).host;
    expect(await probe(address, PORT)).toBe("refused");
    const config = await loadConfig(writeConfig(repository));
    const lines: string[] = [];
    const result = await deploy({
      config,
      commit: randomBytes(20).toString("hex"),
      actor: "e2e",
      drainSeconds: 1,
      insecureRegistry: true,
      secrets: { API_TOKEN: "t" },
      releaseDir: `${REPO_ROOT}/test/fixtures/apps/accessory`,
      onEvent: terminalSink((line) => lines.push(line)),
    });
    expect(result.ok, `${result.recap}\n${lines.join("\n")}`).toBe(true);
    const reference = result.images.web ?? "";
    const hasImage = async () => (await host.exec(["docker", "image", "inspect", reference], sudo)).code === 0;
    expect(await hasImage(), reference).toBe(true);

    const actions = await removeApp(host, config, { purge: true });
    expect(actions).toContain(`remove ${LOGROTATE}`);
    expect(actions).toContain(`remove ${FIREWALL} (the ports it opened close) and reload the firewall`);
    expect(actions.some((a) => a.startsWith("removed 1 image(s) of "))).toBe(true);
    expect(await hasImage()).toBe(false);
    expect(await exists(FIREWALL)).toBe(false);
    expect(await exists(LOGROTATE)).toBe(false);
    expect((await host.exec(["systemctl", "is-active", "slipway-firewall"], sudo)).stdout.trim()).toBe("active");
    expect(await probe(address, PORT)).toBe("dropped");
  });
});
