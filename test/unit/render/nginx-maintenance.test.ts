/** The maintenance page's nginx parts: which URIs stay open, where the page is, what a bad open path gets. */
import { describe, expect, it } from "vitest";
import { formatMaintenance } from "../../../src/deploy/maintenance.js";
import { nginxSiteFromConfig } from "../../../src/render/from-config/index.js";
import { renderNginxSite } from "../../../src/render/nginx.js";
import {
  maintenanceBypassFile,
  maintenanceBypassPath,
  maintenanceMapView,
  maintenancePagePath,
  maintenanceRetryAfterFile,
  maintenanceRetryAfterPath,
  parseMaintenanceBypass,
} from "../../../src/render/nginx-maintenance.js";
import { loadConfigText } from "../../support/config-text.js";

async function shop(webHealth: string) {
  const config = await loadConfigText(
    `app: shop
services:
  web: { build: { context: web }, port: 5001, health: { path: "${webHealth}" } }
  api: { build: { context: api }, port: 6001, health: { path: /api/health } }
inventory: { ssh: { user: deploy }, hosts: { h1: { address: 10.0.0.1 } } }
proxy:
  domains: [shop.example]
  routes: [{ path: /, service: web }, { path: /api/, service: api }]
`,
  );
  const site = nginxSiteFromConfig(config, { color: "blue", tlsReady: false });
  if (!site) throw new Error("no site");
  return site;
}

describe("maintenance page in the nginx site", () => {
  it("opens each health path and never /", async () => {
    const site = await shop("/");
    expect(site.maintenance).toEqual({ openPaths: ["/api/health"], retryAfterSeconds: 300 });
    expect(maintenanceMapView(site, "shop")).toEqual({
      uriVariable: "$shop_maintenance_uri_page",
      variable: "$shop_maintenance_page",
      bypassHeader: "$http_x_slipway_maintenance_bypass",
      bypassInclude: "/etc/nginx/slipway/shop-maintenance-bypass.*conf",
      retryAfter: {
        key: "retry-after",
        variable: "$shop_maintenance_retry_after",
        default: 300,
        include: "/etc/nginx/slipway/shop-maintenance-retry-after.*conf",
      },
      page: "/etc/nginx/slipway/shop.maintenance.html",
      uri: "/__slipway/maintenance.html",
      openPaths: ["/api/health"],
    });
  });

  it("opens a health path with a query as its path: nginx matches $uri, which has none (trial 7)", async () => {
    const text = renderNginxSite(await shop("/health:ready?full=1&x=y"));
    expect(text).toContain('    "/health:ready" "";\n    "/api/health" "";\n');
    expect(text).not.toContain("full=1");
  });

  it("answers 503 from the public server only, not the deploy's preview listener", async () => {
    const text = renderNginxSite(await shop("/healthz"));
    expect(text).toContain('    "/healthz" "";\n');
    expect(text.match(/if \(-f \$shop_maintenance_page\) \{\n {8}return 592;/g)).toHaveLength(1);
    const preview = text.slice(text.indexOf("listen 127.0.0.1:"));
    expect(preview.split("\nserver {")[0]).not.toContain("maintenance_page");
  });

  it("only the maintenance test's answer becomes the page: no error_page for nginx's own 503", async () => {
    const text = renderNginxSite(await shop("/healthz"));
    expect(text.match(/^ *error_page .*$/gm)?.map((l) => l.trim())).toEqual([
      "error_page 592 =503 /__slipway/maintenance.html;",
    ]);
    expect(text).not.toMatch(/error_page[^;=]*\b503\b/);
  });

  it("the bypass token's map: the token file (a glob only it matches) maps the header to no page", async () => {
    const text = renderNginxSite(await shop("/healthz"));
    expect(text).toContain(
      [
        "map $http_x_slipway_maintenance_bypass $shop_maintenance_page {",
        "    volatile;",
        "    default $shop_maintenance_uri_page;",
        "    include /etc/nginx/slipway/shop-maintenance-bypass.*conf;",
        "}",
      ].join("\n"),
    );
    // Dropped in every location that proxies (public and preview; the color listeners get what these pass on): the
    // app never sees the token.
    const proxied = text.match(/proxy_set_header X-Forwarded-Proto /g)?.length ?? 0;
    expect(text.match(/proxy_set_header X-Slipway-Maintenance-Bypass "";/g)).toHaveLength(proxied);
    expect(proxied).toBeGreaterThan(0);
  });

  it("Retry-After: the site's default unless the file `maintenance on --retry-after` writes says otherwise", async () => {
    const text = renderNginxSite(await shop("/healthz"));
    expect(text).toContain(
      [
        'map "retry-after" $shop_maintenance_retry_after {',
        "    default 300;",
        "    include /etc/nginx/slipway/shop-maintenance-retry-after.*conf;",
        "}",
      ].join("\n"),
    );
    expect(text).toContain("add_header Retry-After $shop_maintenance_retry_after always;");
    expect(maintenanceRetryAfterFile(600)).toBe(
      '# Managed by Slipway: slipway maintenance on --retry-after.\n"retry-after" 600;\n',
    );
    expect(() => maintenanceRetryAfterFile(0)).toThrow(/maintenance.retryAfterSeconds/);
    expect(maintenanceRetryAfterPath("/etc/nginx/slipway", "shop")).toBe(
      "/etc/nginx/slipway/shop-maintenance-retry-after.conf",
    );
  });

  it("writes and reads the token file; refuses a token of another shape", () => {
    const token = "0f".repeat(16);
    const file = maintenanceBypassFile(token);
    expect(file).toBe(
      `# Managed by Slipway: requests with this X-Slipway-Maintenance-Bypass pass the maintenance page.\n"${token}" "";\n`,
    );
    expect(parseMaintenanceBypass(file)).toBe(token);
    expect(parseMaintenanceBypass('"0f" "";\n')).toBeNull();
    expect(() => maintenanceBypassFile('x" ""; default 1')).toThrow(/maintenance.bypassToken "\(hidden\)"/);
    expect(maintenanceBypassPath("/etc/nginx/slipway/", "shop")).toBe(
      "/etc/nginx/slipway/shop-maintenance-bypass.conf",
    );
  });

  it("refuses an open path nginx would read as syntax", async () => {
    const site = { ...(await shop("/")), maintenance: { openPaths: ['/x" ""; default'], retryAfterSeconds: 300 } };
    expect(() => renderNginxSite(site)).toThrow(/maintenance.openPaths\[0\]/);
  });

  it("names the page per app and prints one line per host", () => {
    expect(maintenancePagePath("/etc/nginx/slipway/", "shop")).toBe("/etc/nginx/slipway/shop.maintenance.html");
    expect(
      formatMaintenance([
        { host: "t1", maintenance: true, changed: true, retryAfterSeconds: 300 },
        { host: "t5", maintenance: true, changed: true, retryAfterSeconds: 600 },
        { host: "t2", maintenance: false, changed: false },
        { host: "t3", error: "connect ETIMEDOUT", unreachable: true },
        { host: "t4", error: "no maintenance block" },
      ]),
    ).toBe(
      [
        "t1: maintenance on (changed)",
        "t5: maintenance on, Retry-After 600 (changed)",
        "t2: maintenance off",
        "t3: unreachable (connect ETIMEDOUT)",
        "t4: failed (no maintenance block)",
      ].join("\n"),
    );
  });
});
