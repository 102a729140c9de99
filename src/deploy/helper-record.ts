/**
 * What the privilege helper knows of an app (D47): bootstrap records it in `/etc/slipway/apps/<app>.conf`
 * (root-owned, mode 0644: any user may read it), `key=value` lines read as data. The helper refuses any request
 * outside that record (a certificate name, a deploy dir), so the plan reads the record and says what would be refused
 * before the run changes anything, with the one fix: run bootstrap again with this slipway.yml.
 */
import type { CertSpec } from "../certs/spec.js";
import { resolveHosts, type SlipwayConfig } from "../config/index.js";
import { ACME_WEBROOT } from "../config/schema/tls.js";
import { SlipwayError } from "../errors.js";
import type { RemoteHost } from "../remote/types.js";

/** certbot's server when none is given (the helper passes no `--server` for an empty `acme_server`). */
const CERTBOT_DEFAULT_SERVER = "https://acme-v02.api.letsencrypt.org/directory";

/** Whether the inventory puts this host in helper mode (`privilege: helper`). */
export function inHelperMode(config: SlipwayConfig, hostName: string): boolean {
  return resolveHosts(config).find((h) => h.name === hostName)?.privilege.mode === "helper";
}

/** Where bootstrap (playbooks/files/helper-app.conf.tpl) records the app. */
export function helperRecordPath(app: string): string {
  return `/etc/slipway/apps/${app}.conf`;
}

/** The record's values, by key; the first line of a key wins (the helper reads `sed -n s/^K=//p | head -n 1`). */
export function parseHelperRecord(text: string): Record<string, string> {
  const record: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const match = /^([a-z_]+)=(.*)$/.exec(line);
    if (match?.[1] && !(match[1] in record)) record[match[1]] = match[2] ?? "";
  }
  return record;
}

/**
 * What the helper would refuse or do differently for this config, one sentence each (empty: nothing). `cert` is the
 * certificate request when certbot will run (its names, webroot and server must be the recorded ones: the helper
 * passes its own); undefined when no certbot runs.
 */
export function helperRecordProblems(
  config: Pick<SlipwayConfig, "app" | "deploy_dir">,
  record: Record<string, string>,
  cert?: Pick<CertSpec, "domains" | "webroot" | "acmeServer" | "caBundle">,
): string[] {
  const problems: string[] = [];
  const recorded = (key: string) => record[key] ?? "";
  if (recorded("deploy_dir") !== config.deploy_dir) {
    problems.push(
      `deploy_dir is ${config.deploy_dir}, the helper's record says ${recorded("deploy_dir") || "nothing"}`,
    );
  }
  if (!cert) return problems;
  const names = recorded("domains").split(/\s+/).filter(Boolean);
  const missing = cert.domains.filter((d) => !names.includes(d));
  if (missing.length > 0) {
    problems.push(
      `the certificate needs ${missing.join(", ")}, not among the names recorded for ${config.app} (${names.join(" ") || "none"}): the helper's certbot refuses it`,
    );
  }
  if ((recorded("acme_webroot") || ACME_WEBROOT) !== cert.webroot) {
    problems.push(
      `tls.webroot is ${cert.webroot}, the helper's certbot writes challenges to ${recorded("acme_webroot") || ACME_WEBROOT}`,
    );
  }
  if ((recorded("acme_server") || CERTBOT_DEFAULT_SERVER) !== cert.acmeServer) {
    problems.push(
      `tls.acme_server is ${cert.acmeServer}, the helper's certbot asks ${recorded("acme_server") || CERTBOT_DEFAULT_SERVER}`,
    );
  }
  if (recorded("acme_ca_bundle") !== (cert.caBundle ?? "")) {
    problems.push(
      `tls.ca_bundle is ${cert.caBundle ?? "unset"}, the helper's certbot trusts ${recorded("acme_ca_bundle") || "the system's store"}`,
    );
  }
  return problems;
}

/** The next step for every problem above: the record is bootstrap's, so is the fix. */
export function helperRecordHint(app: string, host: string): string {
  return `bootstrap records what the helper allows: run it again for ${app} with this slipway.yml as an admin user (slipway run playbooks/bootstrap.yml -c slipway.yml -l ${host} -e app_name=${app}), then deploy again`;
}

/**
 * Reads the helper's record of the app on a helper-mode host (a plain read, no privilege) and throws SlipwayError
 * (step `step`) naming each problem, or a missing record. `cert`: as in helperRecordProblems.
 */
export async function checkHelperRecord(
  host: RemoteHost,
  config: SlipwayConfig,
  options: { step: string; cert?: Pick<CertSpec, "domains" | "webroot" | "acmeServer" | "caBundle"> },
): Promise<void> {
  const path = helperRecordPath(config.app);
  const text = (await host.readFile(path, { become: false }))?.toString("utf8");
  const hint = helperRecordHint(config.app, host.name);
  if (text === undefined) {
    throw new SlipwayError(
      `${config.app} is not registered with the privilege helper on ${host.name} (${path} is missing)`,
      {
        host: host.name,
        step: options.step,
        hint,
      },
    );
  }
  const problems = helperRecordProblems(config, parseHelperRecord(text), options.cert);
  if (problems.length === 0) return;
  throw new SlipwayError(`the privilege helper would refuse this deploy (${path}): ${problems.join("; ")}`, {
    host: host.name,
    step: options.step,
    hint,
  });
}
