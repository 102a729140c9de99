import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfigText } from "../../../src/config/load.js";
import { applyNginxSite } from "../../../src/install/apply.js";
import type { RemoteHost } from "../../../src/remote/types.js";
import { nginxSiteFromConfig } from "../../../src/render/from-config/index.js";
import { defaultSitePath } from "../../../src/render/nginx-host-files.js";
import { request } from "./curl.js";
import { connectRenderTarget, startCorsApp, token } from "./sandbox.js";

const APP = "staticbasee2e";
const NAME = "static.e2e.test";
const PORT = 15921;
const ROOT = `/srv/${APP}`;

describe("static files next to a base_path app (seed 002), gzip.min_length", () => {
  let host: RemoteHost;
  const unit = `${APP}-${token()}`;
  const sudo = { become: true };

  beforeAll(async () => {
    ({ host } = await connectRenderTarget());
    await startCorsApp(host, unit, PORT);
    // try_files looks up root + the whole URI.
    await host.exec(["mkdir", "-p", `${ROOT}/harvest/static`], sudo);
    await host.putFile(`${ROOT}/harvest/static/big.css`, `${"body { color: teal; }\n".repeat(100)}`, {
      ...sudo,
      mode: 0o644,
    });
    await host.putFile(`${ROOT}/harvest/static/small.css`, "a{}\n", { ...sudo, mode: 0o644 });
    const config = parseConfigText(
      `app: ${APP}
runtime: systemd
services:
  web:
    build: { context: . }
    port: ${PORT}
    systemd: { app_module: "app:app", user: ${APP} }
inventory: { hosts: { t: { address: 10.213.0.15 } } }
proxy:
  domains: [${NAME}]
  base_path: /harvest/
  routes: [{ path: /, service: web }]
  # These tests install the rendered site and start the app on its port themselves: no deploy moves socket links.
  switch: reload
  static: { root: ${ROOT}, path: /static/ }
  gzip: { types: [text/css], min_length: 1000 }
`,
      "/tmp/slipway.yml",
    );
    const model = nginxSiteFromConfig(config, { color: "blue", tlsReady: false });
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
      ["rm", "-rf", "--", site, `${site}.slipway-prev`, upstream, `${upstream}.slipway-prev`, ROOT, `/opt/${unit}.py`],
      quiet,
    );
    await host.exec(["systemctl", "reload", "nginx"], quiet);
    await host.close();
  });

  it("a file on disk is served by nginx; a miss reaches the app without the base path", async () => {
    const hit = await request(host, NAME, "/harvest/static/small.css");
    expect(hit).toMatchObject({ status: 200, body: "a{}\n" });
    const miss = await request(host, NAME, "/harvest/static/app.js");
    expect(miss.status).toBe(200);
    expect(JSON.parse(miss.body)).toEqual({ app: "cors_app", path: "/static/app.js" });
    const page = await request(host, NAME, "/harvest/report");
    expect(JSON.parse(page.body)).toEqual({ app: "cors_app", path: "/report" });
  });

  it("gzip above min_length only", async () => {
    const gz = { headers: { "Accept-Encoding": "gzip" } };
    expect((await request(host, NAME, "/harvest/static/big.css", gz)).headers.get("content-encoding")).toBe("gzip");
    expect((await request(host, NAME, "/harvest/static/small.css", gz)).headers.has("content-encoding")).toBe(false);
  });
});
