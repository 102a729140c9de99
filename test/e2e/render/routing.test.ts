/**
 * Installs the HARVEST-subpath site and two gunicorn units (rendered by Slipway) on a sandbox target and proves the
 * routing with real requests through nginx, then shows that a config nginx rejects leaves the old one serving.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RemoteCommandError } from "../../../src/errors.js";
import { applyNginxSite, applyNginxUpstream, applySystemdUnit } from "../../../src/install/apply.js";
import type { RemoteHost } from "../../../src/remote/types.js";
import { defaultSitePath } from "../../../src/render/nginx-host-files.js";
import { instanceUnitName, renderEnvironmentFile } from "../../../src/render/systemd.js";
import { request } from "./curl.js";
import * as f from "./fixtures.js";
import { connectRenderTarget } from "./sandbox.js";

const units = [instanceUnitName(f.APP, "backend", "blue"), instanceUnitName(f.APP, "frontend", "blue")];

async function waitForPort(host: RemoteHost, port: number): Promise<void> {
  // Polls until gunicorn answers; the hook timeout bounds it.
  for (;;) {
    const probe = await host.exec(["curl", "-s", "-o", "/dev/null", `http://127.0.0.1:${port}/probe`], {
      check: false,
    });
    if (probe.code === 0) return;
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** PIDs of nginx's worker processes (children of the master): a reload replaces all of them. */
async function nginxWorkers(host: RemoteHost): Promise<string[]> {
  const result = await host.exec(["sh", "-c", 'pgrep -P "$(cat /run/nginx.pid)" | sort'], { become: true });
  return result.stdout.trim().split("\n");
}

describe("rendered site and units on a target", () => {
  let host: RemoteHost;
  const get = (path: string, options?: Parameters<typeof request>[3]) => request(host, f.SERVER_NAME, path, options);

  beforeAll(async () => {
    ({ host } = await connectRenderTarget());
    const sudo = { become: true };
    await host.exec(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", f.APP], {
      ...sudo,
      check: false,
    });
    // /var/lib/<app> (the unit's ReadWritePaths) is not created here: the unit creates it, owned by the service.
    await host.exec(["rm", "-rf", "--", `/var/lib/${f.APP}`], sudo);
    await host.exec(["mkdir", "-p", f.APP_DIR, f.ENV_DIR, `${f.STATIC_ROOT}/static`], sudo);
    await host.putFile(`${f.APP_DIR}/echo_app.py`, readFileSync(join(import.meta.dirname, "echo_app.py")), {
      ...sudo,
      mode: 0o644,
    });
    for (const [service, port] of [
      ["backend", f.BACKEND_PORT],
      ["frontend", f.FRONTEND_PORT],
    ] as const) {
      await host.putFile(
        `${f.ENV_DIR}/${service}-blue.env`,
        renderEnvironmentFile({ PORT: port, E2E_TRICKY_FILE: f.TRICKY_ENV_FILE_VALUE }),
        {
          ...sudo,
          mode: 0o600,
        },
      );
      await applySystemdUnit(host, f.unitModel(service), { become: true });
    }
    await host.exec(["systemctl", "restart", ...units], sudo);
    await waitForPort(host, f.BACKEND_PORT);
    await waitForPort(host, f.FRONTEND_PORT);
    await host.putFile(`${f.STATIC_ROOT}/static/app.css`, "body { color: teal; }\n", { ...sudo, mode: 0o644 });
    await host.exec(["mkdir", "-p", `${f.ACME_ROOT}/.well-known/acme-challenge`], sudo);
    await host.putFile(`${f.ACME_ROOT}/.well-known/acme-challenge/tok123`, "tok123.key\n", { ...sudo, mode: 0o644 });
    await applyNginxSite(host, f.siteModel(), { become: true });
  });

  afterAll(async () => {
    if (!host) return;
    const sudo = { become: true, check: false };
    await host.exec(["systemctl", "stop", ...units], sudo);
    await host.exec(
      [
        "rm",
        "-rf",
        "--",
        defaultSitePath(f.APP),
        `${defaultSitePath(f.APP)}.slipway-prev`,
        `/etc/nginx/slipway/${f.APP}-backend.upstream.conf`,
        `/etc/nginx/slipway/${f.APP}-backend.upstream.conf.slipway-prev`,
        `/etc/nginx/slipway/${f.APP}-frontend.upstream.conf`,
        `/etc/systemd/system/${f.APP}-backend@.service`,
        `/etc/systemd/system/${f.APP}-frontend@.service`,
        `/opt/${f.APP}`,
        f.ENV_DIR,
        `/srv/${f.APP}`,
        f.ACME_ROOT,
        `/var/lib/${f.APP}`,
      ],
      sudo,
    );
    await host.exec(["systemctl", "daemon-reload"], sudo);
    await host.exec(["systemctl", "reload", "nginx"], sudo);
    await host.close();
  });

  it("the units created their ReadWritePaths directory, owned by the service user, before starting", async () => {
    const stat = await host.exec(["stat", "-c", "%U:%G %a", `/var/lib/${f.APP}`], { become: true });
    expect(stat.stdout.trim()).toBe(`${f.APP}:${f.APP} 750`);
  });

  it("sends /harvest/api/health to the backend's /api/health", async () => {
    const response = await get("/harvest/api/health");
    expect(response.status, response.body).toBe(200);
    expect(JSON.parse(response.body)).toMatchObject({ path: "/api/health", method: "GET" });
    expect(response.headers.get("x-frame-options")).toBe("SAMEORIGIN");
  });

  it("serves the subpath frontend with X-Script-Name, and its asset URL resolves through nginx", async () => {
    const page = await get("/harvest/");
    expect(page.status).toBe(200);
    const asset = page.body.match(/src="([^"]+)"/)?.[1];
    expect(asset).toBe("/harvest/assets/app.js");
    const js = await get(asset as string);
    expect(js.status).toBe(200);
    expect(js.body).toContain("console.log('asset')");
  });

  it("answers a CORS preflight from the allowed origin with 204 and that origin", async () => {
    const response = await get("/harvest/api/items", { method: "OPTIONS", headers: { Origin: f.ALLOWED_ORIGIN } });
    expect(response.status).toBe(204);
    expect(response.headers.get("access-control-allow-origin")).toBe(f.ALLOWED_ORIGIN);
    expect(response.headers.get("access-control-allow-methods")).toBe("GET, POST, OPTIONS");
  });

  it("refuses a preflight from another origin with 403 and no CORS headers; a plain OPTIONS is still a preflight answer", async () => {
    const response = await get("/harvest/api/items", {
      method: "OPTIONS",
      headers: { Origin: "https://evil.example" },
    });
    expect(response.status).toBe(403);
    expect(response.headers.has("access-control-allow-origin")).toBe(false);
    expect(response.headers.has("access-control-allow-methods")).toBe(false);
    // OPTIONS without an Origin is no cross-origin request: not refused.
    expect((await get("/harvest/api/items", { method: "OPTIONS" })).status).toBe(204);
  });

  it("passes websocket upgrade headers to the app", async () => {
    const response = await get("/harvest/_dash-update", { headers: { Upgrade: "websocket", Connection: "Upgrade" } });
    expect(JSON.parse(response.body)).toMatchObject({
      path: "/_dash-update",
      upgrade: "websocket",
      connection: "upgrade",
    });
  });

  it("answers 429 past the rate limit", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await get("/limited/x")).status);
    expect(statuses).toContain(429);
    expect(statuses.filter((s) => s !== 429 && s !== 200)).toEqual([]);
  });

  it("answers 404 for /.git/config and other dotfiles (deny_dotfiles: as if absent)", async () => {
    expect((await get("/.git/config")).status).toBe(404);
    expect((await get("/harvest/.env")).status).toBe(404);
  });

  it("serves a static file from nginx with its expires header, and falls back to the app otherwise", async () => {
    const css = await get("/static/app.css");
    expect(css.status).toBe(200);
    expect(css.body).toBe("body { color: teal; }\n");
    expect(css.headers.get("cache-control")).toBe("max-age=604800");
    expect(css.headers.has("expires")).toBe(true);
    const gzipped = await get("/static/app.css", { headers: { "Accept-Encoding": "gzip" } });
    expect(gzipped.headers.get("content-encoding")).toBe("gzip");
    const missing = await get("/static/nope.css");
    expect(JSON.parse(missing.body)).toMatchObject({ path: "/static/nope.css" });
    expect(missing.headers.has("expires")).toBe(false);
  });

  it("serves the ACME webroot even though dotfiles are denied", async () => {
    const response = await get("/.well-known/acme-challenge/tok123");
    expect(response.status).toBe(200);
    expect(response.body).toBe("tok123.key\n");
  });

  it("refuses a body over client_max_body_size", async () => {
    expect((await get("/harvest/api/upload", { method: "POST", data: "x".repeat(4096) })).status).toBe(413);
  });

  it("passes Environment and EnvironmentFile values with quotes, $, % and backslashes to the app literally", async () => {
    const direct = await host.exec(["curl", "-s", `http://127.0.0.1:${f.BACKEND_PORT}/env`]);
    expect(JSON.parse(direct.stdout)).toEqual({
      tricky: 'quote " dollar $HOME percent %i backslash \\',
      tricky_file: f.TRICKY_ENV_FILE_VALUE,
      port: String(f.BACKEND_PORT),
    });
  });

  it("changes nothing and reloads nothing when the same site is applied again", async () => {
    const workersBefore = await nginxWorkers(host);
    const result = await applyNginxSite(host, f.siteModel(), { become: true });
    expect(result).toEqual({ changed: false, files: [], diff: "" });
    // A reload would have replaced every worker process.
    expect(await nginxWorkers(host)).toEqual(workersBefore);
  });

  it("switches the backend upstream to another port by rewriting only its include file, and back", async () => {
    const includeDir = "/etc/nginx/slipway";
    const upstream = (port: number) => ({ service: "backend", keepalive: 4, servers: [{ host: "127.0.0.1", port }] });
    const livePort = async () => JSON.parse((await get("/env")).body).port;
    expect(await livePort()).toBe(String(f.BACKEND_PORT));

    const switched = await applyNginxUpstream(host, f.APP, upstream(f.FRONTEND_PORT), includeDir, { become: true });
    expect(switched.files.map((file) => file.path)).toEqual([`${includeDir}/${f.APP}-backend.upstream.conf`]);
    expect(switched.diff).toContain(`+    server 127.0.0.1:${f.FRONTEND_PORT};`);
    expect(await livePort()).toBe(String(f.FRONTEND_PORT));

    const back = await applyNginxUpstream(host, f.APP, upstream(f.BACKEND_PORT), includeDir, { become: true });
    expect(back.changed).toBe(true);
    expect(await livePort()).toBe(String(f.BACKEND_PORT));
  });

  it("keeps the previous config active and serving when nginx -t fails, showing nginx's message", async () => {
    const liveBefore = (await host.readFile(`/etc/nginx/slipway/${f.APP}-backend.upstream.conf`))?.toString();
    const error = await applyNginxSite(host, f.siteModel("no-such-host.invalid"), { become: true }).catch((e) => e);
    expect(error).toBeInstanceOf(RemoteCommandError);
    expect((error as RemoteCommandError).stderrTail).toContain("host not found in upstream");
    const liveAfter = (await host.readFile(`/etc/nginx/slipway/${f.APP}-backend.upstream.conf`))?.toString();
    expect(liveAfter).toBe(liveBefore);
    expect((await get("/harvest/api/health")).status).toBe(200);
  });

  it("runs the units with a systemd-analyze security exposure of 4.0 or lower", async () => {
    const result = await host.exec(["systemd-analyze", "security", "--no-pager", units[0] as string], { become: true });
    const exposure = Number(result.stdout.match(/Overall exposure level for \S+: ([0-9.]+)/)?.[1]);
    console.log(`systemd-analyze security ${units[0]}: ${exposure}`);
    expect(exposure).toBeLessThanOrEqual(4.0);
    const active = await host.exec(["systemctl", "is-active", ...units], { check: false });
    expect(active.stdout.trim().split("\n")).toEqual(["active", "active"]);
  });
});
