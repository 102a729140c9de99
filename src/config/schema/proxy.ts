import { z } from "zod";
import {
  absolutePath,
  bool,
  domain,
  duration,
  headerValue,
  httpStatus,
  inventoryName,
  localPath,
  nonNegativeInt,
  nonZeroDuration,
  origin,
  patternString,
  port,
  positiveInt,
  prefixPath,
  requestPath,
  resourceName,
  size,
} from "./primitives.js";

const RATE_PATTERN = /^\d+r\/[sm]$/;
const rateLimitSchema = z
  .strictObject({
    rate: patternString(RATE_PATTERN, 'expected a rate like "20r/s" or "300r/m"').describe(
      "Requests per client address.",
    ),
    burst: nonNegativeInt().default(0).describe("Requests allowed above the rate before 429."),
    nodelay: bool().default(true).describe("Serve the burst at once instead of spacing it out."),
    zone_size: size().default("10m").describe("Shared memory for the limit_req zone."),
  })
  .describe("Request rate limit (nginx limit_req); over the limit clients get 429.");

const routeCheckSchema = z
  .strictObject({
    path: requestPath()
      .optional()
      .describe(
        "Path requested, under `base_path` like the route's own path and starting with it (e.g. `/api/items` for the route `/api/`). Default: the route's path.",
      ),
    status: httpStatus()
      .default(200)
      .describe("The one status that passes; any other, a redirect included, fails the deploy."),
    body: z
      .string({ error: "expected a string" })
      .min(1, { error: "expected a non-empty string" })
      .optional()
      .describe("Substring the answer's body must contain."),
  })
  .describe(
    "How the deploy checks this route through nginx, before the switch on the idle color and after it on the live one.",
  );

const routeSchema = z
  .strictObject({
    path: prefixPath().describe(
      'Location under `base_path`, ending in "/" (e.g. `/api/`); the longest matching path wins.',
    ),
    service: resourceName("service").describe("Service receiving the requests."),
    strip_prefix: bool()
      .default(false)
      .describe("Remove this route's path before passing on (the base path is always removed)."),
    websockets: bool().optional().describe("Pass websocket upgrades. Default: `proxy.websockets`."),
    cors: bool().default(true).describe("Apply `proxy.cors` to this route (when CORS is configured)."),
    rate_limit: rateLimitSchema.optional().describe("Rate limit for this route. Default: `proxy.rate_limit`."),
    check: z
      .union([z.literal(false), routeCheckSchema], {
        error: "expected false or a mapping with path, status and body",
      })
      .prefault({})
      .describe(
        "Route check (default: GET the route's path, expect 200). `false` skips this route, e.g. a websocket-only location; at least one route stays checked.",
      ),
  })
  .describe("A location and the service behind it.");

const corsSchema = z
  .strictObject({
    origins: z
      .array(origin())
      .min(1, { error: "expected at least one origin" })
      .describe('Origins allowed (exact match). `"*"` only when asked for.'),
    methods: z
      .array(patternString(/^[A-Z]+$/, 'expected an HTTP method like "GET"'))
      .default(["GET", "POST", "PUT", "DELETE", "OPTIONS"])
      .describe("Allowed methods in preflight answers."),
    headers: z
      .array(patternString(/^[A-Za-z0-9-]+$/, 'expected a header name like "Content-Type"'))
      .default(["Content-Type", "Authorization"])
      .describe("Allowed request headers."),
    credentials: bool().default(false).describe("Send `Access-Control-Allow-Credentials: true`."),
    max_age: nonNegativeInt().default(600).describe("Seconds browsers may cache a preflight answer."),
  })
  .describe(
    "CORS: preflight (OPTIONS) answered by nginx with 204 for allowed origins, 403 (no CORS headers) for a preflight from any other origin.",
  );

const securityHeadersSchema = z
  .strictObject({
    frame_options: headerValue().default("SAMEORIGIN").describe("X-Frame-Options."),
    content_type_options: headerValue().default("nosniff").describe("X-Content-Type-Options."),
    referrer_policy: headerValue().default("strict-origin-when-cross-origin").describe("Referrer-Policy."),
    xss_protection: headerValue().optional().describe('X-XSS-Protection (legacy; e.g. "1; mode=block").'),
    content_security_policy: headerValue().optional().describe("Content-Security-Policy."),
    hsts: bool().default(true).describe("Strict-Transport-Security once TLS is on."),
    extra: z
      .record(patternString(/^[A-Za-z0-9-]+$/, 'expected a header name like "X-Robots-Tag"'), headerValue())
      .default({})
      .describe("Other response headers."),
  })
  .describe("Security response headers (`{}` turns on the defaults).");

const timeoutsSchema = z
  .strictObject({
    connect: nonZeroDuration("makes nginx give up (504) on every connection to the app that does not open at once")
      .default("60s")
      .describe("proxy_connect_timeout (above 0)."),
    send: nonZeroDuration("makes nginx give up on any request it cannot hand to the app at once (504)")
      .default("60s")
      .describe("proxy_send_timeout (above 0)."),
    read: nonZeroDuration("makes nginx answer 504 on every route before the app answers")
      .default("60s")
      .describe("proxy_read_timeout (above 0): the longest wait for the app's next bytes."),
  })
  .describe("Proxy timeouts (raise them for long requests).");

const staticSchema = z
  .strictObject({
    root: absolutePath()
      .optional()
      .describe("Directory on the host served by nginx. Default with `source`: the live release's copy of it."),
    source: localPath()
      .optional()
      .describe(
        "Local directory (relative to slipway.yml, or to --release-dir) shipped with every release; nginx serves the live release's copy (root `<deploy_dir>/current/_static`, the files under the location's path). `hello.txt` in it answers `<path>hello.txt`.",
      ),
    path: prefixPath().default("/static/").describe("Location of the static files. With `/`, misses go to the app."),
    expires: patternString(/^(off|max|epoch|\d+[smhdwMy]?)$/, 'expected an expiry like "30d", "12h", "max" or "off"')
      .default("7d")
      .describe("Expires/Cache-Control max-age for static files."),
  })
  .describe("Static files served by nginx (try_files $uri, then the app).");

const gzipSchema = z
  .strictObject({
    types: z
      .array(patternString(/^[a-z]+\/[a-z0-9.+*-]+$/, 'expected a MIME type like "application/json"'))
      .default(["text/css", "application/javascript", "application/json", "image/svg+xml", "text/plain"])
      .describe("MIME types compressed (text/html always is)."),
    min_length: nonNegativeInt().default(1024).describe("Smallest response compressed, in bytes."),
  })
  .describe("gzip compression.");

const loadBalanceSchema = z
  .strictObject({
    instances: positiveInt()
      .default(1)
      .describe(
        "Processes of the service per host and color, in one upstream, on consecutive ports from the color's port, each health-gated, drained and stopped with its color. Runtime container: one container per instance (`<app>-<service>-<color>-<n>`); systemd: one instance of the template unit per process (`<app>-<service>@<color>`, `@<color>-2`, ...) with its own PORT; compose: one service per instance in the color's project (`<service>`, `<service>-2`, ...). Under systemd the service cannot have `depends_on`.",
      ),
    max_fails: nonNegativeInt().default(3).describe("Upstream max_fails."),
    fail_timeout: duration().default("30s").describe("Upstream fail_timeout."),
    keepalive: nonNegativeInt().default(32).describe("Idle keepalive connections to the upstream."),
  })
  .describe("Upstream of a service: several instances (ports `port`, `port+1`, ...) and hosts.");

const apiSubdomainSchema = z
  .strictObject({
    domain: domain().describe("Domain serving the API at its root (e.g. `api.example.com`)."),
    service: resourceName("service").describe("Service behind it."),
  })
  .describe("A separate server block for the API (seed 000 'API subdomain').");

export const proxySchema = z
  .strictObject({
    mode: z
      .enum(["nginx", "internal"], { error: 'expected "nginx" or "internal"' })
      .default("nginx")
      .describe("`nginx`: nginx in front; `internal`: no nginx, services bound to 127.0.0.1 only."),
    domains: z
      .array(domain())
      .default([])
      .describe(
        "server_name values. Empty: the addresses of the nginx hosts (`inventory.hosts.*.address`), so requests by IP reach the app even beside the distro's default site.",
      ),
    default_server: bool()
      .default(false)
      .describe(
        "Also answer requests for names no other site on the host claims (`listen ... default_server`). nginx allows one default server per port: the bootstrap disables Debian's default site for it.",
      ),
    ipv6: bool().default(true).describe("Listen on IPv6 too (`[::]:80`, `[::]:443`), as Debian's default site does."),
    base_path: prefixPath().default("/").describe("Mount point of the app, e.g. `/harvest/`; routes are below it."),
    script_name_header: bool()
      .default(true)
      .describe("Send `X-Script-Name: <base path>` so the app builds its URLs under the base path."),
    routes: z.array(routeSchema).default([]).describe("Locations and their services."),
    api_subdomain: apiSubdomainSchema.optional(),
    websockets: bool().default(false).describe("Pass websocket upgrades on every route."),
    cors: corsSchema.optional(),
    rate_limit: rateLimitSchema.optional(),
    client_max_body_size: size().default("1m").describe("Largest request body accepted."),
    timeouts: timeoutsSchema.prefault({}),
    security_headers: securityHeadersSchema.optional(),
    static: staticSchema.optional(),
    gzip: gzipSchema.optional(),
    load_balance: z
      .record(resourceName("service"), loadBalanceSchema)
      .default({})
      .describe("Per-service upstream settings."),
    deny_dotfiles: bool()
      .default(true)
      .describe("Answer 404 for `/.git`, `/.env` and other dotfiles (not `/.well-known`)."),
    hosts: z
      .array(inventoryName("host or group"))
      .optional()
      .describe(
        'Hosts or groups running nginx, the preview, the switch and the certificate (a load balancer in front of the hosts of `services.*.hosts`, reached at their inventory addresses). Default: every host runs its own. The hosts of such a layout deploy together: see docs/deploy.md "Load-balancer layout".',
      ),
    site_name: resourceName("site").optional().describe("File name of the nginx site. Default: the app name."),
    preview: bool()
      .default(true)
      .describe(
        "Before the switch, check every route through nginx against the new color on a loopback-only listener: a release failing there is never switched to.",
      ),
    switch: z
      .enum(["socket", "reload"], { error: 'expected "socket" or "reload"' })
      .default("socket")
      .describe(
        "How nginx moves to the new color. `socket`: each upstream is a unix socket link the deploy repoints at the color's own listener in the site, so no reload closes users' keep-alive connections (nginx resolves the link at every connect), both ways: the switch back after a failed check and a rollback move the links the same way. A deploy whose site itself changes (a route, `proxy.preview` turned on or off, a domain) still reloads once at its switch, which closes idle keep-alive connections (clients retry them; the plan shows the site's diff). `reload`: rewrite the upstream files and reload nginx. Changing it between deploys is safe under load: the first `reload` deploy after `socket` keeps the colors' listeners in the site through its reload (nginx's old workers still send requests through the links until they exit; a listener removed by that reload failed them with 502) and removes the links at its `retire`, after the drain (its plan says so); the next deploy's reload drops the listeners, which nothing uses then. `reload` to `socket` points the links first and reloads once (`src/deploy/socket-links.ts` `socketLinksLeft`; e2e `test/e2e/deploy/switch-mode.test.ts`).",
      ),
    preview_port: port()
      .optional()
      .describe(
        "Port of the preview listener on 127.0.0.1. Default: 30000-32699 (below the ephemeral range), derived from the app name.",
      ),
  })
  .describe("What sits in front of the services.");
