/**
 * nginx site and upstream files from a NginxSiteModel. The view builders validate every value for nginx syntax (see
 * nginx-values.ts) and derive every nginx-global name (upstreams, zones, map variables) from the app name, so two
 * apps on one host cannot collide. The templates only place the prepared strings.
 */
import { RenderError } from "./errors.js";
import { renderTemplate } from "./handlebars.js";
import type { NginxSiteModel, ServerModel, TlsModel, UpstreamModel } from "./model.js";
import { corsVaryVariable, coversRoot, locationViews, type RouteContext, withHeaders } from "./nginx-locations.js";
import { maintenanceMapView, maintenanceServerView } from "./nginx-maintenance.js";
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

/**
 * COLOR_HEADER's value: the app and the color (`shop/blue`), so a reader trusts only its own app's site (D84: another
 * app's site serving the same name answers with its own color). Sites rendered before carry the bare color.
 */
export function colorHeaderValue(app: string, color: string): string {
  return `${app}/${color}`;
}

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
  const services = model.upstreams.map((u) => u.service);
  const own = linked(model)
    ? [
        ...services.map((s) => renderSocketUpstream(model.app, s, dir)),
        ...(model.preview ? services.map((s) => renderSocketUpstream(model.app, s, dir, "preview")) : []),
      ]
    : [
        ...model.upstreams.map((u) => renderNginxUpstream(model.app, u, dir)),
        ...(model.preview?.upstreams ?? []).map((u) => renderNginxUpstream(model.app, u, dir, "preview")),
      ];
  return [
    ...own,
    ...(model.colorSockets?.colors ?? []).flatMap(({ color, upstreams }) =>
      upstreams.map((u) => renderNginxUpstream(model.app, u, dir, identifier(color, "colorSockets.color"))),
    ),
  ];
}

/** The public upstreams go through the socket links (colorSockets, not only its listeners). */
function linked(model: NginxSiteModel): boolean {
  return model.colorSockets !== undefined && model.colorSockets.listenersOnly !== true;
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
  const colorHeader = (color: string, field: string) =>
    `${COLOR_HEADER} ${nx.quotedHeaderValue(colorHeaderValue(model.app, color), field)}`;
  // With colorSockets each color's listener names itself: a header here would name the color of the render.
  const marked = model.color !== undefined && !linked(model);
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
    const previewColor = linked(model) ? [] : [colorHeader(model.preview.color, "preview.color")];
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
      header: `${COLOR_HEADER} ${nx.quotedHeaderValue(colorHeaderValue(model.app, color), `colorSockets.colors[${i}].color`)}`,
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
