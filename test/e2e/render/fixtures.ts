/** The app, units and site the routing e2e test deploys on a target: the HARVEST subpath layout with every feature. */
import type { NginxSiteModel, SystemdUnitModel } from "../../../src/render/model.js";

export const APP = "rendere2e";
export const SERVER_NAME = "render.e2e.test";
export const BACKEND_PORT = 15431;
export const FRONTEND_PORT = 18431;
export const APP_DIR = `/opt/${APP}/app`;
export const ENV_DIR = `/etc/slipway/${APP}`;
export const STATIC_ROOT = `/srv/${APP}/www`;
export const ACME_ROOT = `/var/www/${APP}-acme`;
export const ALLOWED_ORIGIN = "https://www.render.e2e.test";
/** Written into the per-instance EnvironmentFile: quotes, $, a backtick, backslashes and a newline must arrive as is. */
export const TRICKY_ENV_FILE_VALUE = 'say "hi" $HOME ${PATH} `id` back\\slash \\n\nsecond line';

export function unitModel(service: "backend" | "frontend"): SystemdUnitModel {
  return {
    app: APP,
    service,
    description: `Render e2e ${service} (gunicorn)`,
    user: APP,
    group: APP,
    workingDirectory: APP_DIR,
    bindHost: "127.0.0.1",
    server: { kind: "gunicorn", binary: "/usr/bin/gunicorn", app: "echo_app:app", workers: 2, timeoutSeconds: 30 },
    environmentFileDir: ENV_DIR,
    environment: { E2E_TRICKY: 'quote " dollar $HOME percent %i backslash \\' },
    restart: "on-failure",
    restartSeconds: 2,
    readWritePaths: [`/var/lib/${APP}`],
    memoryMax: "256M",
    cpuQuota: "100%",
    limitNofile: 4096,
    after: [],
    wants: [],
  };
}

export function siteModel(backendHost = "127.0.0.1"): NginxSiteModel {
  return {
    app: APP,
    listen: { httpPort: 80, httpsPort: 443, ipv6: false },
    tls: null,
    acmeWebroot: ACME_ROOT,
    upstreamIncludeDir: "/etc/nginx/slipway",
    upstreams: [
      { service: "frontend", servers: [{ host: "127.0.0.1", port: FRONTEND_PORT }] },
      {
        service: "backend",
        keepalive: 4,
        servers: [{ host: backendHost, port: BACKEND_PORT, maxFails: 3, failTimeout: "10s" }],
      },
    ],
    rateLimitZones: [{ name: "strict", size: "1m", rate: "1r/m" }],
    clientMaxBodySize: "1k",
    proxyTimeouts: { connect: "5s", send: "300s", read: "300s" },
    securityHeaders: [
      { name: "X-Frame-Options", value: "SAMEORIGIN" },
      { name: "X-Content-Type-Options", value: "nosniff" },
    ],
    gzip: { types: ["text/css", "application/javascript"] },
    denyDotfiles: true,
    servers: [
      {
        serverNames: [SERVER_NAME],
        routes: [
          { path: "/harvest/", upstream: "frontend", upstreamPath: "/", scriptName: "/harvest", websockets: true },
          {
            path: "/harvest/api/",
            upstream: "backend",
            upstreamPath: "/api/",
            cors: {
              origins: [ALLOWED_ORIGIN],
              methods: ["GET", "POST", "OPTIONS"],
              headers: ["Content-Type"],
              maxAgeSeconds: 600,
            },
          },
          { path: "/limited/", upstream: "backend", upstreamPath: null, rateLimit: { zone: "strict" } },
          { path: "/", upstream: "backend", upstreamPath: null, static: { root: STATIC_ROOT, expires: "7d" } },
        ],
      },
    ],
  };
}
