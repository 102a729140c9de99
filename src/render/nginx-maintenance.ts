/**
 * The maintenance page's nginx parts (`slipway maintenance on|off`): the maps naming the page's file for every URI but
 * the open ones (and for no request carrying the host's bypass token), and per public server block the 503 answer and
 * the internal location serving the page. Also the bypass token's file: its path, content and reader.
 */

import { RenderError } from "./errors.js";
import type { NginxSiteModel } from "./model.js";
import { positiveInt } from "./validate.js";

/** The URI nginx serves the page under (internal: a request for it from outside gets 404, never the page). */
export const MAINTENANCE_URI = "/__slipway/maintenance.html";

/** Seconds a client is told to wait (`Retry-After`) when the config does not say. */
export const DEFAULT_RETRY_AFTER_SECONDS = 300;

/**
 * The request header carrying the host's bypass token: Slipway's own checks through the public server (verify, the
 * served-color probe) send it so they reach the release behind the page. nginx drops it before proxying: the app never
 * sees it.
 */
export const MAINTENANCE_BYPASS_HEADER = "X-Slipway-Maintenance-Bypass";

/**
 * The status the maintenance test returns inside nginx (no module of nginx's own uses it), turned into 503 by the
 * server's `error_page`: only this test's answer gets the page; a 503 nginx makes for another reason keeps its own.
 */
export const MAINTENANCE_SIGNAL_STATUS = 592;

/** Who turned the page on, in a comment of the page itself (one file: written and removed with it). */
const OWNER = /<!-- slipway maintenance owner: ([^<>]+?) -->/;

/** The page's line recording its owner (`user`, `run <id>`), read back by pageOwner. */
export function maintenanceOwnerLine(owner: string): string {
  return `<!-- slipway maintenance owner: ${owner} -->`;
}

/** The owner a page's content records: `user`, or `run <id>`; a page without the comment (older Slipway) is `user`. */
export function pageOwner(content: string): string {
  return OWNER.exec(content)?.[1] ?? "user";
}

/** The run id of a page a run put on, null when the user did. */
export function ownerRun(owner: string): string | null {
  return owner.startsWith("run ") ? owner.slice(4) : null;
}

/** `/etc/nginx/slipway/harvest.maintenance.html`: exists exactly while maintenance is on. */
export function maintenancePagePath(includeDir: string, app: string): string {
  return `${includeDir.replace(/\/$/, "")}/${app}.maintenance.html`;
}

/**
 * `/etc/nginx/slipway/harvest-maintenance-bypass.conf`: the map line of the host's bypass token (root's, mode 0600),
 * made once by the first deploy of a site with maintenance support and kept, so re-rendering the site changes nothing.
 */
export function maintenanceBypassPath(includeDir: string, app: string): string {
  return `${includeDir.replace(/\/$/, "")}/${app}-maintenance-bypass.conf`;
}

/**
 * What the site includes: a file as a glob that only it matches (`harvest-maintenance-bypass.*conf`), so a host
 * without the file (the token not made yet, no --retry-after asked) still passes `nginx -t`.
 */
function optionalInclude(path: string): string {
  return path.replace(/\.conf$/, ".*conf");
}

function bypassInclude(includeDir: string, app: string): string {
  return optionalInclude(maintenanceBypassPath(includeDir, app));
}

const TOKEN = /^[0-9a-f]{32}$/;

/** The token file's content: one map entry, the token (32 hex digits) to "" (no page). Throws on another shape. */
export function maintenanceBypassFile(token: string): string {
  if (!TOKEN.test(token)) throw new RenderError("maintenance.bypassToken", "(hidden)", "is not 32 hex digits");
  return `# Managed by Slipway: requests with this ${MAINTENANCE_BYPASS_HEADER} pass the maintenance page.\n"${token}" "";\n`;
}

/** The token in a file maintenanceBypassFile wrote, or null for any other content (then a new one is made). */
export function parseMaintenanceBypass(content: string): string | null {
  const match = /^"([0-9a-f]{32})" "";$/m.exec(content);
  return match ? (match[1] as string) : null;
}

/**
 * `/etc/nginx/slipway/harvest-maintenance-retry-after.conf`: the seconds `slipway maintenance on --retry-after` asked
 * for, as the one entry of the site's Retry-After map (absent: the site's default). A reload reads it.
 */
export function maintenanceRetryAfterPath(includeDir: string, app: string): string {
  return `${includeDir.replace(/\/$/, "")}/${app}-maintenance-retry-after.conf`;
}

/** The constant the Retry-After map looks up (the map needs a source; the file's one entry names this key). */
const RETRY_AFTER_KEY = "retry-after";

/** The Retry-After file's content for `seconds` (a positive integer). */
export function maintenanceRetryAfterFile(seconds: number): string {
  const value = positiveInt(seconds, "maintenance.retryAfterSeconds");
  return `# Managed by Slipway: slipway maintenance on --retry-after.\n"${RETRY_AFTER_KEY}" ${value};\n`;
}

/** The http-level maps' view, or null when the site has no maintenance support. */
export function maintenanceMapView(model: NginxSiteModel, appId: string) {
  if (!model.maintenance) return null;
  const openPaths = [...new Set(model.maintenance.openPaths)].map((p, i) => openPath(p, `maintenance.openPaths[${i}]`));
  return {
    uriVariable: `$${appId}_maintenance_uri_page`,
    variable: maintenanceVariable(appId),
    bypassHeader: `$http_${MAINTENANCE_BYPASS_HEADER.toLowerCase().replaceAll("-", "_")}`,
    bypassInclude: bypassInclude(model.upstreamIncludeDir, model.app),
    retryAfter: {
      key: RETRY_AFTER_KEY,
      variable: retryAfterVariable(appId),
      default: positiveInt(model.maintenance.retryAfterSeconds, "maintenance.retryAfterSeconds"),
      include: optionalInclude(maintenanceRetryAfterPath(model.upstreamIncludeDir, model.app)),
    },
    page: maintenancePagePath(model.upstreamIncludeDir, model.app),
    uri: MAINTENANCE_URI,
    openPaths,
  };
}

/** A public server block's view (the preview has none: a deploy checks the new release while maintenance is on). */
export function maintenanceServerView(model: NginxSiteModel, appId: string) {
  if (!model.maintenance) return null;
  return {
    variable: maintenanceVariable(appId),
    signal: MAINTENANCE_SIGNAL_STATUS,
    uri: MAINTENANCE_URI,
    page: maintenancePagePath(model.upstreamIncludeDir, model.app),
    retryAfter: retryAfterVariable(appId),
  };
}

function retryAfterVariable(appId: string): string {
  return `$${appId}_maintenance_retry_after`;
}

function maintenanceVariable(appId: string): string {
  return `$${appId}_maintenance_page`;
}

/** An exact URI placed in double quotes in the map: `/healthz`, `/api/health` (no quotes, `$`, spaces, query). */
function openPath(path: string, field: string): string {
  // Written as a quoted map key: no `$` (a variable), quotes, backslashes or `%`-escapes (`$uri` is decoded).
  if (typeof path === "string" && /^\/[A-Za-z0-9._~!&'()*+,=:@/-]*$/.test(path)) return path;
  throw new RenderError(field, path, "is not a URI path like /healthz (letters, digits, ._~!&'()*+,=:@/-)");
}
