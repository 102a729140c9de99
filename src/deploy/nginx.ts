/**
 * The switch and the verification through nginx. The site is rendered with its upstream includes pointing at one
 * color; installing it is validated (`nginx -t`) and reloaded gracefully, so the switch and the switch back are the
 * same call with a different color.
 */

import { curlArgv } from "../commands/curl.js";
import { removeFilesArgv, testArgv } from "../commands/files.js";
import { nginxReload, nginxTest } from "../commands/nginx.js";
import type { Color, SlipwayConfig } from "../config/index.js";
import { SlipwayError } from "../errors.js";
import { applyNginxSite } from "../install/apply.js";
import type { FileChange, InstallResult } from "../install/validated.js";
import type { ExecResult, RemoteHost } from "../remote/types.js";
import { nginxSiteFromConfig, sitePathFromConfig, tlsModel } from "../render/from-config/index.js";
import { COLOR_HEADER } from "../render/nginx.js";
import { answerMismatch } from "../verify/judge.js";
import { parseCurl } from "../verify/probe.js";
import type { RouteCheck } from "../verify/spec.js";
import { bypassHeaderLine, type MaintenanceBypass } from "./maintenance-bypass.js";
import { switchPublicPorts } from "./public-port.js";
import { pointSocketLinks, type SocketLink, socketLinksLeft } from "./socket-links.js";

/** Certificates seen on each host: once there they stay for the run (a deploy asks several times per host). */
const certificatesSeen = new WeakMap<RemoteHost, Set<string>>();

/** The HTTPS block is rendered only once the certificate file exists on the host. */
export async function tlsReady(host: RemoteHost, config: SlipwayConfig): Promise<boolean> {
  const tls = tlsModel(config, true);
  if (!tls) return false;
  const seen = certificatesSeen.get(host) ?? new Set<string>();
  if (seen.has(tls.certificate)) return true;
  const r = await host.exec(testArgv("-f", tls.certificate), { become: true, check: false });
  if (r.code === 0) certificatesSeen.set(host, seen.add(tls.certificate));
  return r.code === 0;
}

/** What switchTo changed: the nginx files (validated, reloaded when changed) and the socket links it repointed. */
export interface SwitchResult extends InstallResult {
  /** Socket links pointed at another color's listener (proxy.switch socket). */
  links: SocketLink[];
  /** The site's files changed, so installing them reloads nginx (idle keep-alive connections close). */
  filesChanged: boolean;
}

/**
 * Points nginx at `color`: with proxy.switch socket the links move first (until a reload creates the listeners they
 * lead nowhere, and nothing uses them), then the color-independent files are installed (`nginx -t`, reloaded only
 * when they changed); with proxy.switch reload the files name the color (and keep the colors' listeners while the
 * socket switch's links are left: socketLinksLeft). null: no site (proxy.mode internal).
 */
export async function switchTo(
  host: RemoteHost,
  config: SlipwayConfig,
  color: Color,
  check = false,
): Promise<SwitchResult | null> {
  // proxy.mode internal: no site; the public ports (if any) are switched instead.
  if (config.proxy.mode === "internal") {
    const ports = await switchPublicPorts(host, config, color, check);
    return ports && { ...ports, links: [], filesChanged: false };
  }
  const [tls, left] = await Promise.all([tlsReady(host, config), socketLinksLeft(host, config)]);
  const site = nginxSiteFromConfig(config, { color, tlsReady: tls, keepListeners: left.length > 0 });
  if (!site) return null;
  const socket = config.proxy.switch === "socket";
  const moving = socket ? pointSocketLinks(host, config, color, check) : Promise.resolve([]);
  // The links move while the live files are read; nothing is written (nor nginx reloaded) before they have moved.
  const files = applyNginxSite(host, site, {
    become: true,
    check,
    sitePath: sitePathFromConfig(config),
    step: "switch",
    ready: moving,
  });
  const [links, installed] = await Promise.all([moving, files]);
  const moved = links.map((l) => `socket link ${l.link} -> ${l.target}\n`).join("");
  const changed = installed.changed || links.length > 0;
  return { ...installed, changed, diff: `${installed.diff}${moved}`, links, filesChanged: installed.changed };
}

/** `nginx -t` then the graceful reload that waits for the old workers; throws naming the command that failed. */
export async function reloadNginx(host: RemoteHost, step = "switch"): Promise<void> {
  for (const command of [nginxTest(), nginxReload()]) {
    const result = await host.exec(command.argv, { become: true, check: false, step });
    if (result.code !== 0) {
      throw new SlipwayError(`${command.what} failed`, {
        host: host.name,
        step,
        command: command.argv.join(" "),
        exitCode: result.code,
        stderrTail: result.stderr.trim().split("\n").slice(-5).join("\n"),
        hint: "see `sudo nginx -t` and `journalctl -u nginx` on the host",
      });
    }
  }
}

/**
 * `kept` with `changes` added: a path already kept keeps its first `before` (what served before the run changed it),
 * a new path is added. The undos put back these contents byte for byte (restoreSiteFiles).
 */
export function keepSiteBefore(kept: readonly FileChange[] | undefined, changes: readonly FileChange[]): FileChange[] {
  const all = [...(kept ?? [])];
  for (const change of changes) {
    const known = all.findIndex((k) => k.path === change.path);
    if (known < 0) all.push(change);
    else all[known] = { ...(all[known] as FileChange), after: change.after };
  }
  return all;
}

/**
 * The nginx files as they were before (`changes[].before`; a file new then is removed), then `nginx -t` and a reload.
 * Throws as reloadNginx does, the files then left as put back.
 */
export async function restoreSiteFiles(host: RemoteHost, changes: readonly FileChange[], step: string): Promise<void> {
  for (const change of [...changes].reverse()) {
    if (change.before === undefined) {
      await host.exec(removeFilesArgv([change.path]), { become: true, step });
    } else {
      await host.putFile(change.path, change.before, { mode: 0o644, become: true, step });
    }
  }
  await reloadNginx(host, step);
}

/**
 * The route checks of `proxy.routes[].check`, paths made absolute under the base path: each route's `check.path`
 * (default: the route's own path), its one passing status (default 200) and body substring. Routes with `check: false`
 * are left out.
 */
export function routeChecks(config: SlipwayConfig): RouteCheck[] {
  const base = config.proxy.base_path.replace(/\/$/, "");
  return config.proxy.routes.flatMap((route) => {
    if (route.check === false) return [];
    const path = route.check.path ?? route.path;
    const body = route.check.body;
    return [
      { path: `${base}${path}`, status: route.check.status, ...(body !== undefined ? { bodyContains: body } : {}) },
    ];
  });
}

export interface VerifyOutcome {
  ok: boolean;
  failures: string[];
}

/**
 * One answer of the server block users reach to servedColor's request (the first route, with the bypass `token` the run
 * knew, or none): the switch's confirmation, which verify takes for that route instead of asking again.
 */
export interface PublicAnswer {
  path: string;
  https: boolean;
  token: string | null;
  result: ExecResult;
}

/** Where a route check goes: the server block users reach, or the loopback preview listener (idle color). */
export type RouteTarget = { kind: "public"; https: boolean } | { kind: "preview"; port: number };

/** The end-of-output marker parseCurl reads the status after (http_wait's). */
const VERIFY_MARK = "\n__SLIPWAY_STATUS__:";

/**
 * curl on the host for one route. Public: HTTPS on 443 with the site's name as SNI and Host when the certificate is
 * in place (`--resolve`, so the name need not resolve on the host), else HTTP on 80 with the Host header. Preview:
 * HTTP on 127.0.0.1:<port> with the Host header. Redirects are not followed (a 301 to HTTPS is a failure, not a
 * pass). `--insecure`: the certificate chain is the certs step's check; this one is about which code answers.
 * `bypass`: the maintenance bypass header is read from stdin (`--header @-`; deploy/maintenance-bypass.ts).
 */
export function routeCheckArgv(
  path: string,
  domain: string | undefined,
  target: RouteTarget,
  bypass = false,
): string[] {
  const name = domain ?? "localhost";
  const request = {
    maxTimeSeconds: 10,
    writeOut: `${VERIFY_MARK}%{http_code}`,
    dumpHeaders: true,
    ...(bypass ? { headersFromStdin: true } : {}),
  };
  if (target.kind === "public" && target.https) {
    const resolve = `${name}:443:127.0.0.1`;
    return curlArgv({ ...request, resolve, insecure: true, url: `https://${name}${path}` });
  }
  const port = target.kind === "preview" ? `:${target.port}` : "";
  return curlArgv({ ...request, hostHeader: name, url: `http://127.0.0.1${port}${path}` });
}

/**
 * Status, the color header and the body of routeCheckArgv's output. The header counts for `app` only: `app/color`
 * gives the color, another app's value gives `foreign` (that app's name) and no color; a bare color (a site rendered
 * by an older Slipway, which named no app) is read as before.
 */
export function parseRouteCheck(
  stdout: string,
  app: string,
): { status: number; color: string | null; foreign: string | null; body: string } {
  const { status, body: all } = parseCurl(stdout);
  const split = all.search(/\r?\n\r?\n/);
  const head = split >= 0 ? all.slice(0, split) : all;
  const body = split >= 0 ? all.slice(split).trimStart() : "";
  const value = new RegExp(`^${COLOR_HEADER}:\\s*(\\S+)`, "im").exec(head)?.[1] ?? null;
  const slash = value?.lastIndexOf("/") ?? -1;
  if (value === null || slash < 0) return { status, color: value, foreign: null, body };
  const owner = value.slice(0, slash);
  if (owner !== app) return { status, color: null, foreign: owner, body };
  return { status, color: value.slice(slash + 1), foreign: null, body };
}

/**
 * GET each checked route through `target`. Fails on no answer, any status but the route's expected one (a redirect
 * included), a missing body substring, or an answer from another color than `color` (nginx names the color in
 * COLOR_HEADER). Never throws for a bad answer. A public target sends the run's maintenance bypass token when the
 * host has one (`bypass`; the preview listener has no page). `answered`: an answer already had to the same request
 * (same route, scheme and token), judged as if asked now.
 */
export async function checkRoutes(
  host: RemoteHost,
  config: SlipwayConfig,
  target: RouteTarget,
  color?: Color,
  bypass?: MaintenanceBypass,
  answered?: PublicAnswer,
): Promise<VerifyOutcome> {
  const domain = config.proxy.domains[0];
  const failures: string[] = [];
  const token = target.kind === "public" ? await bypass?.read() : undefined;
  const had = (path: string) =>
    target.kind === "public" &&
    answered?.path === path &&
    answered.https === target.https &&
    answered.token === (token ?? null);
  for (const check of routeChecks(config)) {
    const { path } = check;
    const result =
      answered && had(path)
        ? answered.result
        : await host.exec(routeCheckArgv(path, domain, target, Boolean(token)), {
            check: false,
            step: target.kind,
            ...(token ? { stdin: bypassHeaderLine(token) } : {}),
          });
    const answer = parseRouteCheck(result.stdout, config.app);
    const scheme = target.kind === "public" && target.https ? "https" : "http";
    const port = target.kind === "preview" ? `:${target.port}` : "";
    const where = `GET ${scheme}://${domain ?? "-"}${port}${path}${target.kind === "preview" ? " (preview listener)" : ""}`;
    const mismatch = answer.status ? answerMismatch(check, answer.status, answer.body) : null;
    if (!answer.status || mismatch !== null) {
      const what = mismatch ?? (result.stderr.trim() || "no answer");
      const body = answer.body.slice(0, 120).trim();
      failures.push(`${where}: ${what}${body ? `: ${body}` : ""}`);
    } else if (answer.foreign !== null) {
      failures.push(
        `${where}: answered by the site of another app (${answer.foreign}), not this app's: another nginx site serves this name`,
      );
    } else if (color && answer.color !== color) {
      failures.push(`${where}: answered by ${answer.color ?? "an unmarked server"}, expected ${color}`);
    }
  }
  return { ok: failures.length === 0, failures };
}

/**
 * The routes as users reach them (HTTPS with the site's name once the certificate exists), passing the maintenance
 * page with the host's token of `bypass`; `answered` (the switch's confirmation) stands for its route's request.
 */
export async function verifyThroughNginx(
  bypass: MaintenanceBypass,
  color?: Color,
  answered?: PublicAnswer,
): Promise<VerifyOutcome> {
  const { host, config } = bypass;
  const target = { kind: "public" as const, https: await tlsReady(host, config) };
  return checkRoutes(host, config, target, color, bypass, answered);
}

/**
 * The color nginx serves now, from COLOR_HEADER on the first route as users reach it; null when nothing answers
 * with the header (no site yet, proxy.mode internal, nginx down). `bypass`: the run's token of the host and its config.
 * `seen` is given the answer the color was read from.
 */
export async function servedColor(
  bypass: MaintenanceBypass,
  seen?: (answer: PublicAnswer) => void,
): Promise<Color | null> {
  const { host, config } = bypass;
  const path = routeChecks(config)[0]?.path;
  if (config.proxy.mode === "internal" || path === undefined) return null;
  // With maintenance on, the page has no color header: the token passes it (none yet: the page answers, null). A token
  // this run read already goes with the request; else it is read only when nginx answered without a color (the
  // maintenance page), then asked again: no round trip for it while the site serves (the lock taken ahead asks first).
  const target = { kind: "public" as const, https: await tlsReady(host, config) };
  const ask = async (token: string | null) => {
    const result = await host.exec(routeCheckArgv(path, config.proxy.domains[0], target, token !== null), {
      check: false,
      step: "served color",
      ...(token ? { stdin: bypassHeaderLine(token) } : {}),
    });
    seen?.({ path, https: target.https, token, result });
    return parseRouteCheck(result.stdout, config.app);
  };
  const known = bypass.peek();
  let answer = await ask(known ?? null);
  if (answer.color === null && answer.status !== 0 && known === undefined) {
    const token = await bypass.read();
    if (token) answer = await ask(token);
  }
  return answer.color === "blue" || answer.color === "green" ? answer.color : null;
}
