/**
 * The switch and the verification through nginx. The site is rendered with its upstream includes pointing at one
 * color; installing it is validated (`nginx -t`) and reloaded gracefully, so the switch and the switch back are the
 * same call with a different color.
 */
import type { Color, SlipwayConfig } from "../config/index.js";
import { parseCurl } from "../modules/http_wait.js";
import type { RemoteHost } from "../remote/types.js";
import { applyNginxSite } from "../render/apply.js";
import { nginxSiteFromConfig, sitePathFromConfig, tlsModel } from "../render/from-config/index.js";
import type { InstallResult } from "../render/install.js";

/** The HTTPS block is rendered only once the certificate file exists on the host. */
export async function tlsReady(host: RemoteHost, config: SlipwayConfig): Promise<boolean> {
  const tls = tlsModel(config, true);
  if (!tls) return false;
  const r = await host.exec(["test", "-f", tls.certificate], { become: true, check: false });
  return r.code === 0;
}

export async function switchTo(
  host: RemoteHost,
  config: SlipwayConfig,
  color: Color,
  check = false,
): Promise<InstallResult | null> {
  const site = nginxSiteFromConfig(config, { color, tlsReady: await tlsReady(host, config) });
  if (!site) return null;
  return applyNginxSite(host, site, { become: true, check, sitePath: sitePathFromConfig(config), step: "switch" });
}

/** Paths checked after the switch: each route under the base path. */
export function verifyPaths(config: SlipwayConfig): string[] {
  const base = config.proxy.base_path.replace(/\/$/, "");
  return config.proxy.routes.map((r) => `${base}${r.path.startsWith("/") ? "" : "/"}${r.path}`);
}

export interface VerifyOutcome {
  ok: boolean;
  failures: string[];
}

/** The response header nginx adds per color (templates/nginx): which color answered. */
export const COLOR_HEADER = "X-Slipway-Color";

/** The end-of-output marker parseCurl reads the status after (http_wait's). */
const VERIFY_MARK = "\n__SLIPWAY_STATUS__:";

/**
 * curl on the host to the server block users reach: HTTPS on 443 with the site's name as SNI and Host when the
 * certificate is in place (`--resolve`, so the name need not resolve on the host), else HTTP on 80 with the Host
 * header. Redirects are not followed (a 301 to HTTPS is a failure, not a pass). `--insecure`: the certificate's
 * chain is the certs step's check; this one is about which code answers the route.
 */
export function verifyArgv(path: string, domain: string | undefined, https: boolean): string[] {
  const name = domain ?? "localhost";
  const target = https ? ["--resolve", `${name}:443:127.0.0.1`, "--insecure", "--", `https://${name}${path}`] : [];
  const plain = ["--header", `Host: ${name}`, "--", `http://127.0.0.1${path}`];
  return [
    "curl",
    "--silent",
    "--show-error",
    "--max-time",
    "10",
    "--dump-header",
    "-",
    "--output",
    "-",
    "--write-out",
    `${VERIFY_MARK}%{http_code}`,
    ...(https ? target : plain),
  ];
}

/** Status, the color header (lower-cased lookup) and the body of verifyArgv's output. */
export function parseVerify(stdout: string): { status: number; color: string | null; body: string } {
  const { status, body: all } = parseCurl(stdout);
  const split = all.search(/\r?\n\r?\n/);
  const head = split >= 0 ? all.slice(0, split) : all;
  const body = split >= 0 ? all.slice(split).trimStart() : "";
  const match = new RegExp(`^${COLOR_HEADER}:\\s*(\\S+)`, "im").exec(head);
  return { status, color: match?.[1] ?? null, body };
}

/** A route passes when it answered without a redirect or a server error (a 4xx is the app answering). */
export function routePasses(status: number): boolean {
  return status >= 200 && status < 300 ? true : status >= 400 && status < 500;
}

/**
 * GET each public route through the server block users reach (verifyArgv). Fails on no answer, a redirect, a 5xx,
 * or an answer from another color than `color` when nginx names the color. Never throws for a bad answer.
 */
export async function verifyThroughNginx(
  host: RemoteHost,
  config: SlipwayConfig,
  color?: Color,
): Promise<VerifyOutcome> {
  const domain = config.proxy.domains[0];
  const https = await tlsReady(host, config);
  const failures: string[] = [];
  for (const path of verifyPaths(config)) {
    const result = await host.exec(verifyArgv(path, domain, https), { check: false, step: "verify" });
    const answer = parseVerify(result.stdout);
    const where = `GET ${https ? "https" : "http"}://${domain ?? "-"}${path}`;
    if (!routePasses(answer.status)) {
      const what = answer.status ? `HTTP ${answer.status}` : result.stderr.trim() || "no answer";
      failures.push(`${where}: ${what} ${answer.body.slice(0, 120).trim()}`.trim());
    } else if (color && answer.color && answer.color !== color) {
      failures.push(`${where}: answered by ${answer.color}, expected ${color}`);
    }
  }
  return { ok: failures.length === 0, failures };
}
