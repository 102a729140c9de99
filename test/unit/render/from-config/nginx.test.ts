import { describe, expect, it } from "vitest";
import { nginxSiteFromConfig, tlsModel, upstreamFromConfig } from "../../../../src/render/from-config/index.js";
import { joinPath } from "../../../../src/render/from-config/nginx.js";
import { renderNginxSite } from "../../../../src/render/nginx.js";
import { configWith } from "./config.js";

const services = {
  api: { build: { context: "api" }, port: 5001, systemd: { app_module: "api:app" } },
  web: { build: { context: "web" }, port: 8050, systemd: { app_module: "web:app" } },
};

function site(overrides: Record<string, unknown>, tlsReady = false) {
  const model = nginxSiteFromConfig(configWith(overrides), { color: "blue", tlsReady });
  if (!model) throw new Error("expected a site");
  return model;
}

describe("nginx site from slipway.yml", () => {
  it("internal mode has no site", () => {
    expect(nginxSiteFromConfig(configWith({ proxy: { mode: "internal" } }), { color: "blue", tlsReady: true })).toBe(
      null,
    );
  });

  it("same domain: routes as written, upstreams at the live color's ports on loopback", () => {
    const model = site({});
    expect(model.servers).toEqual([
      {
        serverNames: ["shop.example.com"],
        routes: [
          { path: "/api/", upstream: "api", upstreamPath: null },
          { path: "/", upstream: "web", upstreamPath: null },
        ],
      },
    ]);
    expect(model.upstreams).toEqual([
      { service: "api", servers: [{ host: "127.0.0.1", port: 5001 }] },
      { service: "web", servers: [{ host: "127.0.0.1", port: 8050 }] },
    ]);
    expect(model.acmeWebroot).toBe("/var/www/slipway-acme");
    expect(model.tls).toBe(null);
    expect(model.securityHeaders).toEqual([]);
    expect(model.denyDotfiles).toBe(true);
  });

  it("green upstreams use port + 10000 or ports.green", () => {
    const config = configWith({ services: { ...services, api: { ...services.api, ports: { green: 7001 } } } });
    expect(upstreamFromConfig(config, "api", "green").servers).toEqual([{ host: "127.0.0.1", port: 7001 }]);
    expect(upstreamFromConfig(config, "web", "green").servers).toEqual([{ host: "127.0.0.1", port: 18050 }]);
  });

  it("no domains: the nginx hosts' addresses are the names, so requests by IP beat the distro's default site", () => {
    const model = site({ proxy: { routes: [{ path: "/", service: "web" }] } });
    expect(model.servers[0]?.serverNames).toEqual(["10.213.0.11", "10.213.0.12", "10.213.0.13"]);
    expect(model.listen).toEqual({ httpPort: 80, httpsPort: 443, ipv6: true });
    const lb = site({ proxy: { routes: [{ path: "/", service: "web" }], hosts: ["lb"] } });
    expect(lb.servers[0]?.serverNames).toEqual(["10.213.0.13"]);
    const v6 = site({
      inventory: { hosts: { a: { address: "2001:DB8::5" } } },
      proxy: { routes: [{ path: "/", service: "web" }] },
    });
    expect(v6.servers[0]?.serverNames).toEqual(["[2001:db8::5]"]);
    expect(renderNginxSite(v6)).toContain("    listen 80;\n    listen [::]:80;\n    server_name [2001:db8::5];\n");
  });

  it("default_server only when asked for, on IPv4 and IPv6; ipv6: false listens on IPv4 only", () => {
    const text = renderNginxSite(site({ proxy: { ...routesOnly(), default_server: true } }));
    expect(text).toContain("    listen 80 default_server;\n    listen [::]:80 default_server;\n");
    const v4 = renderNginxSite(site({ proxy: { ...routesOnly(), ipv6: false } }));
    expect(v4).toContain("    listen 80;\n    server_name shop.example.com;\n");
  });

  it("base path: locations below it, base removed, route path kept unless strip_prefix, X-Script-Name", () => {
    const model = site({
      proxy: {
        base_path: "/shop/",
        websockets: true,
        routes: [
          { path: "/api/", service: "api", websockets: false },
          { path: "/", service: "web" },
          { path: "/raw/", service: "api", strip_prefix: true },
        ],
      },
    });
    expect(model.servers[0]?.routes).toEqual([
      { path: "/shop/api/", upstream: "api", upstreamPath: "/api/", scriptName: "/shop" },
      { path: "/shop/", upstream: "web", upstreamPath: "/", scriptName: "/shop", websockets: true },
      { path: "/shop/raw/", upstream: "api", upstreamPath: "/", scriptName: "/shop", websockets: true },
    ]);
    expect(joinPath("/", "/api/")).toBe("/api/");
  });

  it("CORS on routes that keep it; '*' alone means any origin", () => {
    const model = site({
      proxy: {
        routes: [
          { path: "/api/", service: "api" },
          { path: "/", service: "web", cors: false },
        ],
        cors: { origins: ["https://app.example.com"], credentials: true },
      },
    });
    expect(model.servers[0]?.routes[0]?.cors).toEqual({
      origins: ["https://app.example.com"],
      methods: ["GET", "POST", "PUT", "DELETE", "OPTIONS"],
      headers: ["Content-Type", "Authorization"],
      credentials: true,
      maxAgeSeconds: 600,
    });
    expect(model.servers[0]?.routes[1]?.cors).toBeUndefined();
    const any = site({ proxy: { routes: [{ path: "/", service: "web" }], cors: { origins: ["*"] } } });
    expect(any.servers[0]?.routes[0]?.cors).toMatchObject({ origins: [], allowAnyOrigin: true });
    // validate refuses "*" with other origins before any renderer runs.
    expect(() =>
      site({ proxy: { routes: [{ path: "/", service: "web" }], cors: { origins: ["*", "https://a.example"] } } }),
    ).toThrow('proxy.cors.origins[0]: "*" allows every origin: list it alone or list the origins');
  });

  it("rate limits: one shared zone for proxy.rate_limit, one per route with its own", () => {
    const model = site({
      proxy: {
        rate_limit: { rate: "100r/m" },
        routes: [
          { path: "/api/", service: "api", rate_limit: { rate: "20r/s", burst: 40, zone_size: "1m" } },
          { path: "/", service: "web" },
        ],
      },
    });
    expect(model.rateLimitZones).toEqual([
      { name: "api", size: "1m", rate: "20r/s" },
      { name: "global", size: "10m", rate: "100r/m" },
    ]);
    expect(model.servers[0]?.routes.map((r) => r.rateLimit)).toEqual([
      { zone: "api", burst: 40, nodelay: true },
      { zone: "global", nodelay: true },
    ]);
  });

  it("API subdomain: a second server block serving the service at its root", () => {
    const model = site({
      proxy: {
        domains: ["shop.example.com"],
        routes: [{ path: "/", service: "web" }],
        api_subdomain: { domain: "api.shop.example.com", service: "api" },
      },
    });
    expect(model.servers[1]).toEqual({
      serverNames: ["api.shop.example.com"],
      routes: [{ path: "/", upstream: "api", upstreamPath: null }],
    });
    expect(model.upstreams.map((u) => u.service)).toEqual(["web", "api"]);
  });

  it("load balancer: proxy.hosts set, upstreams list every service host with its instances", () => {
    const config = configWith({
      runtime: "container",
      services: {
        api: { image: "api:1", port: 5001, hosts: ["app"] },
        web: { image: "web:1", port: 8050 },
      },
      proxy: {
        hosts: ["lb"],
        routes: [
          { path: "/api/", service: "api" },
          { path: "/", service: "web" },
        ],
        load_balance: { api: { instances: 2, fail_timeout: "10s", keepalive: 8 } },
      },
    });
    expect(upstreamFromConfig(config, "api", "blue")).toEqual({
      service: "api",
      keepalive: 8,
      servers: [
        { host: "10.213.0.11", port: 5001, maxFails: 3, failTimeout: "10s" },
        { host: "10.213.0.11", port: 5002, maxFails: 3, failTimeout: "10s" },
        { host: "10.213.0.12", port: 5001, maxFails: 3, failTimeout: "10s" },
        { host: "10.213.0.12", port: 5002, maxFails: 3, failTimeout: "10s" },
      ],
    });
  });

  it("a service on some hosts only is reached at their addresses even without a load balancer", () => {
    const config = configWith({ services: { ...services, api: { ...services.api, hosts: ["a"] } } });
    expect(upstreamFromConfig(config, "api", "blue").servers).toEqual([{ host: "10.213.0.11", port: 5001 }]);
  });

  it("several instances under systemd: one upstream server per instance, on the color's consecutive ports", () => {
    const config = configWith({ proxy: { ...routesOnly(), load_balance: { api: { instances: 3 } } } });
    expect(upstreamFromConfig(config, "api", "green").servers.map((s) => `${s.host}:${s.port}`)).toEqual([
      "127.0.0.1:15001",
      "127.0.0.1:15002",
      "127.0.0.1:15003",
    ]);
  });

  it("a route path without a trailing slash is refused by validate, naming the route", () => {
    expect(() => site({ proxy: { routes: [{ path: "/api", service: "api" }] } })).toThrow(
      'proxy.routes[0].path: expected a path starting and ending with "/" (like "/harvest/"), of letters, digits and ._~@+-, found "/api"',
    );
  });

  it("security headers, body size, timeouts, gzip, dotfiles", () => {
    const model = site({
      proxy: {
        ...routesOnly(),
        security_headers: { xss_protection: "1; mode=block", extra: { "X-Robots-Tag": "noindex" } },
        client_max_body_size: "100M",
        timeouts: { read: "300s" },
        gzip: { types: ["text/css"] },
        deny_dotfiles: false,
      },
    });
    expect(model.securityHeaders).toEqual([
      { name: "X-Frame-Options", value: "SAMEORIGIN" },
      { name: "X-Content-Type-Options", value: "nosniff" },
      { name: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
      { name: "X-XSS-Protection", value: "1; mode=block" },
      { name: "X-Robots-Tag", value: "noindex" },
    ]);
    expect(model.clientMaxBodySize).toBe("100m");
    expect(model.proxyTimeouts).toEqual({ connect: "60s", send: "60s", read: "300s" });
    expect(model.gzip).toEqual({ types: ["text/css"], minLength: 1024 });
    expect(model.denyDotfiles).toBe(false);
  });

  it("a size nginx cannot take is refused by validate with its config path", () => {
    expect(() => site({ proxy: { ...routesOnly(), client_max_body_size: "1.5G" } })).toThrow(
      "proxy.client_max_body_size: expected a whole size",
    );
  });

  it("static files: the matching route serves them first; a static path under / gets its own route", () => {
    const onRoot = site({ proxy: { ...routesOnly(), static: { root: "/srv/shop/www", path: "/" } } });
    expect(onRoot.servers[0]?.routes[1]).toEqual({
      path: "/",
      upstream: "web",
      upstreamPath: null,
      static: { root: "/srv/shop/www", expires: "7d" },
    });
    const own = site({ proxy: { ...routesOnly(), static: { root: "/srv/shop", expires: "30d" } } });
    expect(own.servers[0]?.routes[2]).toEqual({
      path: "/static/",
      upstream: "web",
      upstreamPath: null,
      static: { root: "/srv/shop", expires: "30d" },
    });
    // Under a base path the app receives the URI without it: the fallback rewrites, then proxies without a URI.
    const rewritten = renderNginxSite(
      site({ proxy: { ...routesOnly(), base_path: "/shop/", static: { root: "/srv/shop" } } }),
    );
    expect(rewritten).toContain(
      "    location @web_app_shop_static {\n        rewrite ^/shop/static/(.*)$ /static/$1 break;\n        proxy_pass http://shop_web;\n",
    );
    // The preview listener's fallback goes to the idle color's upstream, never the live one.
    expect(rewritten).toContain(
      "    location @web_app_shop_static {\n        rewrite ^/shop/static/(.*)$ /static/$1 break;\n        proxy_pass http://shop_web_preview;\n",
    );
  });

  it("TLS only once the certificate exists: certbot's live path, redirect, HSTS", () => {
    const overrides = { tls: { enabled: true, email: "ops@example.com" } };
    expect(site(overrides, false).tls).toBe(null);
    expect(site(overrides, true).tls).toEqual({
      certificate: "/etc/letsencrypt/live/shop.example.com/fullchain.pem",
      certificateKey: "/etc/letsencrypt/live/shop.example.com/privkey.pem",
      redirectHttp: true,
      hsts: { maxAgeSeconds: 31536000, includeSubDomains: false, preload: false },
      http2: false,
    });
    const own = configWith({
      tls: {
        enabled: true,
        certificate_path: "/etc/ssl/shop.pem",
        key_path: "/etc/ssl/shop.key",
        redirect_http: false,
      },
      proxy: { ...routesOnly(), security_headers: { hsts: false } },
    });
    expect(tlsModel(own, true)).toMatchObject({
      certificate: "/etc/ssl/shop.pem",
      certificateKey: "/etc/ssl/shop.key",
      redirectHttp: false,
      hsts: null,
    });
  });

  it("every mapped site renders (the renderer accepts what the mapper produces)", () => {
    const model = site(
      {
        tls: { enabled: true, email: "ops@example.com" },
        proxy: {
          domains: ["shop.example.com"],
          base_path: "/shop/",
          websockets: true,
          routes: [
            { path: "/api/", service: "api", rate_limit: { rate: "5r/s" } },
            { path: "/", service: "web" },
          ],
          cors: { origins: ["https://app.example.com"] },
          security_headers: {},
          gzip: {},
        },
      },
      true,
    );
    expect(renderNginxSite(model)).toContain("location /shop/api/ {");
  });
});

function routesOnly() {
  return {
    domains: ["shop.example.com"],
    routes: [
      { path: "/api/", service: "api" },
      { path: "/", service: "web" },
    ],
  };
}
