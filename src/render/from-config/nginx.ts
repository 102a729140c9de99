/**
 * slipway.yml -> NginxSiteModel. Locations are `base_path` + route path; the base path is always removed before the
 * request reaches the service, the route path too with `strip_prefix`. Upstreams point at the live color's ports.
 * proxy.mode `internal` has no site at all (null).
 */

import { selectHosts } from "../../config/inventory.js";
import { hostForUrl } from "../../config/layout.js";
import { colorPort } from "../../config/ports.js";
import { previewPort } from "../../config/preview-port.js";
import type { RouteConfig, SlipwayConfig } from "../../config/schema.js";
import { certificateNames } from "../../config/served-names.js";
import type {
  Color,
  CorsModel,
  HeaderModel,
  NginxSiteModel,
  RateLimitZoneModel,
  RouteModel,
  ServerModel,
  TlsModel,
  UpstreamModel,
} from "../model.js";
import { defaultSitePath } from "../nginx-host-files.js";
import { DEFAULT_RETRY_AFTER_SECONDS } from "../nginx-maintenance.js";
import { instancesOf, integerSize, serviceOf, upstreamIsLocal } from "./common.js";
import { ConfigMappingError } from "./errors.js";

export interface NginxFromConfigOptions {
  /** The color the upstreams point at (the live one; the switch rewrites the upstream includes). */
  color: Color;
  /** The certificate exists on the host: only then is the HTTPS server block (and the redirect) rendered. */
  tlsReady: boolean;
  /**
   * `proxy.switch: reload` on a host where the socket switch's links are left: the colors' listeners are rendered
   * too (colorSockets.listenersOnly), so the reload leaving the socket switch removes none nginx still uses.
   */
  keepListeners?: boolean;
}

export const UPSTREAM_INCLUDE_DIR = "/etc/nginx/slipway";
/**
 * Where the colors' listeners (proxy.switch socket) are: on tmpfs, so a crash cannot leave a stale socket file that
 * makes nginx's next start fail to bind; systemd-tmpfiles creates it at boot (tmpfiles.d, written with the site).
 */
export const COLOR_SOCKET_DIR = "/run/slipway";
const COLORS: Color[] = ["blue", "green"];
/** One year, without includeSubDomains: a site cannot know that every subdomain serves HTTPS. */
const HSTS_MAX_AGE = 31536000;

/** Where the site file goes: `/etc/nginx/conf.d/slipway-<site_name or app>.conf`. */
export function sitePathFromConfig(config: SlipwayConfig): string {
  return defaultSitePath(config.proxy.site_name ?? config.app);
}

export function nginxSiteFromConfig(config: SlipwayConfig, options: NginxFromConfigOptions): NginxSiteModel | null {
  const { proxy } = config;
  if (proxy.mode === "internal") return null;

  const zones = new RateLimitZones();
  const servers: ServerModel[] = [{ serverNames: siteNames(config), routes: siteRoutes(config, zones) }];
  if (proxy.api_subdomain) {
    const { domain, service } = proxy.api_subdomain;
    serviceOf(config, service, "proxy.api_subdomain.service");
    servers.push({
      serverNames: [domain],
      routes: [
        withOptional({
          path: "/",
          upstream: service,
          upstreamPath: null,
          websockets: proxy.websockets || undefined,
          cors: corsModel(config),
          rateLimit: proxy.rate_limit && zones.ref(proxy.rate_limit, "global", "proxy.rate_limit"),
        }),
      ],
    });
  }

  const routed = [...new Set(servers.flatMap((s) => s.routes.map((r) => r.upstream)))];
  return {
    app: config.app,
    listen: { httpPort: 80, httpsPort: 443, ipv6: proxy.ipv6, defaultServer: proxy.default_server || undefined },
    tls: tlsModel(config, options.tlsReady),
    acmeWebroot: config.tls.webroot,
    upstreamIncludeDir: UPSTREAM_INCLUDE_DIR,
    upstreams: routed.map((service) => upstreamFromConfig(config, service, options.color)),
    servers,
    rateLimitZones: zones.list(),
    clientMaxBodySize: nginxSize(proxy.client_max_body_size, "proxy.client_max_body_size"),
    proxyTimeouts: { ...proxy.timeouts },
    securityHeaders: securityHeaders(config),
    gzip: proxy.gzip ? { types: proxy.gzip.types, minLength: proxy.gzip.min_length } : null,
    denyDotfiles: proxy.deny_dotfiles,
    maintenance: { openPaths: healthPaths(config, routed), retryAfterSeconds: DEFAULT_RETRY_AFTER_SECONDS },
    color: options.color,
    ...(proxy.preview ? { preview: previewModel(config, routed, options.color) } : {}),
    ...(proxy.switch === "socket" || options.keepListeners
      ? {
          colorSockets: {
            runDir: COLOR_SOCKET_DIR,
            colors: COLORS.map((color) => ({
              color,
              upstreams: routed.map((service) => upstreamFromConfig(config, service, color)),
            })),
            ...(proxy.switch === "socket" ? {} : { listenersOnly: true }),
          },
        }
      : {}),
  };
}

export { previewPort };

/**
 * What stays open during maintenance: each routed service's health path (exact URI, any query), so
 * monitors and load balancers keep seeing the service. `/` is the home page and never open.
 */
function healthPaths(config: SlipwayConfig, services: string[]): string[] {
  // nginx matches `$uri`, which has no query: `/api/health?full=1` is open as `/api/health`.
  const paths = services.map((s) => config.services[s]?.health?.path?.replace(/\?.*$/, ""));
  return [...new Set(paths)].filter((p): p is string => p !== undefined && p !== "" && p !== "/");
}

/** The preview routes to the color that is not live: the idle one a deploy checks before switching to it. */
function previewModel(config: SlipwayConfig, services: string[], live: Color): NonNullable<NginxSiteModel["preview"]> {
  const idle: Color = live === "blue" ? "green" : "blue";
  return {
    port: previewPort(config),
    color: idle,
    upstreams: services.map((service) => upstreamFromConfig(config, service, idle)),
  };
}

/**
 * The names of the main server block: `proxy.domains`, or with none the addresses of the hosts running nginx. nginx
 * picks a server by the request's Host before falling back to the port's default server (Debian's welcome page), so
 * naming the addresses lets requests by IP reach the app whatever else the host serves.
 */
function siteNames(config: SlipwayConfig): string[] {
  if (config.proxy.domains.length > 0) return config.proxy.domains;
  const hosts = selectHosts(config, config.proxy.hosts);
  const names = hosts.map((h) => {
    const address = h.address.toLowerCase();
    return address.includes(":") && !address.startsWith("[") ? `[${address}]` : address;
  });
  return [...new Set(names)];
}

/**
 * One service's upstream for a color: `instances` consecutive ports from the color's port, on 127.0.0.1 when nginx
 * runs beside the service on every host, else on every host running the service (the load-balancer layout).
 */
export function upstreamFromConfig(config: SlipwayConfig, name: string, color: Color): UpstreamModel {
  const path = `proxy.load_balance.${name}`;
  const service = serviceOf(config, name, path);
  const lb = config.proxy.load_balance[name];
  const instances = instancesOf(config, name);
  const hosts = upstreamIsLocal(config, service)
    ? ["127.0.0.1"]
    : selectHosts(config, service.hosts).map((h) => hostForUrl(h.address));
  if (hosts.length === 0) throw new ConfigMappingError(`services.${name}.hosts`, "selects no inventory host");
  const servers = hosts.flatMap((host) =>
    Array.from({ length: instances }, (_, i) => ({
      host,
      port: colorPort(service, color, i),
      ...(lb ? { maxFails: lb.max_fails, failTimeout: lb.fail_timeout } : {}),
    })),
  );
  return lb ? { service: name, servers, keepalive: lb.keepalive } : { service: name, servers };
}

function siteRoutes(config: SlipwayConfig, zones: RateLimitZones): RouteModel[] {
  const { proxy } = config;
  const base = proxy.base_path;
  const routes = proxy.routes.map((route, i) => {
    const field = `proxy.routes[${i}]`;
    serviceOf(config, route.service, `${field}.service`);
    if (!route.path.endsWith("/")) {
      throw new ConfigMappingError(
        `${field}.path`,
        `${JSON.stringify(route.path)} must end with "/" (nginx prefix locations match by segment only that way)`,
      );
    }
    const rateLimit = route.rate_limit ?? proxy.rate_limit;
    return withOptional({
      path: joinPath(base, route.path),
      upstream: route.service,
      upstreamPath: upstreamPath(base, route),
      scriptName: base !== "/" && proxy.script_name_header ? base.replace(/\/$/, "") : undefined,
      websockets: (route.websockets ?? proxy.websockets) || undefined,
      cors: route.cors ? corsModel(config) : undefined,
      rateLimit:
        rateLimit &&
        (route.rate_limit
          ? zones.ref(route.rate_limit, routeZoneName(route.path, i), `${field}.rate_limit`)
          : zones.ref(rateLimit, "global", "proxy.rate_limit")),
    });
  });
  if (proxy.static) attachStatic(config, routes);
  return routes;
}

/** `/harvest/` + `/api/` -> `/harvest/api/`. */
export function joinPath(base: string, path: string): string {
  return `${base.replace(/\/$/, "")}${path}`;
}

/** What replaces the location in the URI sent on: the base path always goes, the route path with strip_prefix. */
function upstreamPath(base: string, route: RouteConfig): string | null {
  if (route.strip_prefix) return "/";
  return base === "/" ? null : route.path;
}

/**
 * Static files: the route whose location is the static path serves files first and falls back to its service; a
 * static path with no route of its own gets one, falling back to the service of the longest route above it.
 */
/** `proxy.static.root`, else (with `source`) the live release's shipped copy: `<deploy_dir>/current/_static`. */
export function staticRoot(config: SlipwayConfig): string {
  const cfg = config.proxy.static;
  if (cfg?.root !== undefined) return cfg.root;
  if (cfg?.source === undefined) throw new ConfigMappingError("proxy.static", "has neither `root` nor `source`");
  return `${config.deploy_dir.replace(/\/+$/, "")}/current/${STATIC_DIR}`;
}

/** Directory of the shipped static files in a release (a service name cannot start with `_`). */
export const STATIC_DIR = "_static";

/**
 * Where `proxy.static.source` lands below a release, e.g. `_static/harvest/static`: nginx's `root` appends the whole
 * request path (`/harvest/static/app.css`), so the files sit under the location's path.
 */
export function staticShipDir(config: SlipwayConfig): string {
  const path = joinPath(config.proxy.base_path, config.proxy.static?.path ?? "/static/");
  return `${STATIC_DIR}${path.replace(/\/+$/, "")}`;
}

function attachStatic(config: SlipwayConfig, routes: RouteModel[]): void {
  const cfg = config.proxy.static;
  if (!cfg) return;
  const path = joinPath(config.proxy.base_path, cfg.path);
  const staticModel = { root: staticRoot(config), expires: cfg.expires };
  let route = routes.find((r) => r.path === path);
  if (!route) {
    const parent = routes.filter((r) => path.startsWith(r.path)).sort((a, b) => b.path.length - a.path.length)[0];
    if (!parent) {
      throw new ConfigMappingError("proxy.static.path", `${path} is under no route: misses would have nowhere to go`);
    }
    // The part of the static path below the parent's location reaches the app as the parent would send it.
    const upstreamPath =
      parent.upstreamPath === null ? null : `${parent.upstreamPath}${path.slice(parent.path.length)}`;
    route = { ...parent, path, upstreamPath };
    routes.push(route);
  }
  route.static = staticModel;
}

function corsModel(config: SlipwayConfig): CorsModel | undefined {
  const cors = config.proxy.cors;
  if (!cors) return undefined;
  const any = cors.origins.includes("*");
  if (any && cors.origins.length > 1) {
    throw new ConfigMappingError("proxy.cors.origins", '"*" allows every origin: list it alone or not at all');
  }
  return withOptional({
    origins: any ? [] : cors.origins,
    allowAnyOrigin: any || undefined,
    methods: cors.methods,
    headers: cors.headers,
    credentials: cors.credentials || undefined,
    maxAgeSeconds: cors.max_age,
  });
}

/** limit_req zones: one shared by every route using `proxy.rate_limit`, one per route with its own. */
class RateLimitZones {
  readonly #zones = new Map<string, RateLimitZoneModel>();

  ref(limit: NonNullable<RouteConfig["rate_limit"]>, name: string, configPath: string) {
    const size = nginxSize(limit.zone_size, `${configPath}.zone_size`);
    this.#zones.set(name, { name, size, rate: limit.rate });
    return withOptional({ zone: name, burst: limit.burst || undefined, nodelay: limit.nodelay || undefined });
  }

  list(): RateLimitZoneModel[] {
    return [...this.#zones.values()];
  }
}

/** `/api/` -> `api`, `/` -> `root`, `/v1/admin/` -> `v1-admin` (plus the route index when that is no name). */
function routeZoneName(path: string, index: number): string {
  const slug = path
    .toLowerCase()
    .replaceAll(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  if (slug === "") return "root";
  if (slug === "global") return `route-${index}`;
  return /^[a-z][a-z0-9-]{0,40}$/.test(slug) ? slug : `route-${index}`;
}

function securityHeaders(config: SlipwayConfig): HeaderModel[] {
  const h = config.proxy.security_headers;
  if (!h) return [];
  const headers: HeaderModel[] = [
    { name: "X-Frame-Options", value: h.frame_options },
    { name: "X-Content-Type-Options", value: h.content_type_options },
    { name: "Referrer-Policy", value: h.referrer_policy },
  ];
  if (h.xss_protection !== undefined) headers.push({ name: "X-XSS-Protection", value: h.xss_protection });
  if (h.content_security_policy !== undefined) {
    headers.push({ name: "Content-Security-Policy", value: h.content_security_policy });
  }
  for (const [name, value] of Object.entries(h.extra)) headers.push({ name, value });
  return headers;
}

/**
 * The HTTPS block exists only once the certificate does (certbot needs the plain-HTTP site to answer the challenge
 * first). The certificate is `certificate_path`, or certbot's live directory named after the first domain.
 */
export function tlsModel(config: SlipwayConfig, tlsReady: boolean): TlsModel | null {
  const { tls, proxy } = config;
  if (!tls.enabled || !tlsReady) return null;
  let certificate = tls.certificate_path;
  let certificateKey = tls.key_path;
  if (certificate === undefined || certificateKey === undefined) {
    const domain = certificateNames(config)[0];
    if (domain === undefined) {
      throw new ConfigMappingError("tls.domains", "is empty and so is proxy.domains: the certificate needs a name");
    }
    if (domain.startsWith("*.")) {
      throw new ConfigMappingError(
        "tls.domains[0]",
        `${domain} is a wildcard: certbot --webroot cannot get it`,
        "give certificate_path and key_path for a wildcard certificate",
      );
    }
    certificate = `/etc/letsencrypt/live/${domain}/fullchain.pem`;
    certificateKey = `/etc/letsencrypt/live/${domain}/privkey.pem`;
  }
  const hsts = proxy.security_headers?.hsts ?? true;
  return {
    certificate,
    certificateKey,
    redirectHttp: tls.redirect_http,
    hsts: hsts ? { maxAgeSeconds: HSTS_MAX_AGE, includeSubDomains: false, preload: false } : null,
    http2: false,
  };
}

function nginxSize(value: string, configPath: string): string {
  const { amount, unit } = integerSize(value, configPath);
  return `${amount}${unit.toLowerCase()}`;
}

/** Drops keys whose value is undefined, so models (and golden output) carry only what the config set. */
function withOptional<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
