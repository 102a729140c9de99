/** D18/D10: `slipway remove` takes the socket switch's links in /etc/nginx/slipway with the site. */
import { describe, expect, it } from "vitest";
import { removeApp } from "../../../src/deploy/remove-app.js";
import { socketLinkPaths } from "../../../src/deploy/socket-links.js";
import { FakeHost } from "../engine/fake-host.js";
import { configWith } from "../render/from-config/config.js";

const link = (host: FakeHost, path: string) =>
  host.files.set(path, { kind: "link", mode: "0777", owner: "root", group: "root", target: "/run/slipway/x.sock" });

describe("remove and the socket links", () => {
  it("names the public and the preview link of every routed service", () => {
    expect(socketLinkPaths(configWith({}))).toEqual([
      "/etc/nginx/slipway/shop-api.sock",
      "/etc/nginx/slipway/shop-api.preview.sock",
      "/etc/nginx/slipway/shop-web.sock",
      "/etc/nginx/slipway/shop-web.preview.sock",
    ]);
  });

  it("removes the links present (dangling ones too: tested with -L) with the site, then reloads nginx", async () => {
    const host = new FakeHost("t7");
    link(host, "/etc/nginx/slipway/shop-api.sock");
    link(host, "/etc/nginx/slipway/shop-web.preview.sock");
    const actions = await removeApp(host, configWith({}));
    expect(actions).toContain(
      "remove the nginx files /etc/nginx/slipway/shop-api.sock, /etc/nginx/slipway/shop-web.preview.sock and reload nginx",
    );
    expect(host.ran).toContain("test -L /etc/nginx/slipway/shop-web.sock");
    expect(host.ran).toContain("rm -f -- /etc/nginx/slipway/shop-api.sock /etc/nginx/slipway/shop-web.preview.sock");
    expect(host.ran).toContain("nginx -t");
  });
});
