/** `proxy.static.source`: the tester's missing key; files shipped with the release, served from the live one. */
import { describe, expect, it } from "vitest";
import { staticRoot, staticShipDir } from "../../../../src/render/from-config/nginx.js";
import { configWith } from "./config.js";

describe("proxy.static.source", () => {
  it("serves the live release's copy, the files under the location's path (nginx root appends it)", () => {
    const config = configWith({
      proxy: {
        base_path: "/harvest/",
        domains: ["shop.example.com"],
        routes: [{ path: "/", service: "web" }],
        static: { source: "web/static", path: "/static/" },
      },
    });
    expect(staticRoot(config)).toBe("/opt/shop/current/_static");
    expect(staticShipDir(config)).toBe("_static/harvest/static");
  });

  it("an explicit root stays as written", () => {
    const config = configWith({
      proxy: {
        domains: ["shop.example.com"],
        routes: [{ path: "/", service: "web" }],
        static: { root: "/srv/static" },
      },
    });
    expect(staticRoot(config)).toBe("/srv/static");
  });
});
