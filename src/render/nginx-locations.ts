/**
 * The `location` blocks of the nginx site (render/nginx.ts): one per route, its proxy headers, static files, rate
 * limit and CORS (the origin maps the site defines, shared between routes that allow the same origins). Every value is
 * validated for nginx syntax (nginx-values.ts); the names derive from the app, so two apps on one host cannot collide.
 */
import { RenderError } from "./errors.js";
import type { RouteModel, ServerModel } from "./model.js";
import { MAINTENANCE_BYPASS_HEADER } from "./nginx-maintenance.js";
import * as nx from "./nginx-values.js";
import { absolutePath, nginxIdent, positiveInt, uniqueBy } from "./validate.js";

export interface RouteContext {
  /** "preview": proxy to the preview upstreams (previewServer). */
  upstreamVariant?: string;
  appId: string;
  services: Set<string>;
  zones: Set<string>;
  corsMaps: Array<{ variable: string; origins: string[]; deny: string }>;
  websockets: boolean;
  /** Some location adds `Vary: Origin`: the site defines the map merging it with the app's Vary. */
  corsVary: boolean;
  /** The site has the maintenance page: the bypass token's header is dropped before proxying (the app never sees it). */
  dropBypass: boolean;
}

export interface LocationView {
  path: string;
  rateLimit: string | null;
  cors: { preflightHeaders: string[]; deny: string | null } | null;
  corsHeaders: string[];
  headers: string[];
  static: { root: string; index: string | null; expires: string; fallback: string; rewrite: string | null } | null;
  proxyPass: string;
  proxyHeaders: string[];
  /** Upstream response headers nginx sets itself (CORS): the app's copies are dropped so each appears once. */
  hideHeaders: string[];
}

/**
 * Whether some location answers `/`. A site whose routes all sit under a prefix (a `base_path` app) would otherwise
 * leave `/` of its own names to nginx's built-in root, Debian's welcome page (issue 11, kind 1).
 */
export function coversRoot(locations: readonly LocationView[]): boolean {
  return locations.some((l) => l.path === "/");
}

/** Security headers (and HSTS on https) go into every location: nginx drops inherited add_header once a location has its own. */
export function withHeaders(locations: LocationView[], headers: string[]): LocationView[] {
  return locations.map((l) => ({ ...l, headers: [...l.corsHeaders, ...headers] }));
}

/** The locations of a server block, one per route (paths unique), in the routes' order. */
export function locationViews(server: ServerModel, field: string, ctx: RouteContext): LocationView[] {
  uniqueBy(server.routes, (r) => r.path, `${field}.routes`);
  return server.routes.map((route, i) => locationView(route, `${field}.routes[${i}]`, ctx));
}

function locationView(route: RouteModel, field: string, ctx: RouteContext): LocationView {
  const path = nx.locationPath(route.path, `${field}.path`);
  if (!ctx.services.has(route.upstream)) {
    throw new RenderError(`${field}.upstream`, route.upstream, "is not one of the upstreams' services");
  }
  const upstreamPath = route.upstreamPath === null ? "" : nx.locationPath(route.upstreamPath, `${field}.upstreamPath`);
  const variant = ctx.upstreamVariant ? `_${ctx.upstreamVariant}` : "";
  const proxyPass = `http://${ctx.appId}_${nginxIdent(route.upstream)}${variant}${upstreamPath}`;

  const proxyHeaders = [
    "Host $host",
    "X-Real-IP $remote_addr",
    "X-Forwarded-For $proxy_add_x_forwarded_for",
    "X-Forwarded-Proto $scheme",
  ];
  if (route.scriptName !== undefined) {
    proxyHeaders.push(`X-Script-Name ${nx.mountPoint(route.scriptName, `${field}.scriptName`)}`);
  }
  if (route.websockets) {
    ctx.websockets = true;
    proxyHeaders.push("Upgrade $http_upgrade", `Connection $${ctx.appId}_connection_upgrade`);
  } else {
    proxyHeaders.push('Connection ""');
  }
  if (ctx.dropBypass) proxyHeaders.push(`${MAINTENANCE_BYPASS_HEADER} ""`);

  let rateLimit: string | null = null;
  if (route.rateLimit) {
    const rl = route.rateLimit;
    if (!ctx.zones.has(rl.zone)) {
      throw new RenderError(`${field}.rateLimit.zone`, rl.zone, "is not one of rateLimitZones");
    }
    rateLimit = `zone=${ctx.appId}_${nginxIdent(rl.zone)}`;
    if (rl.burst !== undefined) rateLimit += ` burst=${positiveInt(rl.burst, `${field}.rateLimit.burst`)}`;
    if (rl.nodelay) rateLimit += " nodelay";
  }

  const { cors, corsHeaders, hideHeaders } = corsView(route, field, ctx);

  let staticView: LocationView["static"] = null;
  let fallbackPass = proxyPass;
  if (route.static) {
    // nginx forbids a URI in proxy_pass inside a named location (where the fallback proxies from): the URI is
    // rewritten there instead, then passed on as is.
    fallbackPass = `http://${ctx.appId}_${nginxIdent(route.upstream)}${variant}`;
    staticView = {
      rewrite: upstreamPath === "" ? null : `^${path.replaceAll(/[.+]/g, (c) => `\\${c}`)}(.*)$ ${upstreamPath}$1`,
      root: absolutePath(route.static.root, `${field}.static.root`),
      index: route.static.index?.map((n, j) => nx.fileName(n, `${field}.static.index[${j}]`)).join(" ") || null,
      expires: nx.expires(route.static.expires, `${field}.static.expires`),
      fallback: `@${nginxIdent(route.upstream)}_app${path === "/" ? "" : path.replaceAll(/[^A-Za-z0-9]+/g, "_").replace(/_$/, "")}`,
    };
  }
  return {
    path,
    rateLimit,
    cors,
    corsHeaders,
    headers: [],
    static: staticView,
    proxyPass: fallbackPass,
    proxyHeaders,
    hideHeaders,
  };
}

function corsView(route: RouteModel, field: string, ctx: RouteContext) {
  const cors = route.cors;
  if (!cors) return { cors: null, corsHeaders: [] as string[], hideHeaders: [] as string[] };
  const f = `${field}.cors`;
  let allowOrigin: string;
  if (cors.allowAnyOrigin) {
    if (cors.credentials) throw new RenderError(`${f}.credentials`, true, "cannot be combined with allowAnyOrigin");
    allowOrigin = '"*"';
  } else {
    if (cors.origins.length === 0) throw new RenderError(`${f}.origins`, [], "is empty (set allowAnyOrigin for *)");
    const origins = cors.origins.map((o, i) => nx.origin(o, `${f}.origins[${i}]`));
    allowOrigin = corsMapVariable(ctx, origins);
  }
  const methods = cors.methods.map((m, i) => nx.httpMethod(m, `${f}.methods[${i}]`)).join(", ");
  const headers = cors.headers.map((h, i) => nx.headerName(h, `${f}.headers[${i}]`)).join(", ");
  const common = [`Access-Control-Allow-Origin ${allowOrigin}`];
  if (cors.credentials) common.push('Access-Control-Allow-Credentials "true"');
  if (!cors.allowAnyOrigin) {
    ctx.corsVary = true;
    common.push(`Vary ${corsVaryVariable(ctx.appId)}`);
  }
  const preflight = [...common, `Access-Control-Allow-Methods "${methods}"`];
  if (headers) preflight.push(`Access-Control-Allow-Headers "${headers}"`);
  if (cors.maxAgeSeconds !== undefined) {
    preflight.push(`Access-Control-Max-Age ${positiveInt(cors.maxAgeSeconds, `${f}.maxAgeSeconds`, 0)}`);
  }
  // A Flask-CORS (or any) app may answer with its own CORS headers: two Access-Control-Allow-Origin make browsers
  // reject the response, so nginx's are the only ones. Vary is merged by the map instead of dropped.
  const hideHeaders = [...CORS_RESPONSE_HEADERS, ...(cors.allowAnyOrigin ? [] : ["Vary"])];
  // A preflight from another origin is refused (403), not answered 204 without Allow-Origin: the app never sees it.
  const deny = cors.allowAnyOrigin ? null : corsDenyVariable(ctx, allowOrigin);
  return { cors: { preflightHeaders: preflight, deny }, corsHeaders: common, hideHeaders };
}

const CORS_RESPONSE_HEADERS = [
  "Access-Control-Allow-Origin",
  "Access-Control-Allow-Credentials",
  "Access-Control-Allow-Methods",
  "Access-Control-Allow-Headers",
  "Access-Control-Max-Age",
];

/** `$harvest_cors_vary`: the app's Vary plus Origin, once. */
export function corsVaryVariable(appId: string): string {
  return `$${appId}_cors_vary`;
}

/** Routes that allow the same origins share one `map` (one variable), whatever order the origins were listed in. */
function corsMapVariable(ctx: RouteContext, origins: string[]): string {
  const unique = [...new Set(origins)];
  const key = [...unique].sort().join(" ");
  const existing = ctx.corsMaps.find((m) => [...m.origins].sort().join(" ") === key);
  if (existing) return existing.variable;
  const n = ctx.corsMaps.length + 1;
  const variable = `$${ctx.appId}_cors_origin_${n}`;
  // A repeated origin would be a repeated map key, which nginx warns about.
  ctx.corsMaps.push({ variable, origins: unique, deny: `$${ctx.appId}_cors_deny_${n}` });
  return variable;
}

/** The variable that is 1 for a preflight (OPTIONS with an Origin) from an origin not allowed by `allowOrigin`'s map. */
function corsDenyVariable(ctx: RouteContext, allowOrigin: string): string | null {
  return ctx.corsMaps.find((m) => m.variable === allowOrigin)?.deny ?? null;
}
