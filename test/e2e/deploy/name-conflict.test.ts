/**
 * D84: two apps on one host (harvest twice on t9, runtime systemd). The second, configured with the first's domain
 * (a copy-paste of `proxy.domains`), is refused at preflight naming the first's site file, before anything changed:
 * the first keeps serving its release, and the second has no site file.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { terminalSink } from "../../../src/cli/deploy-events.js";
import { loadConfig } from "../../../src/config/index.js";
import { deploy } from "../../../src/deploy/index.js";
import type { RemoteHost } from "../../../src/remote/types.js";
import { REPO_ROOT, sandboxTarget } from "../support/sandbox.js";
import { cleanHost, connectTarget, viaNginx, writeOverlay } from "./support.js";

const TARGET = "t9";
const FIRST = "hvnamea";
const SECOND = "hvnameb";
const DOMAIN = "hvnamea.e2e.test";
const address = () => sandboxTarget(TARGET).host;

async function deployApp(app: string, ports: Record<string, number>, lines: string[]) {
  const file = writeOverlay("harvest", { app, domain: DOMAIN, target: TARGET, ports, healthTimeout: "20s" });
  return deploy({
    config: await loadConfig(file),
    commit: "0123456789abcdef0123456789abcdef01234567",
    actor: "e2e",
    releaseDir: `${REPO_ROOT}/examples/harvest`,
    drainSeconds: 1,
    versionEnv: { APP_VERSION: app },
    onEvent: terminalSink((line) => lines.push(line)),
  });
}

describe("a second app with the first's domain (D84, t9)", () => {
  let host: RemoteHost;

  beforeAll(async () => {
    host = await connectTarget(TARGET);
    await cleanHost(host, FIRST);
    await cleanHost(host, SECOND);
  });

  afterAll(async () => {
    await cleanHost(host, SECOND);
    await cleanHost(host, FIRST);
    await host.close();
  });

  it("is refused at preflight naming the first's site; the first keeps serving", async () => {
    const first: string[] = [];
    const deployed = await deployApp(FIRST, { backend: 5371, frontend: 8371 }, first);
    if (!deployed.ok) console.log(first.join("\n"));
    expect(deployed.ok).toBe(true);
    expect((await viaNginx(address(), DOMAIN, "/api/health")).status).toBe(200);

    const second: string[] = [];
    const refused = await deployApp(SECOND, { backend: 5372, frontend: 8372 }, second);
    const output = second.join("\n");
    expect(refused.ok).toBe(false);
    expect(output).toContain(`${DOMAIN} is already served by /etc/nginx/conf.d/slipway-${FIRST}.conf`);
    expect(output).toContain("preflight");
    const site = await host.exec(["test", "-e", `/etc/nginx/conf.d/slipway-${SECOND}.conf`], { check: false });
    expect(site.code).not.toBe(0);
    const health = await viaNginx(address(), DOMAIN, "/api/health");
    expect(health.status).toBe(200);
    expect(health.body).toContain(FIRST);
  });
});
