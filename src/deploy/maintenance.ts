/**
 * `slipway maintenance on|off|status`: writes or removes the app's maintenance page on every nginx host. The site the
 * deploy renders tests for that file per request (src/render/nginx-maintenance.ts), so neither needs a reload (only
 * a changed `on --retry-after` does), and a deploy while it is on keeps it on (the page is not one of the files a
 * deploy writes). The page records who put it on (`user`, or `run <id>` for a restoring rollback's page): a page a run
 * left on when it was killed is taken over by the next run that restores (and off once it is verified), the user's
 * stays on (D80).
 */
import { removeArgv } from "../commands/files.js";
import type { SlipwayConfig } from "../config/index.js";
import { selectHosts } from "../config/inventory.js";
import { ConfigError, SlipwayError } from "../errors.js";
import { applyNginxFiles } from "../install/apply.js";
import { ConnectionPool } from "../remote/index.js";
import type { RemoteHost } from "../remote/types.js";
import { sitePathFromConfig, UPSTREAM_INCLUDE_DIR } from "../render/from-config/nginx.js";
import {
  DEFAULT_RETRY_AFTER_SECONDS,
  MAINTENANCE_URI,
  maintenanceOwnerLine,
  maintenancePagePath,
  maintenanceRetryAfterFile,
  maintenanceRetryAfterPath,
  ownerRun,
  pageOwner,
} from "../render/nginx-maintenance.js";
import { chosenHosts, connectAll } from "./connect.js";
import { reloadNginx } from "./nginx.js";

export interface HostMaintenance {
  host: string;
  /** Whether the page is in place after the command (what `status` reads). */
  maintenance?: boolean;
  /** on/off: whether this run wrote or removed the page or changed its Retry-After (false: it already was so). */
  changed?: boolean;
  /** on: the seconds the page's Retry-After says. */
  retryAfterSeconds?: number;
  /** on: who had put the page on when it already was (`user`, or `run <id>`); absent when it was off. */
  previousOwner?: string;
  error?: string;
  /** The host could not be connected to (error says why); else an error is a failure on the host. */
  unreachable?: boolean;
}

export type MaintenanceAction = "on" | "off" | "status";

const STEP = "maintenance";

/** The page users see: plain, self-contained (no asset the 503 would also answer); `owner` as pageOwner reads it. */
export function maintenancePage(app: string, owner = "user"): string {
  return [
    "<!doctype html>",
    maintenanceOwnerLine(owner),
    '<html lang="en"><head><meta charset="utf-8"><title>Down for maintenance</title></head>',
    `<body><h1>Down for maintenance</h1><p>${app} is being updated. Please try again in a few minutes.</p></body>`,
    "</html>",
    "",
  ].join("\n");
}

/**
 * Runs `action` on each chosen host that runs nginx (`proxy.hosts`); a host that fails is returned with `error`.
 * `owner`: who puts the page on (maintenanceOnHost's; `run <id>` for `backup restore`'s page).
 * Throws ConfigError when the app has no nginx site (`proxy.mode: internal`) or `limit` selects no nginx host.
 */
export async function setMaintenance(
  config: SlipwayConfig,
  action: MaintenanceAction,
  limit?: string[],
  retryAfterSeconds = DEFAULT_RETRY_AFTER_SECONDS,
  owner = "user",
): Promise<HostMaintenance[]> {
  const hint = "maintenance pages are served by the nginx site Slipway renders";
  if (config.proxy.mode === "internal") {
    throw new ConfigError("proxy.mode is internal: this app has no nginx site to answer 503", { hint });
  }
  const nginxHosts = new Set(selectHosts(config, config.proxy.hosts).map((h) => h.name));
  const hosts = chosenHosts(config, limit).filter((h) => nginxHosts.has(h.name));
  if (hosts.length === 0) {
    throw new ConfigError("--limit selects no host that runs nginx (proxy.hosts)", { hint: "name a proxy host" });
  }
  const pool = new ConnectionPool();
  try {
    const connected = await connectAll(config, hosts, pool);
    return await Promise.all(
      connected.map(async ({ resolved, host, error }) => {
        if (!host) return { host: resolved.name, error: error ?? "unreachable", unreachable: true };
        try {
          return await maintenanceOnHost(config, host, action, retryAfterSeconds, owner);
        } catch (e) {
          // The hint says what to do next (bootstrap again, deploy first...): the one line printed must carry it.
          const hint = e instanceof SlipwayError && e.hint ? `; ${e.hint}` : "";
          return { host: resolved.name, error: `${e instanceof Error ? e.message : String(e)}${hint}` };
        }
      }),
    );
  } finally {
    await pool.closeAll();
  }
}

/**
 * `action` on one connected nginx host (what `slipway maintenance` does per host; a restoring rollback's page). Throws
 * ConfigError when turning it on and the installed site has no maintenance block (nothing would answer 503). `on`
 * records `owner` in the page (`user`, `run <id>`): a page already on is rewritten for a user (who then owns it) and
 * for a run when another run had put it on (that run is gone: this one holds the host's lock), never for a run when
 * the user had; `previousOwner` says who had.
 */
export async function maintenanceOnHost(
  config: SlipwayConfig,
  host: RemoteHost,
  action: MaintenanceAction,
  retryAfter = DEFAULT_RETRY_AFTER_SECONDS,
  owner = "user",
): Promise<HostMaintenance> {
  const page = maintenancePagePath(UPSTREAM_INCLUDE_DIR, config.app);
  const content = await host.readFile(page, { become: true });
  const was = content !== undefined;
  if (action === "status" || (action === "off" && !was)) return { host: host.name, maintenance: was, changed: false };
  if (action === "off") {
    await host.exec(removeArgv(page), { become: true, step: STEP });
    return { host: host.name, maintenance: false, changed: true };
  }
  const previous = was ? pageOwner(content.toString("utf8")) : undefined;
  const claim = !was || (previous !== owner && (owner === "user" || ownerRun(previous ?? "user") !== null));
  // A run leaves a page it does not take over as it is, its Retry-After too: the user's page is the user's (D80).
  if (was && !claim && owner !== "user")
    return { host: host.name, maintenance: true, changed: false, previousOwner: previous };
  if (!was || retryAfter !== DEFAULT_RETRY_AFTER_SECONDS) await checkSite(config, host, retryAfter);
  const retried = await setRetryAfter(config, host, retryAfter);
  if (claim) await host.putFile(page, maintenancePage(config.app, owner), { become: true, mode: 0o644 });
  return {
    host: host.name,
    maintenance: true,
    changed: claim || retried,
    retryAfterSeconds: retryAfter,
    ...(previous ? { previousOwner: previous } : {}),
  };
}

/**
 * What a run (`run <runId>`) that asked for the page on a host owns afterwards, from who had it on before
 * (`previousOwner`, maintenanceOnHost's; undefined: it was off): the page when it put it on or took it over from a
 * killed run (D80), which it must take off again; not the user's page, left on. `line` says which for people (none
 * when the page already was this run's); `off` says when the run takes it off ("once verified").
 */
export function runPageClaim(
  previousOwner: string | undefined,
  runId: string,
  off: string,
): { owns: boolean; line?: string } {
  if (!previousOwner) return { owns: true, line: "maintenance page on for the restore" };
  const killed = ownerRun(previousOwner);
  if (killed === runId) return { owns: true };
  if (killed) return { owns: true, line: `maintenance page left on by killed run ${killed}: taken over, off ${off}` };
  return { owns: false, line: "maintenance was already on (`slipway maintenance on`): left on" };
}

/**
 * A restoring run's page on (maintenance-on, backup-undo's restore): on, or taken over from a run that was killed
 * with it on (D80); left on when the user put it on. Says which; resolves whether this run owns the page now, i.e.
 * must take it off once verified.
 */
export async function runPageOn(
  config: SlipwayConfig,
  host: RemoteHost,
  runId: string,
  say: (line: string) => void,
): Promise<boolean> {
  const result = await maintenanceOnHost(config, host, "on", DEFAULT_RETRY_AFTER_SECONDS, `run ${runId}`);
  const claim = runPageClaim(result.previousOwner, runId, "once verified");
  if (claim.line) say(claim.line);
  return claim.owns;
}

/** A site rendered before maintenance support (or before --retry-after) would ignore the page or the value. */
async function checkSite(config: SlipwayConfig, host: RemoteHost, retryAfter: number): Promise<void> {
  const path = sitePathFromConfig(config);
  const site = (await host.readFile(path, { become: true }))?.toString("utf8");
  const hint = "deploy once with this Slipway version (its nginx site tests for the page), then run maintenance on";
  if (!site?.includes(MAINTENANCE_URI)) {
    throw new ConfigError(`${path} has no maintenance block: nothing would answer 503`, {
      host: host.name,
      step: STEP,
      hint,
    });
  }
  if (retryAfter !== DEFAULT_RETRY_AFTER_SECONDS && !site.includes(`${config.app}-maintenance-retry-after.`)) {
    throw new ConfigError(`${path} has a fixed Retry-After: --retry-after would not be sent`, {
      host: host.name,
      step: STEP,
      hint,
    });
  }
}

/**
 * The page's Retry-After: the default is the site's own (the file removed), another value is the file the site
 * includes; nginx reads it at a reload, made (after `nginx -t`) only when the file changed. Returns whether it did.
 */
async function setRetryAfter(config: SlipwayConfig, host: RemoteHost, seconds: number): Promise<boolean> {
  const path = maintenanceRetryAfterPath(UPSTREAM_INCLUDE_DIR, config.app);
  if (seconds === DEFAULT_RETRY_AFTER_SECONDS) {
    if ((await host.readFile(path, { become: true })) === undefined) return false;
    await host.exec(removeArgv(path), { become: true, step: STEP });
    await reloadNginx(host, STEP);
    return true;
  }
  const file = { path, content: maintenanceRetryAfterFile(seconds) };
  return (await applyNginxFiles(host, [file], { become: true, step: STEP })).changed;
}

/** `t1: maintenance on (changed)` / `t1: maintenance off` / `t1: unreachable (...)`. */
export function formatMaintenance(results: readonly HostMaintenance[]): string {
  return results
    .map((r) => {
      if (r.error) return `${r.host}: ${r.unreachable ? "unreachable" : "failed"} (${r.error})`;
      const retry =
        r.retryAfterSeconds !== undefined && r.retryAfterSeconds !== DEFAULT_RETRY_AFTER_SECONDS
          ? `, Retry-After ${r.retryAfterSeconds}`
          : "";
      return `${r.host}: maintenance ${r.maintenance ? "on" : "off"}${retry}${r.changed ? " (changed)" : ""}`;
    })
    .join("\n");
}
