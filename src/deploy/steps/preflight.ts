/**
 * preflight: what must hold before anything changes. The database is where the config says whenever a release is live
 * (else "nothing to back up" would hide a wrong path on every deploy), and nginx's whole configuration passes
 * `nginx -t` with the site as it will be rendered (an unrelated broken file or a render error stops the run here,
 * before a stop-first deploy stops anything), and nginx runs (D83: a stopped one fails the preview, which would blame
 * the release; the plan refuses it too, so `slipway plan` says so and a deploy stops at its plan). Every secret the
 * services' env files name has a value. In helper mode the helper's record of the app exists and names this
 * deploy_dir (helper-record.ts); in root mode the SSH user has passwordless sudo and, for the docker runtimes, the
 * docker daemon (privilege-check.ts).
 */

import { nginxTest } from "../../commands/nginx.js";
import { nameConflictsCommand } from "../../commands/nginx-names.js";
import { MissingSecretsError, missingRunSecrets, resolveHosts, type SlipwayConfig } from "../../config/index.js";
import { SlipwayError } from "../../errors.js";
import { describePrivilege } from "../../remote/privilege.js";
import type { ExecResult } from "../../remote/types.js";
import { nginxSiteFromConfig, sitePathFromConfig } from "../../render/from-config/index.js";
import type { NginxSiteModel } from "../../render/model.js";
import { checkDatabasePresent } from "../backup-step.js";
import { checkHelperRecord, inHelperMode } from "../helper-record.js";
import { nameConflictError, parseNameConflicts } from "../name-conflicts.js";
import { tlsReady } from "../nginx.js";
import { type NginxDownAt, nginxDownError, nginxDownState, nginxUnitArgv } from "../nginx-running.js";
import { checkRootMode } from "../privilege-check.js";
import { checkProvidedCertificate } from "../provided-cert.js";
import { settleAll } from "../settle.js";
import { colorEnvFile } from "../stage-steps.js";
import { untouchedNote } from "./backup-undo.js";
import type { FlowState, Step } from "./types.js";

/**
 * Starts `nginx -t` on a host that switches, once per run (later calls get the same promise), and beside it the reads
 * preflight judges with it (other sites serving this site's names, whether nginx's unit runs): reconcile starts them
 * with its own reads, preflight awaits them. A failure to run them (connection) surfaces where preflight awaits them.
 */
export function startNginxTest(s: FlowState): Promise<ExecResult> {
  if (!s.nginxTest) {
    s.nginxTest = s.run.host.exec(nginxTest().argv, { become: true, check: false, step: "preflight" });
    // Awaited by preflight, which a failure before it (a missing secret) may never reach: not an unhandled rejection.
    s.nginxTest.catch(() => {});
  }
  if (!s.nameConflicts) {
    // Another site serving this site's names (D84), read beside `nginx -t` (same wait); judged with it by preflight.
    const names = siteNames(s);
    const read = nameConflictsCommand(sitePathFromConfig(s.run.config), names);
    const found =
      names.length === 0
        ? Promise.resolve("")
        : s.run.host.exec(read.argv, { check: false, step: "preflight" }).then((r) => r.stdout);
    found.catch(() => {});
    s.nameConflicts = found;
  }
  void startNginxUnitRead(s);
  return s.nginxTest;
}

/**
 * Starts the read of nginx's unit state once per run (D83: `nginx -t` passes with nginx stopped): beside `nginx -t`,
 * or alone by the plan. A query anyone may make: no privilege.
 */
function startNginxUnitRead(s: FlowState): Promise<string[]> {
  if (!s.nginxUnit) {
    const read = s.run.host.exec(nginxUnitArgv(), { check: false, step: "preflight" });
    s.nginxUnit = read.then((r) => r.stdout.split("\n"));
    s.nginxUnit.catch(() => {});
  }
  return s.nginxUnit;
}

/**
 * systemd's state of nginx when it does not run on a host that serves the site (nginx-running.ts nginxDownState);
 * null when it runs, cannot be told, or the host serves no site (proxy.mode internal, a services-only host).
 */
export async function nginxDown(s: FlowState): Promise<string | null> {
  if (!s.role.switches || s.run.config.proxy.mode !== "nginx") return null;
  return nginxDownState(await startNginxUnitRead(s));
}

/** The plan's refusal of a stopped nginx: the run's own, with what the run would leave (nothing ran). */
export async function refuseNginxDownAtPlan(s: FlowState, intent?: NginxDownAt["intent"]): Promise<void> {
  const down = await nginxDown(s);
  if (!down) return;
  const left = untouchedNote(s.liveColor);
  throw nginxDownError(s.run.host.name, down, { kind: s.run.kind, left, ...(intent ? { intent } : {}) });
}

/** The server names of the site as rendered (domains or the hosts' addresses); none when it cannot render. */
function siteNames(s: FlowState): string[] {
  let site: NginxSiteModel | null = null;
  try {
    site = nginxSiteFromConfig(s.run.config, { color: s.idle, tlsReady: false });
  } catch {
    // The render error surfaces where preflight renders the site.
  }
  return [...new Set(site?.servers.flatMap((server) => server.serverNames) ?? [])];
}

/** Refuses when another enabled nginx site serves one of this site's names (name-conflicts.ts). */
async function checkNameConflicts(s: FlowState, nginxStderr: string): Promise<void> {
  const found = (await s.nameConflicts) ?? "";
  const conflicts = parseNameConflicts(siteNames(s), found, nginxStderr);
  if (conflicts.length > 0) throw nameConflictError(s.run.host.name, conflicts, s.run.config.proxy.domains.length > 0);
}

/**
 * Every secret this host's services and the database need, checked together: one MissingSecretsError lists each
 * unset name with every key that uses it (a user fixes them all at once, not one rerun per service). Then each env
 * file of the idle color is rendered, which throws for anything the list missed.
 */
function requireServiceSecrets(s: FlowState): void {
  const { host, config } = s.run;
  const missing = missingRunSecrets(config, s.run.secrets ?? {}, process.env, s.role.services);
  if (missing.length > 0) throw new MissingSecretsError(missing);
  for (const service of s.role.services) colorEnvFile(host, config, service, s.idle, s.run.secrets);
}

/** The database is checked where the services run (an nginx-only host of a load-balancer layout has none). */
async function checkDatabase(s: FlowState): Promise<void> {
  if (s.run.kind === "deploy" && s.role.services.length > 0) {
    s.databaseFound = await checkDatabasePresent(s.run.host, s.spec, s.live.release);
  }
}

/**
 * In helper mode, the helper's record of the app (D47), in root mode the SSH user's sudo and docker (D50): a problem
 * stops the plan, which every run makes first (deploy.ts planThenRun), so the run itself spends no round trip on it.
 */
async function checkRecord(s: FlowState): Promise<void> {
  const { host, config } = s.run;
  if (s.privilegeCheck) return s.privilegeCheck;
  if (inHelperMode(config, host.name)) await checkHelperRecord(host, config, { step: "preflight" });
  else await checkRootMode(host, config, s.role.services.length > 0);
}

/** Which privilege mode the host is in (docs/security.md "The deploy user"): the plan says it before anything runs. */
function privilegeLine(config: SlipwayConfig, hostName: string): string {
  const host = resolveHosts(config).find((h) => h.name === hostName);
  return describePrivilege(host?.privilege.mode ?? "root", host?.user ?? "the SSH user");
}

/**
 * Whether the site gets its HTTPS block. A provided certificate (D78) must be on the host, readable, matching its key
 * and not expired, or this throws: rendering the site without HTTPS would ship plain HTTP under an https:// URL.
 */
async function siteTls(s: FlowState): Promise<boolean> {
  const { host, config } = s.run;
  if (config.tls.enabled && config.tls.certificate_path !== undefined) {
    return checkProvidedCertificate(host, config, "preflight");
  }
  return tlsReady(host, config);
}

export const preflightStep: Step = {
  name: "preflight",
  async plan(s) {
    s.say(`  ${privilegeLine(s.run.config, s.run.host.name)}`);
    // The privilege probe (or the helper's record), the database and the certificate are read at once (one round
    // trip's wait); a failure is reported in this order, as when they were read one after another.
    const [, , , tls] = await settleAll([
      checkRecord(s),
      // A plan that says "ready" must not hide a missing secret the run would stop at.
      (async () => requireServiceSecrets(s))(),
      checkDatabase(s),
      s.role.switches ? siteTls(s) : false,
      // Nor a stopped nginx (D83): the run refuses it here, so the plan does, with the same words.
      refuseNginxDownAtPlan(s),
    ]);
    if (s.role.switches) nginxSiteFromConfig(s.run.config, { color: s.idle, tlsReady: tls });
  },
  async run(s) {
    const { host, config } = s.run;
    s.say(privilegeLine(config, host.name));
    // A secret with no value stops the run here, not at stage after the lock and the backup (throws, naming them).
    requireServiceSecrets(s);
    await checkDatabase(s);
    const site = s.role.switches ? nginxSiteFromConfig(config, { color: s.idle, tlsReady: await siteTls(s) }) : null;
    if (site) {
      const test = nginxTest();
      const result = await startNginxTest(s);
      // A stopped nginx first: the site then refuses every connection, and the preview would blame the release.
      const down = await nginxDown(s);
      if (down) throw nginxDownError(host.name, down, { kind: s.run.kind });
      if (result.code !== 0) {
        throw new SlipwayError("nginx -t fails with the configuration already on the host: nothing was changed", {
          host: host.name,
          step: "preflight",
          command: test.argv.join(" "),
          exitCode: result.code,
          stderrTail: result.stderr.trim().split("\n").slice(-5).join("\n"),
          hint: "fix the file nginx names above (it may belong to another site), check with `sudo nginx -t`, then deploy again",
        });
      }
      await checkNameConflicts(s, result.stderr);
    }
    return { status: "ok" };
  },
};
