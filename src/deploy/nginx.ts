/**
 * The switch and the verification through nginx. The site is rendered with its upstream includes pointing at one
 * color; installing it is validated (`nginx -t`) and reloaded gracefully, so the switch and the switch back are the
 * same call with a different color.
 */
import type { Color, SlipwayConfig } from "../config/index.js";
import { curlArgv, parseCurl } from "../modules/http_wait.js";
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

/**
 * GET each public route through nginx on the host (curl on the host to its own port 80 with the site's Host
 * header: what a visitor reaches, without depending on the runner's network path). A 5xx or no answer fails;
 * a 404 on a route prefix with no index is not a failure.
 */
export async function verifyThroughNginx(host: RemoteHost, config: SlipwayConfig): Promise<VerifyOutcome> {
  const domain = config.proxy.domains[0];
  const failures: string[] = [];
  for (const path of verifyPaths(config)) {
    const argv = curlArgv({
      url: `http://127.0.0.1${path}`,
      status: 200,
      timeout_s: 10,
      interval_s: 1,
      successes: 1,
      host_header: domain,
    });
    const result = await host.exec(argv, { check: false, step: "verify" });
    const { status, body } = parseCurl(result.stdout);
    if (status === 0 || status >= 500) {
      failures.push(
        `GET ${path} (Host: ${domain ?? "-"}): ${status || result.stderr.trim()} ${body.slice(0, 120).trim()}`,
      );
    }
  }
  return { ok: failures.length === 0, failures };
}
