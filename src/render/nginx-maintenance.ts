/**
 * The maintenance page's nginx parts (`slipway maintenance on|off`): one map per app naming the page's file for every
 * URI but the open ones, and per public server block the 503 answer and the internal location serving the page.
 */

import { RenderError } from "./errors.js";
import type { NginxSiteModel } from "./model.js";
import { positiveInt } from "./validate.js";

/** The URI nginx serves the page under (internal: a request for it from outside gets 404, never the page). */
export const MAINTENANCE_URI = "/__slipway/maintenance.html";

/** Seconds a client is told to wait (`Retry-After`) when the config does not say. */
export const DEFAULT_RETRY_AFTER_SECONDS = 300;

/** `/etc/nginx/slipway/harvest.maintenance.html`: exists exactly while maintenance is on. */
export function maintenancePagePath(includeDir: string, app: string): string {
  return `${includeDir.replace(/\/$/, "")}/${app}.maintenance.html`;
}

/** The http-level map's view, or null when the site has no maintenance support. */
export function maintenanceMapView(model: NginxSiteModel, appId: string) {
  if (!model.maintenance) return null;
  const openPaths = [...new Set(model.maintenance.openPaths)].map((p, i) => openPath(p, `maintenance.openPaths[${i}]`));
  return {
    variable: maintenanceVariable(appId),
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
    uri: MAINTENANCE_URI,
    page: maintenancePagePath(model.upstreamIncludeDir, model.app),
    retryAfter: positiveInt(model.maintenance.retryAfterSeconds, "maintenance.retryAfterSeconds"),
  };
}

function maintenanceVariable(appId: string): string {
  return `$${appId}_maintenance_page`;
}

/** An exact URI placed in double quotes in the map: `/healthz`, `/api/health` (no quotes, `$`, spaces, query). */
function openPath(path: string, field: string): string {
  if (typeof path === "string" && /^\/[A-Za-z0-9._~@+/-]*$/.test(path)) return path;
  throw new RenderError(field, path, "is not a URI path like /healthz (letters, digits, ._~@+-/)");
}
