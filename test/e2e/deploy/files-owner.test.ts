/**
 * D65: `services.*.files` are readable by the container they are for, which runs without capabilities (so not even
 * its root passes another owner's 0600): runtime container on t9, two services from one image without `USER`. `web`
 * runs as root, and its file was left owned by the deploy user with the same content (as a helper-mode run leaves it:
 * the tester's case, where the deploy saw nothing to change); `nobody` runs as `container.user: nobody`, a name
 * looked up in the image (65534:65534). Both read their file; each is 0600 and owned by its container's uid:gid.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { terminalSink } from "../../../src/cli/deploy-events.js";
import { loadConfig, type SlipwayConfig } from "../../../src/config/index.js";
import { deploy } from "../../../src/deploy/index.js";
import type { RemoteHost } from "../../../src/remote/types.js";
import { configFileHostPath, renderConfigFile } from "../../../src/render/config-file.js";
import { loadSandbox, REPO_ROOT, sandboxTarget } from "../support/sandbox.js";
import { cleanHost, connectTarget, removeTestImages } from "./support.js";

const TARGET = "t9";
const APP = "filesown";
const DOMAIN = "filesown.e2e.test";
const RUN = randomBytes(4).toString("hex");
const TOKEN = `tok "${RUN}"`;
const FIXTURE = `${REPO_ROOT}/test/fixtures/apps/accessory`;
const PORTS = { web: 5497, nobody: 5498 };

function writeConfig(): string {
  const sandbox = loadSandbox();
  const target = sandboxTarget(TARGET, sandbox);
  const files = [{ path: "/app/etc/config.json", template: "web/config.json.tpl" }];
  const health = { path: "/health", interval: "1s", timeout: "40s" };
  const config = {
    app: APP,
    runtime: "container",
    image: { registry: sandbox.registry, repository: `e2e-${APP}-${RUN}/web` },
    services: {
      web: {
        build: { context: "web" },
        port: 8000,
        ports: { blue: PORTS.web, green: PORTS.web + 10000 },
        health,
        secrets: ["API_TOKEN"],
        files,
      },
      nobody: {
        image_from: "web",
        port: 8000,
        ports: { blue: PORTS.nobody, green: PORTS.nobody + 10000 },
        health,
        secrets: ["API_TOKEN"],
        files,
        container: { user: "nobody" },
      },
    },
    inventory: {
      ssh: { user: target.user, known_hosts_file: sandbox.knownHostsPath, identity_file: sandbox.privateKeyPath },
      hosts: { [TARGET]: { address: target.host } },
    },
    proxy: { domains: [DOMAIN], routes: [{ path: "/", service: "web" }] },
    tls: { enabled: false },
  };
  const path = join(mkdtempSync(join(tmpdir(), "slipway-files-owner-")), "slipway.yml");
  writeFileSync(path, stringify(config));
  return path;
}

describe("config files owned by the container's own uid (D65, t9)", () => {
  let host: RemoteHost;
  let config: SlipwayConfig;
  const references: string[] = [];
  const lines: string[] = [];
  const sudo = { become: true };
  const file = (service: string) => configFileHostPath(`/opt/${APP}`, service, "blue", 0, "/app/etc/config.json");

  beforeAll(async () => {
    host = await connectTarget(TARGET);
    await cleanHost(host, APP);
    config = await loadConfig(writeConfig());
    // web's file as a helper-mode run leaves it: the same content, the deploy user's, 0600.
    const content = renderConfigFile(
      readFileSync(`${FIXTURE}/web/config.json.tpl`, "utf8"),
      { API_TOKEN: TOKEN },
      { json: true, where: "config.json.tpl", listed: ["API_TOKEN"] },
    );
    const user = sandboxTarget(TARGET).user;
    const script = [
      'install -d -o "$2" -g "$2" -- "$3"',
      'install -d -m 0700 -- "$(dirname "$1")"',
      'cat > "$1" && chmod 600 -- "$1" && chown "$2:$2" -- "$1"',
    ].join(" && ");
    await host.exec(["sh", "-c", script, "sh", file("web"), user, `/opt/${APP}`], { ...sudo, stdin: content });
  });

  afterAll(async () => {
    if (!host) return;
    await cleanHost(host, APP);
    await removeTestImages(host, references);
    await host.close();
  });

  it("both containers read their file; each is 0600 and their own", async () => {
    const result = await deploy({
      config,
      commit: randomBytes(20).toString("hex"),
      actor: "e2e",
      drainSeconds: 1,
      insecureRegistry: true,
      secrets: { API_TOKEN: TOKEN },
      releaseDir: FIXTURE,
      onEvent: terminalSink((line) => lines.push(line)),
    });
    expect(result.ok, `${result.recap}\n${lines.join("\n")}`).toBe(true);
    references.push(...Object.values(result.images));
    for (const port of Object.values(PORTS)) {
      const read = await host.exec(["curl", "-s", `http://127.0.0.1:${port}/config`]);
      expect(JSON.parse(read.stdout)).toEqual({ config: { Database: "db:5432", Token: TOKEN } });
    }
    const owners = await host.exec(["stat", "-c", "%a %u:%g", file("web"), file("nobody")], sudo);
    expect(owners.stdout.trim().split("\n")).toEqual(["600 0:0", "600 65534:65534"]);
  });
});
