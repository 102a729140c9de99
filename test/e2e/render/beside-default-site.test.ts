import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfigText } from "../../../src/config/load.js";
import { applyNginxSite } from "../../../src/install/apply.js";
import type { RemoteHost } from "../../../src/remote/types.js";
import { nginxSiteFromConfig } from "../../../src/render/from-config/index.js";
import { defaultSitePath } from "../../../src/render/nginx-host-files.js";
import { request } from "./curl.js";
import { connectRenderTarget, startCorsApp, token } from "./sandbox.js";

const APP = "besidee2e";
const PORT = 15911;
const ORIGIN = "https://app.beside.e2e.test";
const WEBROOT = `/var/www/${APP}-acme`;

function config(address: string) {
  return parseConfigText(
    `app: ${APP}
runtime: systemd
services:
  web:
    build: { context: . }
    port: ${PORT}
    systemd: { app_module: "app:app", user: ${APP} }
inventory:
  hosts:
    t: { address: "${address}" }
proxy:
  routes: [{ path: /, service: web }]
  # These tests install the rendered site and start the app on its port themselves: no deploy moves socket links.
  switch: reload
  cors: { origins: ["${ORIGIN}"], credentials: true }
tls: { webroot: ${WEBROOT} }
`,
    "/tmp/slipway.yml",
  );
}

describe("the site beside Debian's default site", () => {
  let host: RemoteHost;
  let address: string;
  const unit = `${APP}-${token()}`;
  const sudo = { become: true };

  beforeAll(async () => {
    ({ host, address } = await connectRenderTarget());
    await startCorsApp(host, unit, PORT);
    // Debian's default site as a fresh server has it: enabled (the bootstrap test, if it ran first, disabled it).
    await host.exec(["ln", "-sfn", "/etc/nginx/sites-available/default", "/etc/nginx/sites-enabled/default"], sudo);
    await host.exec(["systemctl", "reload", "nginx"], sudo);
    await host.exec(["mkdir", "-p", `${WEBROOT}/.well-known/acme-challenge`], sudo);
    await host.putFile(`${WEBROOT}/.well-known/acme-challenge/tok-e2e`, "tok-e2e.key\n", { ...sudo, mode: 0o644 });
    const model = nginxSiteFromConfig(config(address), { color: "blue", tlsReady: false });
    if (!model) throw new Error("expected a site");
    await applyNginxSite(host, model, sudo);
  });

  afterAll(async () => {
    if (!host) return;
    const quiet = { become: true, check: false };
    await host.exec(["systemctl", "stop", unit], quiet);
    const site = defaultSitePath(APP);
    const upstream = `/etc/nginx/slipway/${APP}-web.upstream.conf`;
    await host.exec(
      [
        "rm",
        "-rf",
        "--",
        site,
        `${site}.slipway-prev`,
        upstream,
        `${upstream}.slipway-prev`,
        WEBROOT,
        `/opt/${unit}.py`,
      ],
      quiet,
    );
    await host.exec(["systemctl", "reload", "nginx"], quiet);
    await host.close();
  });

  it("Debian's default site is enabled and both listen on IPv4 and IPv6", async () => {
    const dump = (await host.exec(["nginx", "-T"], sudo)).stdout;
    expect(dump).toContain("# configuration file /etc/nginx/sites-enabled/default:");
    expect(dump).toContain("listen [::]:80 default_server;");
    expect(dump).toContain(`server_name ${address};`);
    expect(dump).toMatch(/listen 80;\n\s+listen \[::\]:80;\n\s+server_name 10\.213\.0\.\d+;/);
  });

  it("requests by the host's address reach the app, not the welcome page; other names keep the default site", async () => {
    const mine = await request(host, address, "/");
    expect(mine.status).toBe(200);
    expect(JSON.parse(mine.body)).toEqual({ app: "cors_app", path: "/" });
    const other = await request(host, "other.beside.e2e.test", "/");
    expect(other.body).toContain("Welcome to nginx");
  });

  it("over IPv6 ([::1] on the target) the site's name reaches the app, other names Debian's default site", async () => {
    // The targets boot with IPv6 off on loopback: turn it on for this request and put back what was there.
    const key = "net.ipv6.conf.lo.disable_ipv6";
    const before = (await host.exec(["sysctl", "-n", key], sudo)).stdout.trim();
    try {
      if (before !== "0") await setLoopbackIpv6Disabled(host, "0");
      await waitForLoopbackV6(host);
      const mine = await request(host, address, "/", { address: "[::1]" });
      expect(mine.status).toBe(200);
      expect(JSON.parse(mine.body)).toEqual({ app: "cors_app", path: "/" });
      const acme = await request(host, address, "/.well-known/acme-challenge/tok-e2e", { address: "[::1]" });
      expect(acme).toMatchObject({ status: 200, body: "tok-e2e.key\n" });
      const other = await request(host, "other.beside.e2e.test", "/", { address: "[::1]" });
      expect(other.body).toContain("Welcome to nginx");
    } finally {
      if (before !== "0") await setLoopbackIpv6Disabled(host, before);
    }
    expect((await host.exec(["sysctl", "-n", key], sudo)).stdout.trim()).toBe(before);
  });

  it("dotfiles are 404 (not 403); /.well-known/ reaches the app; ACME comes from the webroot", async () => {
    for (const path of ["/.git/config", "/.env", "/sub/.htaccess", "/.well-known/../.git/config"]) {
      expect((await request(host, address, path)).status, path).toBe(404);
    }
    for (const path of [
      "/.well-known/openid-configuration",
      "/.well-known/security.txt",
      "/.well-known/assetlinks.json",
    ]) {
      const response = await request(host, address, path);
      expect(response.status, path).toBe(200);
      expect(JSON.parse(response.body)).toEqual({ app: "cors_app", path });
    }
    const acme = await request(host, address, "/.well-known/acme-challenge/tok-e2e");
    expect(acme).toMatchObject({ status: 200, body: "tok-e2e.key\n" });
  });

  it("an app setting its own CORS headers: each Access-Control-* header once, Vary merged once", async () => {
    const raw = (
      await host.exec([
        "curl",
        "-sS",
        "-D",
        "-",
        "-o",
        "/dev/null",
        "-H",
        `Host: ${address}`,
        "-H",
        `Origin: ${ORIGIN}`,
        "http://127.0.0.1/",
      ])
    ).stdout;
    const lines = raw.split("\r\n").map((l) => l.toLowerCase());
    const named = (name: string) => lines.filter((l) => l.startsWith(`${name}:`));
    expect(named("access-control-allow-origin")).toEqual([`access-control-allow-origin: ${ORIGIN}`]);
    expect(named("access-control-allow-credentials")).toEqual(["access-control-allow-credentials: true"]);
    expect(named("vary")).toEqual(["vary: origin, cookie"]);
    const foreign = await request(host, address, "/", { headers: { Origin: "https://evil.example" } });
    expect(foreign.headers.has("access-control-allow-origin")).toBe(false);
  });
});

/**
 * Docker mounts /proc/sys read-only in the targets (sysctl -w is refused); with CAP_SYS_ADMIN a fresh procfs mount
 * of the same namespaces is writable, and the network sysctls it shows are the target's own.
 */
async function setLoopbackIpv6Disabled(host: RemoteHost, value: string): Promise<void> {
  const script =
    'd=$(mktemp -d) && mount -t proc proc "$d" || exit 1; echo "$1" > "$d/sys/net/ipv6/conf/lo/disable_ipv6"; rc=$?; umount "$d"; rmdir "$d"; exit $rc';
  await host.exec(["sh", "-c", script, "sh", value], { become: true });
}

/** ::1 appears on lo once IPv6 is on there (the kernel adds it; give it up to 5 s). */
async function waitForLoopbackV6(host: RemoteHost): Promise<void> {
  for (let i = 0; i < 50; i += 1) {
    const addr = await host.exec(["ip", "-6", "addr", "show", "dev", "lo"], { check: false });
    if (addr.stdout.includes("::1/128")) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("::1 did not appear on lo after net.ipv6.conf.lo.disable_ipv6=0");
}
