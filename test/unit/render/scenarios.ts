/**
 * One NginxSiteModel per seed scenario. Golden tests render these exactly; the e2e test runs `nginx -t` on each on a
 * real target. Names and ports follow the seeds (HARVEST :8050/:5001, seed 001 :8102, seed 002 appserver, seed 003).
 */
import type { HeaderModel, NginxSiteModel, TlsModel, UpstreamModel } from "../../../src/render/model.js";

const harvestUpstreams: UpstreamModel[] = [
  { service: "frontend", servers: [{ host: "127.0.0.1", port: 8050 }] },
  { service: "backend", servers: [{ host: "127.0.0.1", port: 5001 }] },
];

const seedSecurityHeaders: HeaderModel[] = [
  { name: "X-Frame-Options", value: "SAMEORIGIN" },
  { name: "X-Content-Type-Options", value: "nosniff" },
  { name: "X-XSS-Protection", value: "1; mode=block" },
  { name: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
];

const tlsOn: TlsModel = {
  certificate: "/etc/letsencrypt/live/www.example.com/fullchain.pem",
  certificateKey: "/etc/letsencrypt/live/www.example.com/privkey.pem",
  redirectHttp: true,
  hsts: { maxAgeSeconds: 31536000, includeSubDomains: true, preload: false },
  http2: true,
};

function base(app: string): Omit<NginxSiteModel, "upstreams" | "servers"> {
  return {
    app,
    listen: { httpPort: 80, httpsPort: 443, ipv6: false },
    tls: null,
    acmeWebroot: "/var/www/slipway-acme",
    upstreamIncludeDir: "/etc/nginx/slipway",
    rateLimitZones: [],
    clientMaxBodySize: null,
    proxyTimeouts: null,
    securityHeaders: [],
    gzip: null,
    denyDotfiles: false,
  };
}

export const nginxScenarios: Record<string, NginxSiteModel> = {
  /** Seed 000 example 2: one domain, `/` to the Dash frontend, `/api/` to the Flask backend, plain HTTP. */
  "same-domain-api": {
    ...base("harvest"),
    upstreams: harvestUpstreams,
    servers: [
      {
        serverNames: ["example.com"],
        routes: [
          { path: "/", upstream: "frontend", upstreamPath: null },
          { path: "/api/", upstream: "backend", upstreamPath: null },
        ],
      },
    ],
  },

  /** Seed 000 example 3: the backend on its own subdomain; the frontend origin may call it (CORS). */
  "api-subdomain": {
    ...base("harvest"),
    upstreams: harvestUpstreams,
    servers: [
      {
        serverNames: ["example.com", "www.example.com"],
        routes: [{ path: "/", upstream: "frontend", upstreamPath: null }],
      },
      {
        serverNames: ["api.example.com"],
        routes: [
          {
            path: "/",
            upstream: "backend",
            upstreamPath: null,
            cors: {
              origins: ["https://example.com", "https://www.example.com"],
              methods: ["GET", "POST", "PUT", "DELETE", "OPTIONS"],
              headers: ["Content-Type", "Authorization"],
              maxAgeSeconds: 600,
            },
          },
        ],
      },
    ],
  },

  /** Seed 000 example 4 + DESIGN "load-balancer host": several instances and hosts in one upstream. */
  "load-balanced": {
    ...base("harvest"),
    upstreams: [
      { service: "frontend", servers: [{ host: "127.0.0.1", port: 8050 }] },
      {
        service: "backend",
        keepalive: 16,
        servers: [
          { host: "127.0.0.1", port: 5001, maxFails: 3, failTimeout: "10s" },
          { host: "127.0.0.1", port: 5002, maxFails: 3, failTimeout: "10s" },
          { host: "10.213.0.12", port: 5001, maxFails: 3, failTimeout: "10s", weight: 2 },
          { host: "localhost", port: 5004, backup: true },
        ],
      },
    ],
    servers: [
      {
        serverNames: ["example.com"],
        routes: [
          { path: "/", upstream: "frontend", upstreamPath: null },
          { path: "/api/", upstream: "backend", upstreamPath: null },
        ],
      },
    ],
  },

  /**
   * Seed 000 "Deploying HARVEST at a Subpath": /harvest/ strips the prefix for Dash (X-Script-Name, websockets),
   * /harvest/api/ is rewritten to the backend's /api/ with CORS and a rate limit; TLS with redirect and HSTS, body
   * size, long timeouts, security headers.
   */
  "subpath-harvest": {
    ...base("harvest"),
    tls: tlsOn,
    upstreams: harvestUpstreams,
    rateLimitZones: [{ name: "api", size: "10m", rate: "20r/s" }],
    clientMaxBodySize: "100M",
    proxyTimeouts: { connect: "300s", send: "300s", read: "300s" },
    securityHeaders: seedSecurityHeaders,
    denyDotfiles: true,
    servers: [
      {
        serverNames: ["www.example.com"],
        routes: [
          { path: "/harvest/", upstream: "frontend", upstreamPath: "/", scriptName: "/harvest", websockets: true },
          {
            path: "/harvest/api/",
            upstream: "backend",
            upstreamPath: "/api/",
            websockets: true,
            rateLimit: { zone: "api", burst: 40, nodelay: true },
            cors: {
              origins: ["https://www.example.com"],
              methods: ["GET", "POST", "PUT", "DELETE", "OPTIONS"],
              headers: ["Content-Type", "Authorization"],
            },
          },
        ],
      },
    ],
  },

  /** Seed 001: a Flask API in Docker on :8102 answering preflights from its GitHub Pages frontend only. */
  "cors-foreign-frontend": {
    ...base("frostbyte"),
    upstreams: [{ service: "web", servers: [{ host: "127.0.0.1", port: 8102 }] }],
    listen: { httpPort: 80, httpsPort: 443, ipv6: true },
    servers: [
      {
        serverNames: ["frostbyte.stu.example.com"],
        routes: [
          {
            path: "/",
            upstream: "web",
            upstreamPath: null,
            cors: {
              origins: ["https://nighthawkcoders.github.io"],
              methods: ["GET", "POST", "PUT", "DELETE", "OPTIONS", "HEAD"],
              headers: ["Authorization", "Origin", "X-Origin", "X-Requested-With", "Content-Type", "Accept"],
              credentials: true,
              maxAgeSeconds: 600,
            },
          },
        ],
      },
    ],
  },

  /** Seed 002: nginx serves static files first (try_files, expires, gzip), the rest goes to gunicorn; dotfiles denied. */
  "static-first": {
    ...base("dataserver"),
    upstreams: [{ service: "app", keepalive: 8, servers: [{ host: "127.0.0.1", port: 8081, failTimeout: "10" }] }],
    gzip: { types: ["text/css", "application/javascript", "application/json", "image/svg+xml", "text/xml"] },
    denyDotfiles: true,
    servers: [
      {
        serverNames: ["content.example.com"],
        routes: [
          {
            path: "/",
            upstream: "app",
            upstreamPath: null,
            static: { root: "/srv/dataserver/static", expires: "30d", index: ["index.html", "index.htm"] },
          },
        ],
      },
    ],
  },

  /** Seed 003 behind TLS: `/api/` to FastAPI, `/` to Flask; websockets on the frontend; HSTS once the cert exists. */
  "tls-redirect-hsts": {
    ...base("duckapp"),
    tls: { ...tlsOn, http2: false, hsts: { maxAgeSeconds: 63072000, includeSubDomains: false, preload: false } },
    upstreams: [
      { service: "frontend", servers: [{ host: "127.0.0.1", port: 12016 }] },
      { service: "backend", servers: [{ host: "127.0.0.1", port: 12015 }] },
    ],
    securityHeaders: [{ name: "X-Content-Type-Options", value: "nosniff" }],
    servers: [
      {
        serverNames: ["www.example.com"],
        routes: [
          { path: "/", upstream: "frontend", upstreamPath: null, websockets: true },
          { path: "/api/", upstream: "backend", upstreamPath: null },
        ],
      },
    ],
  },
};
