/**
 * nginx site and upstream files from a NginxSiteModel. The view builders validate every value for nginx syntax (see
 * nginx-values.ts) and derive every nginx-global name (upstreams, zones, map variables) from the app name, so two
 * apps on one host cannot collide. The templates only place the prepared strings.
 */
import { RenderError } from "./errors.js";
import { renderTemplate } from "./handlebars.js";
import type { NginxSiteModel, RouteModel, ServerModel, TlsModel, UpstreamModel } from "./model.js";
import { MAINTENANCE_BYPASS_HEADER, maintenanceMapView, maintenanceServerView } from "./nginx-maintenance.js";
import * as nx from "./nginx-values.js";
import { absolutePath, hostAddress, identifier, nginxIdent, port, positiveInt, uniqueBy } from "./validate.js";

export interface RenderedFile {
  path: string;
  content: string;
}

/** `/etc/nginx/slipway/harvest-backend.upstream.conf` (the preview's: `harvest-backend.preview.upstream.conf`). */
export function upstreamIncludePath(includeDir: string, app: string, service: string, variant = ""): string {
  return `${includeDir.replace(/\/$/, "")}/${app}-${service}${variant ? `.${variant}` : ""}.upstream.conf`;
}

export function upstreamName(app: string, service: string, variant = ""): string {
  return `${nginxIdent(app)}_${nginxIdent(service)}${variant ? `_${variant}` : ""}`;
}

/** The response header naming the color that answered (read by the deploy's verification). */
export const COLOR_HEADER = "X-Slipway-Color";

/** The include file for one upstream: what the blue-green switch rewrites to point at the other color. */
export function renderNginxUpstream(
  app: string,
  upstream: UpstreamModel,
  includeDir: string,
  variant = "",
): RenderedFile {
  identifier(app, "app");
  const field = `upstreams[${upstream.service}]`;
  identifier(upstream.service, `${field}.service`);
  absolutePath(includeDir, "upstreamIncludeDir");
  if (upstream.servers.length === 0)
    throw new RenderError(`${field}.servers`, [], "is empty: an upstream needs a server");
  const servers = upstream.servers.map((server, i) => {
    const f = `${field}.servers[${i}]`;
    const parts = [`${hostAddress(server.host, `${f}.host`)}:${port(server.port, `${f}.port`)}`];
    if (server.weight !== undefined) parts.push(`weight=${positiveInt(server.weight, `${f}.weight`)}`);
    if (server.maxFails !== undefined) parts.push(`max_fails=${positiveInt(server.maxFails, `${f}.maxFails`, 0)}`);
    if (server.failTimeout !== undefined) parts.push(`fail_timeout=${nx.time(server.failTimeout, `${f}.failTimeout`)}`);
    if (server.backup) parts.push("backup");
    return parts.join(" ");
  });
  uniqueBy(upstream.servers, (s) => `${s.host}:${s.port}`, `${field}.servers`);
  const keepalive = upstream.keepalive === undefined ? null : positiveInt(upstream.keepalive, `${field}.keepalive`);
  const content = renderTemplate("nginx/upstream.conf.hbs", {
    app,
    service: upstream.service,
    name: upstreamName(app, upstream.service, variant),
    servers,
    keepalive,
  });
  return { path: upstreamIncludePath(includeDir, app, upstream.service, variant), content };
}

export function renderNginxSite(model: NginxSiteModel): string {
  return renderTemplate("nginx/site.conf.hbs", buildSiteView(model));
}

/** The link the switch points at a color's listener: `/etc/nginx/slipway/harvest-backend.sock` (`.preview.sock`). */
export function socketLinkPath(includeDir: string, app: string, service: string, variant = ""): string {
  return `${includeDir.replace(/\/$/, "")}/${app}-${service}${variant ? `.${variant}` : ""}.sock`;
}

/** A color's listener for one service: `/run/slipway/harvest-backend-green.sock`. */
export function colorSocketPath(runDir: string, app: string, service: string, color: string): string {
  return `${runDir.replace(/\/$/, "")}/${app}-${service}-${color}.sock`;
}

/** An upstream whose one server is the socket link (no keepalive: every connect resolves the link anew). */
function renderSocketUpstream(app: string, service: string, includeDir: string, variant = ""): RenderedFile {
  const link = absolutePath(socketLinkPath(includeDir, app, service, variant), `upstreams[${service}].socket`);
  const content = renderTemplate("nginx/upstream.conf.hbs", {
    app,
    service,
    name: upstreamName(app, service, variant),
    servers: [`unix:${link}`],
    keepalive: null,
  });
  return { path: upstreamIncludePath(includeDir, app, service, variant), content };
}

/** The include files of the upstreams: per service, or with colorSockets the links and each color's servers. */
function upstreamFiles(model: NginxSiteModel): RenderedFile[] {
  const dir = model.upstreamIncludeDir;
  if (!model.colorSockets) {
    return [
      ...model.upstreams.map((u) => renderNginxUpstream(model.app, u, dir)),
      ...(model.preview?.upstreams ?? []).map((u) => renderNginxUpstream(model.app, u, dir, "preview")),
    ];
  }
  const services = model.upstreams.map((u) => u.service);
  return [
    ...services.map((s) => renderSocketUpstream(model.app, s, dir)),
    ...(model.preview ? services.map((s) => renderSocketUpstream(model.app, s, dir, "preview")) : []),
    ...model.colorSockets.colors.flatMap(({ color, upstreams }) =>
      upstreams.map((u) => renderNginxUpstream(model.app, u, dir, identifier(color, "colorSockets.color"))),
    ),
  ];
}

/** The site file plus one include file per upstream, in the order they must exist for `nginx -t`. */
export function renderNginxFiles(model: NginxSiteModel, sitePath: string): RenderedFile[] {
  return [...upstreamFiles(model), { path: sitePath, content: renderNginxSite(model) }];
}

function buildSiteView(model: NginxSiteModel) {
  const app = identifier(model.app, "app");
  const appId = nginxIdent(app);
  absolutePath(model.upstreamIncludeDir, "upstreamIncludeDir");
  uniqueBy(model.upstreams, (u) => u.service, "upstreams");
  for (const [i, u] of model.upstreams.entries()) identifier(u.service, `upstreams[${i}].service`);
  const services = new Set(model.upstreams.map((u) => u.service));

  uniqueBy(model.rateLimitZones, (z) => z.name, "rateLimitZones");
  const zones = new Set<string>();
  const rateLimitZones = model.rateLimitZones.map((z, i) => {
    zones.add(identifier(z.name, `rateLimitZones[${i}].name`));
    return {
      zone: `${appId}_${nginxIdent(z.name)}`,
      size: nx.size(z.size, `rateLimitZones[${i}].size`),
      rate: nx.rate(z.rate, `rateLimitZones[${i}].rate`),
    };
  });

  const securityHeaders = model.securityHeaders.map(
    (h, i) =>
      `${nx.headerName(h.name, `securityHeaders[${i}].name`)} ${nx.quotedHeaderValue(h.value, `securityHeaders[${i}].value`)}`,
  );
  const colorHeader = (color: string, field: string) => `${COLOR_HEADER} ${nx.quotedHeaderValue(color, field)}`;
  // With colorSockets each color's listener names itself: a header here would name the color of the render.
  const marked = model.color !== undefined && !model.colorSockets;
  const headers = [...securityHeaders, ...(marked ? [colorHeader(model.color as string, "color")] : [])];
  const tls = model.tls ? tlsView(model.tls) : null;
  const shared = {
    clientMaxBodySize: model.clientMaxBodySize === null ? null : nx.size(model.clientMaxBodySize, "clientMaxBodySize"),
    timeouts: model.proxyTimeouts && {
      connect: nx.time(model.proxyTimeouts.connect, "proxyTimeouts.connect"),
      send: nx.time(model.proxyTimeouts.send, "proxyTimeouts.send"),
      read: nx.time(model.proxyTimeouts.read, "proxyTimeouts.read"),
    },
    gzipTypes: model.gzip?.types.map((t, i) => nx.mimeType(t, `gzip.types[${i}]`)).join(" ") ?? null,
    gzipMinLength: model.gzip?.minLength === undefined ? null : positiveInt(model.gzip.minLength, "gzip.minLength", 0),
    denyDotfiles: model.denyDotfiles,
  };
  const acmeWebroot = absolutePath(model.acmeWebroot, "acmeWebroot");
  const httpPort = port(model.listen.httpPort, "listen.httpPort");
  const httpsPort = port(model.listen.httpsPort, "listen.httpsPort");
  const flags = model.listen.defaultServer ? " default_server" : "";
  const maintenance = maintenanceServerView(model, appId);
  const listenOn = (p: string) => (model.listen.ipv6 ? [`${p}${flags}`, `[::]:${p}${flags}`] : [`${p}${flags}`]);

  const ctx: RouteContext = {
    appId,
    services,
    zones,
    corsMaps: [],
    websockets: false,
    corsVary: false,
    dropBypass: Boolean(model.maintenance),
  };
  if (model.servers.length === 0) throw new RenderError("servers", [], "is empty: a site needs a server block");
  const servers: object[] = model.servers.flatMap((server, i) => {
    const field = `servers[${i}]`;
    if (server.serverNames.length === 0) throw new RenderError(`${field}.serverNames`, [], "is empty");
    const serverNames = server.serverNames.map((n, j) => nx.serverName(n, `${field}.serverNames[${j}]`)).join(" ");
    const locations = locationViews(server, field, ctx);
    const http = {
      listen: listenOn(String(httpPort)),
      serverNames,
      tls: null,
      ...shared,
      maintenance,
      acmeWebroot,
      redirectToHttps: Boolean(tls?.redirectHttp),
      locations: tls?.redirectHttp ? [] : withHeaders(locations, headers),
      notFoundRoot: !tls?.redirectHttp && !coversRoot(locations),
    };
    if (!tls) return [http];
    const hsts = tls.hsts ? [`Strict-Transport-Security ${tls.hsts}`] : [];
    const https = {
      listen: listenOn(`${httpsPort} ssl${tls.http2 ? " http2" : ""}`),
      serverNames,
      tls: { certificate: tls.certificate, certificateKey: tls.certificateKey },
      ...shared,
      maintenance,
      acmeWebroot: null,
      redirectToHttps: false,
      locations: withHeaders(locations, [...headers, ...hsts]),
      notFoundRoot: !coversRoot(locations),
    };
    return [http, https];
  });
  if (model.preview) {
    const previewColor = model.colorSockets ? [] : [colorHeader(model.preview.color, "preview.color")];
    servers.push(previewServer(model, model.preview, ctx, shared, [...securityHeaders, ...previewColor]));
  }

  return {
    app,
    upstreamIncludes: upstreamFiles(model).map((f) => f.path),
    colorListeners: colorListenerViews(model, shared.timeouts),
    rateLimitZones,
    websocketMap: ctx.websockets ? `$${appId}_connection_upgrade` : null,
    corsMaps: ctx.corsMaps,
    corsVaryMap: ctx.corsVary ? corsVaryVariable(appId) : null,
    maintenanceMap: maintenanceMapView(model, appId),
    servers,
  };
}

/**
 * One listener per color and service (colorSockets): the socket links point here. It passes the request on as the
 * public server block prepared it (URI, X-Forwarded-*, Upgrade) to the color's servers and names the color; the
 * body size is limited, and the response buffered, by the public block.
 */
function colorListenerViews(model: NginxSiteModel, timeouts: object | null) {
  const sockets = model.colorSockets;
  if (!sockets) return [];
  const runDir = absolutePath(sockets.runDir, "colorSockets.runDir");
  return sockets.colors.flatMap(({ color, upstreams }, i) =>
    upstreams.map((u) => ({
      color,
      service: u.service,
      socket: colorSocketPath(runDir, model.app, identifier(u.service, `colorSockets.colors[${i}].service`), color),
      upstream: upstreamName(model.app, u.service, identifier(color, `colorSockets.colors[${i}].color`)),
      header: `${COLOR_HEADER} ${nx.quotedHeaderValue(color, `colorSockets.colors[${i}].color`)}`,
      timeouts,
    })),
  );
}

/**
 * The preview listener: loopback only, plain HTTP, the first server's locations and headers, proxied to the preview
 * upstreams (the idle color). Only the host reaches it; nothing users request goes there.
 */
function previewServer<S extends object>(
  model: NginxSiteModel,
  preview: NonNullable<NginxSiteModel["preview"]>,
  ctx: RouteContext,
  shared: S,
  headers: string[],
) {
  const first = model.servers[0] as ServerModel;
  for (const [i, u] of preview.upstreams.entries()) identifier(u.service, `preview.upstreams[${i}].service`);
  // The app sees what it sees behind the public server block: https when TLS is on (no "redirect to https").
  const locations = locationViews(first, "servers[0]", { ...ctx, upstreamVariant: "preview" }).map((l) => ({
    ...l,
    proxyHeaders: model.tls
      ? l.proxyHeaders.map((h) => (h === "X-Forwarded-Proto $scheme" ? "X-Forwarded-Proto https" : h))
      : l.proxyHeaders,
  }));
  return {
    listen: [`127.0.0.1:${port(preview.port, "preview.port")}`],
    serverNames: first.serverNames.map((n, j) => nx.serverName(n, `servers[0].serverNames[${j}]`)).join(" "),
    tls: null,
    ...shared,
    maintenance: null,
    acmeWebroot: null,
    redirectToHttps: false,
    locations: withHeaders(locations, headers),
    // Loopback only, for the deploy's own checks of the routes: no user reaches its / (the template needs the key).
    notFoundRoot: false,
  };
}

function tlsView(tls: TlsModel) {
  let hsts: string | null = null;
  if (tls.hsts) {
    const age = positiveInt(tls.hsts.maxAgeSeconds, "tls.hsts.maxAgeSeconds", 0);
    hsts = `"max-age=${age}${tls.hsts.includeSubDomains ? "; includeSubDomains" : ""}${tls.hsts.preload ? "; preload" : ""}"`;
  }
  return {
    certificate: absolutePath(tls.certificate, "tls.certificate"),
    certificateKey: absolutePath(tls.certificateKey, "tls.certificateKey"),
    redirectHttp: tls.redirectHttp,
    http2: Boolean(tls.http2),
    hsts,
  };
}

interface RouteContext {
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

interface LocationView {
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

/** Security headers (and HSTS on https) go into every location: nginx drops inherited add_header once a location has its own. */
/**
 * Whether some location answers `/`. A site whose routes all sit under a prefix (a `base_path` app) would otherwise
 * leave `/` of its own names to nginx's built-in root, Debian's welcome page (issue 11, kind 1).
 */
function coversRoot(locations: readonly LocationView[]): boolean {
  return locations.some((l) => l.path === "/");
}

function withHeaders(locations: LocationView[], headers: string[]): LocationView[] {
  return locations.map((l) => ({ ...l, headers: [...l.corsHeaders, ...headers] }));
}

function locationViews(server: ServerModel, field: string, ctx: RouteContext): LocationView[] {
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
function corsVaryVariable(appId: string): string {
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
