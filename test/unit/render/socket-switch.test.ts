/** The reload-free switch's pieces: where links and listeners are, what the host gets for the socket directory. */
import { describe, expect, it } from "vitest";
import { pointLinksArgv } from "../../../src/commands/nginx.js";
import { socketLinks } from "../../../src/deploy/socket-links.js";
import { nginxSiteFromConfig } from "../../../src/render/from-config/index.js";
import { renderNginxFiles } from "../../../src/render/nginx.js";
import { nginxSocketsDropIn, tmpfilesLine, tmpfilesPath } from "../../../src/render/nginx-host-files.js";
import { loadConfigText } from "../../support/config-text.js";

async function shop(extra = "") {
  return loadConfigText(
    `app: shop
services:
  web: { build: { context: web }, port: 5001 }
  api: { build: { context: api }, port: 6001 }
inventory: { ssh: { user: deploy }, hosts: { h1: { address: 10.0.0.1 } } }
proxy:
  domains: [shop.example]
  routes: [{ path: /, service: web }, { path: /api/, service: api }]
${extra}`,
  );
}

describe("switch by socket links", () => {
  it("points the public links at the live color's listeners and the preview's at the other color", async () => {
    expect(socketLinks(await shop(), "green")).toEqual([
      { link: "/etc/nginx/slipway/shop-web.sock", target: "/run/slipway/shop-web-green.sock" },
      { link: "/etc/nginx/slipway/shop-web.preview.sock", target: "/run/slipway/shop-web-blue.sock" },
      { link: "/etc/nginx/slipway/shop-api.sock", target: "/run/slipway/shop-api-green.sock" },
      { link: "/etc/nginx/slipway/shop-api.preview.sock", target: "/run/slipway/shop-api-blue.sock" },
    ]);
    const links = socketLinks(await shop("  preview: false\n"), "blue");
    expect(pointLinksArgv(links, "set").slice(3)).toEqual([
      "sh",
      "set",
      "/run/slipway/shop-web-blue.sock",
      "/etc/nginx/slipway/shop-web.sock",
      "/run/slipway/shop-api-blue.sock",
      "/etc/nginx/slipway/shop-api.sock",
    ]);
  });

  it("renders files that do not depend on the live color; each color's listener names itself", async () => {
    const config = await shop();
    const render = (color: "blue" | "green") =>
      renderNginxFiles(
        nginxSiteFromConfig(config, { color, tlsReady: false }) as NonNullable<ReturnType<typeof nginxSiteFromConfig>>,
        "/etc/nginx/conf.d/slipway-shop.conf",
      );
    expect(render("blue")).toEqual(render("green"));
    const files = Object.fromEntries(render("blue").map((f) => [f.path, f.content]));
    expect(files["/etc/nginx/slipway/shop-web.upstream.conf"]).toContain(
      "upstream shop_web {\n    server unix:/etc/nginx/slipway/shop-web.sock;\n}",
    );
    expect(files["/etc/nginx/slipway/shop-web.green.upstream.conf"]).toContain(
      "upstream shop_web_green {\n    server 127.0.0.1:15001;\n}",
    );
    const site = files["/etc/nginx/conf.d/slipway-shop.conf"] ?? "";
    expect(site).toContain(
      "    listen unix:/run/slipway/shop-api-green.sock;\n    access_log off;\n    client_max_body_size 0;\n",
    );
    expect(site).toContain(
      '        add_header X-Slipway-Color "shop/green" always;\n        proxy_pass http://shop_api_green;\n',
    );
    // Only the four listeners name a color: the public and preview blocks pass the listener's header through.
    expect(site.match(/X-Slipway-Color/g)).toHaveLength(4);
  });

  it("proxy.switch reload keeps the color in the files", async () => {
    const config = await shop("  switch: reload\n");
    const site = nginxSiteFromConfig(config, { color: "green", tlsReady: false });
    expect(site?.colorSockets).toBeUndefined();
    expect(site?.upstreams[0]?.servers).toEqual([{ host: "127.0.0.1", port: 15001 }]);
  });

  it("makes the socket directory at boot and clears a killed nginx's sockets before a fresh start", () => {
    expect(tmpfilesPath("/run/slipway")).toBe("/etc/tmpfiles.d/slipway-run-slipway.conf");
    expect(tmpfilesLine("/run/slipway")).toBe(
      "# Managed by Slipway: nginx's per-color listeners (proxy.switch socket) live here.\nd /run/slipway 0755 root root -\n",
    );
    expect(nginxSocketsDropIn("/run/slipway")).toBe(
      "# Managed by Slipway: a killed nginx leaves its unix listeners behind, and a new one cannot bind them.\n[Service]\nExecStartPre=/bin/sh -c 'rm -f /run/slipway/*.sock'\n",
    );
  });
});
