// e2e-targets: t7
/**
 * D64: runtime compose with an accessory (deploy.md's database beside blue-green) deploys in helper mode, the
 * default privilege, on t7 (bootstrapped here with the whole playbook: a fresh host in CI). The color's compose file
 * joins `<app>-accessories`, which the docker gate refused as an external network; the gate now accepts exactly the
 * app's own accessories network. The color reaches the accessory by its service name and reads its `files` entry
 * (the gate's root-owned copy). Run under `flock /tmp/slipway-t7.lock`.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { terminalSink } from "../../../src/cli/deploy-events.js";
import { loadConfig, type SlipwayConfig } from "../../../src/config/index.js";
import { deploy } from "../../../src/deploy/index.js";
import type { RemoteHost } from "../../../src/remote/types.js";
import { cleanHost, removeTestImages, viaNginx } from "../deploy/support.js";
import { connectTarget, loadSandbox, REPO_ROOT, sandboxTarget } from "../support/sandbox.js";
import { bootstrapHelperHost, DEPLOY_USER, forgetApp } from "./helper-support.js";

const TARGET = "t7";
const APP = "hvacc";
const DOMAIN = "hvacc.e2e.test";
const RUN = randomBytes(4).toString("hex");
const TOKEN = `tok ${RUN}`;

/** web (a color) and db (an accessory on port 5432: the same image serving HTTP, enough to prove the network). */
function writeConfig(): string {
  const sandbox = loadSandbox();
  const target = sandboxTarget(TARGET, sandbox);
  const config = {
    app: APP,
    runtime: "compose",
    image: { registry: sandbox.registry, repository: `e2e-${APP}-${RUN}/acc` },
    services: {
      web: {
        build: { context: "web" },
        port: 8000,
        ports: { blue: 5491, green: 15491 },
        health: { path: "/health", container_check: "python", timeout: "40s" },
        depends_on: ["db"],
        secrets: ["API_TOKEN"],
        files: [{ path: "/app/etc/config.json", template: "web/config.json.tpl" }],
      },
      db: {
        image_from: "web",
        command: ["python3", "-m", "http.server", "5432"],
        port: 5432,
        accessory: true,
      },
    },
    inventory: {
      ssh: {
        user: DEPLOY_USER,
        privilege: "helper",
        known_hosts_file: sandbox.knownHostsPath,
        identity_file: sandbox.privateKeyPath,
      },
      hosts: { [TARGET]: { address: target.host } },
    },
    proxy: { domains: [DOMAIN], routes: [{ path: "/", service: "web" }] },
    tls: { enabled: false },
  };
  const path = join(mkdtempSync(join(tmpdir(), "slipway-helper-acc-")), "slipway.yml");
  writeFileSync(path, stringify(config));
  return path;
}

async function removeProjects(root: RemoteHost): Promise<void> {
  const script = [
    `for p in ${APP}-blue ${APP}-green ${APP}-accessories; do`,
    '  ids=$(docker ps -aq --filter "label=com.docker.compose.project=$p"); [ -z "$ids" ] || docker rm -f $ids',
    '  docker network rm "${p}_default" >/dev/null 2>&1 || docker network rm "$(echo "$p" | tr -d -)_default" >/dev/null 2>&1 || true',
    "done",
    `docker network rm ${APP}-accessories >/dev/null 2>&1 || true`,
    `rm -rf /var/lib/slipway-gate/${APP}`,
  ].join("\n");
  await root.exec(["sh", "-c", script], { become: true, check: false });
}

describe("runtime compose with an accessory as the helper-only user on t7 (D64)", () => {
  let root: RemoteHost;
  let config: SlipwayConfig;
  const references: string[] = [];
  const lines: string[] = [];
  const address = () => sandboxTarget(TARGET).host;

  beforeAll(async () => {
    root = await connectTarget(TARGET);
    await removeProjects(root);
    await cleanHost(root, APP);
    const boot = await bootstrapHelperHost(root, APP, { target: TARGET, vars: { app_domains: [DOMAIN] } });
    const failed = boot.outcomes.filter((o) => o.status === "failed").map((o) => `${o.task}: ${o.msg}`);
    expect(failed).toEqual([]);
    config = await loadConfig(writeConfig());
  }, 900_000);

  afterAll(async () => {
    if (!root) return;
    await removeProjects(root);
    await cleanHost(root, APP);
    await removeTestImages(root, references);
    await forgetApp(root, APP);
    await root.close();
  });

  it("deploys: the accessory's project and the color's (joining <app>-accessories) pass the gate", async () => {
    const result = await deploy({
      config,
      commit: randomBytes(20).toString("hex"),
      actor: "e2e",
      drainSeconds: 1,
      insecureRegistry: true,
      secrets: { API_TOKEN: TOKEN },
      releaseDir: `${REPO_ROOT}/test/fixtures/apps/accessory`,
      onEvent: terminalSink((line) => lines.push(line)),
    });
    expect(result.ok, `${result.recap}\n${lines.join("\n")}`).toBe(true);
    references.push(...Object.values(result.images));
    expect(lines.join("\n")).not.toMatch(/refused/);
    // The color reaches the accessory by its service name on the shared network, and reads its config file.
    expect(JSON.parse((await viaNginx(address(), DOMAIN, "/db")).body)).toEqual({ db: "reachable" });
    expect(JSON.parse((await viaNginx(address(), DOMAIN, "/config")).body)).toEqual({
      config: { Database: "db:5432", Token: TOKEN },
    });
    const copy = await root.exec(["stat", "-c", "%U %a", `/var/lib/slipway-gate/${APP}/compose/${APP}-blue.yml`], {
      become: true,
    });
    expect(copy.stdout.trim()).toBe("root 600");
  });
});
