/**
 * `slipway maintenance on|off|status` on a real host (harvest, systemd runtime, sandbox target t1): while on, every
 * route (the home page, the API, an unknown path) answers 503 with Retry-After and the page, the health paths still
 * answer 200 from the app; a deploy while on keeps it on and the new release is checked and switched; off serves the
 * app again. Its --help, --json, a wrong action (usage, 5) and a site rendered without the block (a clear error).
 */
import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config/index.js";
import { deploy } from "../../../src/deploy/index.js";
import type { RemoteHost } from "../../../src/remote/types.js";
import { slipway } from "../../support/cli-in-process.js";
import { REPO_ROOT } from "../support/sandbox.js";
import { cleanHost, connectTarget, writeOverlay } from "./support.js";

const APP = "maintcli";
const DOMAIN = "maintcli.e2e.test";
const PAGE = `/etc/nginx/slipway/${APP}.maintenance.html`;

interface Reply {
  status: number;
  retryAfter?: string;
  contentType?: string;
  body: string;
}

/** GET through t1's nginx with the site's Host; the status, Retry-After and body. */
function get(address: string, path: string): Promise<Reply> {
  return new Promise((resolve) => {
    const req = request({ host: address, port: 80, path, headers: { Host: DOMAIN }, timeout: 5000 }, (res) => {
      let body = "";
      res.on("data", (d: Buffer) => {
        body += d.toString();
      });
      res.on("end", () =>
        resolve({
          status: res.statusCode ?? 0,
          retryAfter: res.headers["retry-after"] as string | undefined,
          contentType: res.headers["content-type"],
          body,
        }),
      );
    });
    req.on("error", (e) => resolve({ status: 0, body: String(e) }));
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.end();
  });
}

describe("maintenance on|off (harvest on t1)", () => {
  let host: RemoteHost;
  let file: string;
  let address: string;
  const c = () => ["-c", file];

  const deployRelease = async (releaseId: string) =>
    deploy({
      config: await loadConfig(file),
      commit: "b".repeat(40),
      actor: "e2e",
      releaseId,
      releaseDir: `${REPO_ROOT}/examples/harvest`,
      secrets: { SECRET_KEY: "e2e" },
      drainSeconds: 1,
    });

  beforeAll(async () => {
    host = await connectTarget("t1");
    await cleanHost(host, APP);
    await host.exec(["rm", "-f", PAGE], { become: true });
    file = writeOverlay("harvest", {
      app: APP,
      domain: DOMAIN,
      target: "t1",
      ports: { backend: 17710, frontend: 17730 },
      healthTimeout: "12s",
    });
    address = (await loadConfig(file)).inventory.hosts.t1?.address as string;
  });

  afterAll(async () => {
    await host.exec(["rm", "-f", PAGE], { become: true, check: false });
    await cleanHost(host, APP);
    await host.close();
  });

  it("--help names on/off and --json; a wrong action is a usage error (5)", async () => {
    const help = await slipway("maintenance", "--help");
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("<on|off|status>");
    expect(help.stdout).toContain("--json");
    const bad = await slipway("maintenance", "up", ...c());
    expect([bad.code, bad.stderr]).toEqual([5, expect.stringContaining("maintenance up: expected on, off or status")]);
  });

  it("on before the site has the maintenance block: host failed (2) with a hint, nothing written", async () => {
    const ran = await slipway("maintenance", "on", ...c());
    expect(ran.code).toBe(2);
    expect(ran.stdout).toContain("t1: failed");
    expect(ran.stdout).toContain("has no maintenance block");
    expect(await host.readFile(PAGE, { become: true })).toBeUndefined();
  });

  it("on: every route 503 with Retry-After and the page; health paths 200; off: 200 again", async () => {
    expect((await deployRelease("maint-v1")).ok).toBe(true);
    expect((await get(address, "/")).status).toBe(200);

    const on = await slipway("maintenance", "on", "--json", ...c());
    expect(on.code).toBe(0);
    expect(JSON.parse(on.stdout)).toEqual([{ host: "t1", maintenance: true, changed: true }]);
    for (const path of ["/", "/api/harvests", "/static/app.js", "/no/such/page"]) {
      const reply = await get(address, path);
      expect([path, reply.status, reply.retryAfter]).toEqual([path, 503, "300"]);
      expect(reply.contentType).toContain("text/html");
      expect(reply.body).toContain("Down for maintenance");
    }
    for (const path of ["/api/health", "/health"])
      expect([path, (await get(address, path)).status]).toEqual([path, 200]);
    // The page's own URI is internal: asked for from outside it is the 503 like any route, never a 200.
    expect((await get(address, "/__slipway/maintenance.html")).status).not.toBe(200);

    const again = await slipway("maintenance", "on", ...c());
    expect([again.code, again.stdout.trim()]).toEqual([0, "t1: maintenance on"]);
    const status = await slipway("maintenance", "status", "--json", ...c());
    expect(JSON.parse(status.stdout)).toEqual([{ host: "t1", maintenance: true, changed: false }]);
    const hostStatus = await slipway("status", ...c());
    expect(hostStatus.stdout.split("\n")[0]).toMatch(/; maintenance on$/);

    const off = await slipway("maintenance", "off", ...c());
    expect([off.code, off.stdout.trim()]).toEqual([0, "t1: maintenance off (changed)"]);
    expect((await get(address, "/")).status).toBe(200);
    expect((await get(address, "/api/harvests")).status).toBe(200);
    expect((await slipway("status", ...c())).stdout.split("\n")[0]).toMatch(/; maintenance off$/);
  }, 240_000);

  it("a deploy while on keeps it on (the new release is checked and switched behind the page); off serves it", async () => {
    expect((await slipway("maintenance", "on", ...c())).code).toBe(0);
    // The plan says so: the deploy keeps the page up.
    process.env.SECRET_KEY ??= "e2e";
    const plan = await slipway("plan", ...c());
    expect(plan.stdout).toContain("maintenance is on: users keep getting the maintenance page (503) after the switch");
    expect(plan.stdout).toContain("(`slipway maintenance off` takes it down)");
    const result = await deployRelease("maint-v2");
    expect(result.ok).toBe(true);
    const during = await get(address, "/");
    expect([during.status, during.retryAfter]).toEqual([503, "300"]);
    expect((await get(address, "/api/health")).status).toBe(200);
    expect((await slipway("maintenance", "off", ...c())).code).toBe(0);
    expect((await get(address, "/")).status).toBe(200);
  }, 240_000);
});
