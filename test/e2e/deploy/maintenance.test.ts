/**
 * `slipway maintenance on|off|status` on a real host (harvest, systemd runtime, sandbox target t1): while on, every
 * route (the home page, the API, an unknown path) answers 503 with Retry-After and the page, the health paths still
 * answer 200 from the app; a deploy while on keeps it on and the new release is checked and switched; off serves the
 * app again. Its --help, --json, a wrong action (usage, 5) and a site rendered without the block (a clear error).
 */
import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config/index.js";
import type { DeployEvent } from "../../../src/deploy/events.js";
import { deploy } from "../../../src/deploy/index.js";
import type { RemoteHost } from "../../../src/remote/types.js";
import { slipway } from "../../support/cli-in-process.js";
import { REPO_ROOT } from "../support/sandbox.js";
import { cleanHost, connectTarget, writeOverlay } from "./support.js";

const APP = "maintcli";
const DOMAIN = "maintcli.e2e.test";
const PAGE = `/etc/nginx/slipway/${APP}.maintenance.html`;

const TOKEN_FILE = `/etc/nginx/slipway/${APP}-maintenance-bypass.conf`;

interface Reply {
  status: number;
  retryAfter?: string;
  contentType?: string;
  color?: string;
  body: string;
}

/** GET through t1's nginx with the site's Host (and `headers`); the status, Retry-After, color header and body. */
function get(address: string, path: string, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve) => {
    const options = { host: address, port: 80, path, headers: { Host: DOMAIN, ...headers }, timeout: 5000 };
    const req = request(options, (res) => {
      let body = "";
      res.on("data", (d: Buffer) => {
        body += d.toString();
      });
      res.on("end", () =>
        resolve({
          status: res.statusCode ?? 0,
          retryAfter: res.headers["retry-after"] as string | undefined,
          contentType: res.headers["content-type"],
          // "<app>/<color>" (D84): the color alone, as the deploy's result names it.
          color: (res.headers["x-slipway-color"] as string | undefined)?.split("/").pop(),
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

  const deployRelease = async (releaseId: string, commit = "b".repeat(40), onEvent?: (e: DeployEvent) => void) =>
    deploy({
      config: await loadConfig(file),
      commit,
      actor: "e2e",
      releaseId,
      releaseDir: `${REPO_ROOT}/examples/harvest`,
      secrets: { SECRET_KEY: "e2e" },
      drainSeconds: 1,
      ...(onEvent ? { onEvent } : {}),
    });
  /** The host's bypass token, read as root (null: none). */
  const tokenOnHost = async () =>
    /"([0-9a-f]{32})"/.exec(String(await host.readFile(TOKEN_FILE, { become: true })))?.[1];

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
    const first = await deployRelease("maint-v1");
    expect(first.ok, JSON.stringify(first.hosts)).toBe(true);
    expect((await get(address, "/")).status).toBe(200);

    const on = await slipway("maintenance", "on", "--json", ...c());
    expect(on.code).toBe(0);
    expect(JSON.parse(on.stdout)).toEqual([{ host: "t1", maintenance: true, changed: true, retryAfterSeconds: 300 }]);
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
  it("a deploy of a new release while on passes its route checks (a data path) with the host's token, never shown", async () => {
    const token = await tokenOnHost();
    expect(token).toMatch(/^[0-9a-f]{32}$/);
    // Root's alone: nginx's master reads it; no other user on the host can.
    const mode = await host.exec(["stat", "-c", "%a %U", TOKEN_FILE], { become: true });
    expect(mode.stdout.trim()).toBe("600 root");
    expect((await slipway("maintenance", "on", ...c())).code).toBe(0);
    const before = await get(address, "/api/harvests", { "X-Slipway-Maintenance-Bypass": token as string });
    const live = before.color;
    expect([before.status, live]).toEqual([200, expect.stringMatching(/^(blue|green)$/)]);

    process.env.SECRET_KEY ??= "e2e";
    const plan = await slipway("plan", ...c());
    expect(plan.stdout + plan.stderr).toContain("pass the page with this host's bypass token");
    expect(plan.stdout + plan.stderr).not.toContain(token);

    const events: DeployEvent[] = [];
    const result = await deployRelease("maint-v3", "c".repeat(40), (e) => events.push(e));
    const shown = JSON.stringify(events);
    expect(result.ok, shown.slice(-2000)).toBe(true);
    expect(shown).toContain("verified the public routes through nginx");
    expect(shown).not.toContain(token);
    const next = result.hosts[0]?.color;
    expect(next).not.toBe(live);
    // The site was re-rendered and reloaded: the token is the one made before.
    expect(await tokenOnHost()).toBe(token);

    // Users still get the page; a wrong token is no token; the right one reaches the new release.
    const wrong: Record<string, string> = { "X-Slipway-Maintenance-Bypass": "0".repeat(32) };
    for (const headers of [{}, wrong]) {
      const reply = await get(address, "/api/harvests", headers);
      expect([reply.status, reply.retryAfter, reply.body.includes("Down for maintenance")]).toEqual([503, "300", true]);
    }
    const behind = await get(address, "/api/harvests", { "X-Slipway-Maintenance-Bypass": token as string });
    expect([behind.status, behind.color]).toEqual([200, next]);

    expect((await slipway("maintenance", "off", ...c())).code).toBe(0);
    const after = await get(address, "/api/harvests");
    expect([after.status, after.color]).toEqual([200, next]);
  }, 300_000);
  it("on --retry-after sets the page's Retry-After (a validated reload); on without it goes back to 300", async () => {
    const bad = await slipway("maintenance", "off", "--retry-after", "1m", ...c());
    expect([bad.code, bad.stderr]).toEqual([
      5,
      expect.stringContaining("--retry-after is a setting of maintenance on"),
    ]);
    const unitless = await slipway("maintenance", "on", "--retry-after", "600", ...c());
    expect([unitless.code, unitless.stderr]).toEqual([5, expect.stringContaining('expected a duration like "30s"')]);

    const on = await slipway("maintenance", "on", "--retry-after", "10m", ...c());
    expect([on.code, on.stdout.trim()]).toEqual([0, "t1: maintenance on, Retry-After 600 (changed)"]);
    const page = await get(address, "/");
    expect([page.status, page.retryAfter, page.body.includes("Down for maintenance")]).toEqual([503, "600", true]);
    const same = await slipway("maintenance", "on", "--retry-after", "10m", ...c());
    expect(same.stdout.trim()).toBe("t1: maintenance on, Retry-After 600");

    const back = await slipway("maintenance", "on", "--json", ...c());
    expect(JSON.parse(back.stdout)).toEqual([
      { host: "t1", maintenance: true, changed: true, retryAfterSeconds: 300, previousOwner: "user" },
    ]);
    expect((await get(address, "/")).retryAfter).toBe("300");
    expect((await slipway("maintenance", "off", ...c())).code).toBe(0);
    expect((await get(address, "/")).status).toBe(200);
  }, 120_000);
});
