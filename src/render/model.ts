/**
 * Typed input models for the renderers. They mirror the seed scenarios (see /work/shared/seeds) rather than
 * slipway.yml: the config layer maps its schema onto these. Every string here is untrusted until the renderer has
 * validated it for the context it lands in (nginx, systemd, YAML).
 */

export type Color = "blue" | "green";

// ---------------------------------------------------------------- nginx

/** One `server host:port ...;` line of an upstream. */
export interface UpstreamServerModel {
  /** IPv4, `[IPv6]` or a host name. */
  host: string;
  port: number;
  /** nginx default is 1; the seed uses fail_timeout=10. */
  maxFails?: number;
  /** nginx time, e.g. "10s". */
  failTimeout?: string;
  weight?: number;
  backup?: boolean;
}

/**
 * An upstream lives in its own include file (`<includeDir>/<app>-<service>.upstream.conf`) so the blue-green switch
 * can rewrite which color (port) or which hosts it points at without touching the site file.
 */
export interface UpstreamModel {
  /** Service name, e.g. "backend": the nginx upstream is `<app>_<service>`. */
  service: string;
  servers: UpstreamServerModel[];
  /** Idle keepalive connections to the upstream per worker (`keepalive N;`). */
  keepalive?: number;
}

export interface CorsModel {
  /** Exact origins (`https://app.example.com`) that get `Access-Control-Allow-Origin` echoed back. */
  origins: string[];
  /** Answer every origin with `*` (only when explicitly asked; ignores `origins`, forbids credentials). */
  allowAnyOrigin?: boolean;
  methods: string[];
  headers: string[];
  credentials?: boolean;
  /** Seconds browsers may cache the preflight. */
  maxAgeSeconds?: number;
}

export interface RateLimitRef {
  /** Name of a zone in `NginxSiteModel.rateLimitZones`. */
  zone: string;
  burst?: number;
  nodelay?: boolean;
}

export interface RouteModel {
  /** Location prefix, e.g. "/", "/api/", "/harvest/", "/harvest/api/". */
  path: string;
  /** Service whose upstream serves the route (must be in `NginxSiteModel.upstreams`). */
  upstream: string;
  /**
   * What replaces `path` in the URI sent upstream: null keeps the URI as is ("/api/x" -> "/api/x"); "/" strips the
   * prefix ("/harvest/x" -> "/x"); "/api/" rewrites ("/harvest/api/x" -> "/api/x", the seed's `/harvest/api/` rule).
   */
  upstreamPath: string | null;
  /** Sent as `X-Script-Name` (the mount point a subpath app builds its URLs from), e.g. "/harvest". */
  scriptName?: string;
  websockets?: boolean;
  cors?: CorsModel;
  rateLimit?: RateLimitRef;
  /**
   * Serve files from `root` first (`try_files $uri @...`) and fall back to the upstream; `expires` is sent on the
   * static files only (nginx time, "max", "off" or "epoch").
   */
  static?: { root: string; expires: string; index?: string[] };
}

/** One `server {}` (per port): the main site and, in the API-subdomain scenario, `api.example.com`. */
export interface ServerModel {
  serverNames: string[];
  routes: RouteModel[];
}

export interface TlsModel {
  certificate: string;
  certificateKey: string;
  /** Port 80 answers only ACME challenges and 301 to https. */
  redirectHttp: boolean;
  /** Strict-Transport-Security on https responses; null for none. */
  hsts: { maxAgeSeconds: number; includeSubDomains: boolean; preload: boolean } | null;
  http2?: boolean;
}

export interface RateLimitZoneModel {
  /** Short name, e.g. "api": the nginx zone is `<app>_<name>`. */
  name: string;
  /** nginx size of the shared memory zone, e.g. "10m". */
  size: string;
  /** e.g. "20r/s" or "100r/m". */
  rate: string;
}

export interface HeaderModel {
  name: string;
  value: string;
}

export interface NginxSiteModel {
  /** App name (DNS-label like, e.g. "harvest"): prefixes every nginx-global name this site defines. */
  app: string;
  /**
   * `ipv6`: also listen on `[::]` (as Debian's default site does: without it IPv6 visitors and ACME validation reach
   * another site). `defaultServer`: answer requests for names no other site on the host claims (nginx refuses two
   * default servers on a port, so only when asked for).
   */
  listen: { httpPort: number; httpsPort: number; ipv6: boolean; defaultServer?: boolean };
  /** null: plain HTTP only (before the certificate exists). */
  tls: TlsModel | null;
  /** Directory served at `/.well-known/acme-challenge/` on port 80, always (certbot --webroot). */
  acmeWebroot: string;
  /** Where upstream include files live, e.g. "/etc/nginx/slipway". */
  upstreamIncludeDir: string;
  upstreams: UpstreamModel[];
  servers: ServerModel[];
  rateLimitZones: RateLimitZoneModel[];
  /** nginx size, e.g. "100M"; null leaves nginx's default (1m). */
  clientMaxBodySize: string | null;
  /** nginx times, e.g. "300s"; null leaves nginx's default (60s). */
  proxyTimeouts: { connect: string; send: string; read: string } | null;
  securityHeaders: HeaderModel[];
  /** MIME types to compress (text/html always is) and the smallest response compressed, in bytes; null: gzip off. */
  gzip: { types: string[]; minLength?: number } | null;
  /**
   * 404 for any path segment starting with a dot (`/.git/config`, `.htaccess`), except `/.well-known/` (RFC 8615:
   * openid-configuration, security.txt, assetlinks.json reach the app; ACME is served from the webroot).
   */
  denyDotfiles: boolean;
  /** The color the upstreams point at: every proxied answer carries `X-Slipway-Color: <color>` (what serves). */
  color?: string;
  /**
   * The deploy's preview: a listener on 127.0.0.1:<port> with the first server's locations, routed to `color`'s
   * upstreams (the idle color), so every public route is checked through nginx before users are switched to it.
   */
  preview?: { port: number; color: string; upstreams: UpstreamModel[] };
  /**
   * The switch without a reload: each public upstream (and the preview's) is one unix socket path in
   * `upstreamIncludeDir`, a link the deploy points at a color's listener (`unix:<runDir>/<app>-<service>-<color>.sock`),
   * which this site defines per color and service: it proxies to that color's servers and adds COLOR_HEADER. nginx
   * resolves the link at every new upstream connection, so repointing it moves new requests and closes nothing. The
   * files are the same whatever color is live (`color` and `preview.upstreams` are not rendered).
   */
  colorSockets?: {
    runDir: string;
    colors: Array<{ color: string; upstreams: UpstreamModel[] }>;
    /**
     * The listeners only, the upstreams as without colorSockets (`color`'s servers): the first `proxy.switch: reload`
     * render on a host the socket switch served, so the reload keeps the listeners nginx's old workers still send
     * requests to through the links (deploy/socket-links.ts socketLinksLeft).
     */
    listenersOnly?: boolean;
  };
  /**
   * `slipway maintenance on|off`: while `<upstreamIncludeDir>/<app>.maintenance.html` exists, the public server blocks
   * answer every request with that page, 503 and `Retry-After: <retryAfterSeconds>`, except `openPaths` (exact URIs:
   * the services' health paths) and ACME challenges. nginx tests the file per request, so on/off needs no reload.
   */
  maintenance?: { openPaths: string[]; retryAfterSeconds: number };
}

// ---------------------------------------------------------------- systemd

export interface GunicornServer {
  kind: "gunicorn";
  /** Absolute path, e.g. /opt/harvest/venv/bin/gunicorn. */
  binary: string;
  /** WSGI target, e.g. "wsgi_be:app". */
  app: string;
  workers: number;
  timeoutSeconds: number;
  extraArgs?: string[];
}

export interface UvicornServer {
  kind: "uvicorn";
  binary: string;
  /** ASGI target, e.g. "main:app". */
  app: string;
  workers: number;
  extraArgs?: string[];
}

export interface SystemdUnitModel {
  app: string;
  service: string;
  description: string;
  user: string;
  group: string;
  workingDirectory: string;
  /**
   * 127.0.0.1 in internal mode and behind a local nginx; 0.0.0.0 (or the host's private address) when a load
   * balancer on another host is the upstream. The port comes from the instance's EnvironmentFile ($PORT).
   */
  bindHost: string;
  server: GunicornServer | UvicornServer;
  /** Directory of the per-instance environment files: `<dir>/<service>-<color>.env`. */
  environmentFileDir: string;
  /** Non-secret variables written into the unit (secrets belong in the EnvironmentFile, mode 0600). */
  environment: Record<string, string>;
  restart: "always" | "on-failure";
  restartSeconds: number;
  /** TimeoutStopSec: seconds between SIGTERM and SIGKILL on a stop (default 30; 0 is written 1ms: systemd-values.ts). */
  stopTimeoutSeconds?: number;
  /** Paths the service may write under ProtectSystem=strict (data, uploads). */
  readWritePaths: string[];
  /** e.g. "2G" (MemoryMax; MemoryLimit is deprecated). */
  memoryMax: string | null;
  /** e.g. "200%". */
  cpuQuota: string | null;
  limitNofile: number;
  /** Units to order after and want, e.g. ["harvest-backend@%i.service"]. */
  after: string[];
  wants: string[];
  /**
   * MemoryDenyWriteExecute breaks Python packages that need executable memory (cffi callbacks, some JITs);
   * on by default, this turns it off.
   */
  allowWriteExecuteMemory?: boolean;
}

// ---------------------------------------------------------------- compose

export interface ComposeHealthcheck {
  /** Exec form (`["CMD", "curl", "-fsS", "http://127.0.0.1:8000/health"]`) or `["CMD-SHELL", "..."]`. */
  test: string[];
  interval: string;
  timeout: string;
  retries: number;
  startPeriod: string;
}

export interface ComposeServiceModel {
  name: string;
  /** Image by digest: `registry/name@sha256:<64 hex>` (a tag alone is refused: deploys must be reproducible). */
  image: string;
  command?: string[];
  /** Published on `hostIp` (default 127.0.0.1: loopback unless nginx is on another host); hostPort is the color's port. */
  ports: Array<{ hostIp?: string; hostPort: number; containerPort: number }>;
  /** Path of the env file on the host (written 0600 by the env module). */
  envFile?: string;
  environment: Record<string, string>;
  volumes: Array<{ volume: string; target: string; readOnly?: boolean }>;
  /** Host files mounted read-only (the service's rendered config files). */
  files?: Array<{ source: string; target: string }>;
  healthcheck?: ComposeHealthcheck;
  dependsOn: Array<{ service: string; condition: "service_healthy" | "service_started" }>;
  restart: "always" | "unless-stopped" | "on-failure" | "no";
  /** e.g. "512m" / "2g". */
  memoryLimit?: string;
  /** e.g. 1.5. */
  cpus?: number;
  user?: string;
  /** Capabilities kept; every other is dropped (`cap_drop: [ALL]` is always written). */
  capAdd?: string[];
  /** Read-only root filesystem, with a private /tmp. */
  readOnly?: boolean;
  /** docker's json-file driver bounded to `maxFiles` files of `maxSize` (e.g. "10m"). */
  logging?: { maxSize: string; maxFiles: number };
}

export interface ComposeVolumeModel {
  /** Key the services refer to, e.g. "data". */
  key: string;
  /**
   * Docker volume name, the same for both colors so data survives the switch, e.g. "harvest_data". With
   * `external: true` Slipway creates it beforehand and compose never removes it (`down -v` cannot touch it).
   */
  name: string;
  external: boolean;
}

/** The project of the accessories (`<app>-accessories`): services run once, outside the colors. */
export const ACCESSORIES = "accessories";

export interface ComposeModel {
  app: string;
  /** The color of the project, or `accessories` for the one project of the accessories. */
  color: Color | typeof ACCESSORIES;
  services: ComposeServiceModel[];
  volumes: ComposeVolumeModel[];
  /**
   * Docker network of the accessories: the accessories' project creates it (its default network); each color's
   * services join it too, so they reach an accessory by its service name while the colors stay apart.
   */
  accessoriesNetwork?: string;
}
