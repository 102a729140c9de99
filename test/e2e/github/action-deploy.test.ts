/**
 * The bundled action deploys for real: a copy of examples/harvest (as a checkout would be) with its slipway.yml
 * pointed at sandbox target t2, the SSH key given only as the `ssh-private-key` input (private_key_secret), the
 * GitHub API a recording server. Success path: deployment success with the URL, outputs, per-host summary.
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import type { RemoteHost } from "../../../src/remote/types.js";
import { cleanHost, connectTarget, viaNginx } from "../deploy/support.js";
import { loadSandbox, REPO_ROOT, sandboxTarget } from "../support/sandbox.js";
import { TOKEN, visibleText } from "./fixture.js";
import { type Recorder, startRecorder } from "./recorder.js";
import { runBundle } from "./run-bundle.js";

const APP = "ghdeploy";
const DOMAIN = "ghdeploy.e2e.test";
const SHA = "fedcba9876543210fedcba9876543210fedcba98";

function checkout(): string {
  const inventory = loadSandbox();
  const t2 = sandboxTarget("t2", inventory);
  const dir = mkdtempSync(join(tmpdir(), "slipway-action-checkout-"));
  cpSync(join(REPO_ROOT, "examples/harvest"), dir, { recursive: true });
  const config = parse(readFileSync(join(dir, "slipway.yml"), "utf8"));
  config.app = APP;
  delete config.environments;
  config.proxy.domains = [DOMAIN];
  config.inventory = {
    ssh: { user: t2.user, known_hosts_file: inventory.knownHostsPath, private_key_secret: "SLIPWAY_DEPLOY_KEY" },
    hosts: { t2: { address: t2.host } },
  };
  const db = `/var/lib/${APP}/app.db`;
  if (config.database?.path) config.database.path = db;
  const ports: Record<string, number> = { backend: 5401, frontend: 8450 };
  for (const [name, service] of Object.entries<
    Record<string, unknown> & { port?: number; env?: Record<string, string>; health?: object }
  >(config.services)) {
    service.port = ports[name] ?? service.port;
    if (service.env?.DATABASE_PATH) service.env.DATABASE_PATH = db;
    service.health = { ...(service.health ?? {}), timeout: "30s", interval: "1s" };
  }
  writeFileSync(join(dir, "slipway.yml"), stringify(config));
  return dir;
}

describe("bundled action deploys harvest to t2", () => {
  let api: Recorder;
  let host: RemoteHost;
  let dir: string;
  const key = readFileSync(loadSandbox().privateKeyPath, "utf8");

  beforeAll(async () => {
    api = await startRecorder(99);
    host = await connectTarget("t2");
    await cleanHost(host, APP);
    dir = checkout();
  });

  afterAll(async () => {
    await api?.close();
    if (host) {
      await cleanHost(host, APP);
      await host.close();
    }
  });

  it("deploy succeeds: deployment success with the URL, outputs, summary; the key never shows", async () => {
    const run = await runBundle(
      { config: "slipway.yml", command: "deploy", "ssh-private-key": key, "github-token": TOKEN },
      {
        GITHUB_API_URL: api.url,
        GITHUB_REPOSITORY: "acme/harvest",
        GITHUB_SHA: SHA,
        GITHUB_REF: "refs/heads/main",
        GITHUB_EVENT_NAME: "push",
        GITHUB_ACTOR: "octocat",
      },
      dir,
    );
    expect(run.stdout).not.toContain("::error::");
    expect(run.code).toBe(0);
    expect(api.requests.map((r) => `${r.path} ${String(r.body.state ?? "")}`)).toEqual([
      "/repos/acme/harvest/deployments ",
      "/repos/acme/harvest/deployments/99/statuses in_progress",
      "/repos/acme/harvest/deployments/99/statuses success",
    ]);
    expect(api.requests[2]?.body).toMatchObject({ environment_url: run.outputs.url, auto_inactive: true });
    expect(run.outputs.release).toMatch(/^fedcba9-/);
    expect(run.outputs.url).toMatch(/ghdeploy\.e2e\.test/);
    expect(run.summary).toContain(`### Slipway deploy: ${APP}: ok`);
    expect(run.summary).toMatch(/\| t2 \| changed \| blue \|/);
    const health = await viaNginx(sandboxTarget("t2").host, DOMAIN, "/api/health");
    expect(health.status).toBe(200);
    const visible = visibleText(run);
    for (const line of key.split("\n").filter((l) => l.length > 20 && !l.startsWith("-----"))) {
      expect(visible).not.toContain(line);
    }
    expect(visible).not.toContain(TOKEN);
  });
});
