/**
 * `slipway backup restore` behind the maintenance page: while the writers are stopped users get the page (503 with
 * Retry-After, what `slipway maintenance on` and a restoring rollback show, D66) instead of nginx's bare 502. The page
 * goes up on every nginx host before anything stops and comes off once the live color answers its health checks
 * again, whatever the restore did (backup/restore.ts starts the writers again either way). The page records this
 * restore's run id as its owner, as a restoring rollback's does (runPageClaim, D80): a restore killed with the page up
 * leaves a page the next restoring run (a restore, `rollback --restore-db`) takes over and takes off; a page the user
 * put on is left on, and left as it is.
 */
import { type BackupJob, type RestoreResult, restoreBackup } from "../backup/index.js";
import { type Color, colorPort, type SlipwayConfig } from "../config/index.js";
import { configOnHost } from "../config/layout.js";
import { SlipwayError } from "../errors.js";
import { DEFAULT_RETRY_AFTER_SECONDS } from "../render/nginx-maintenance.js";
import { gateArgs, healthGate } from "./health.js";
import { type HostMaintenance, runPageClaim, setMaintenance } from "./maintenance.js";

/** Puts the page on or off on the nginx hosts (`hosts`, default all) for `owner` (`run <id>`): setMaintenance's. */
export type PageSwitch = (
  action: "on" | "off",
  hosts: string[] | undefined,
  owner: string,
) => Promise<HostMaintenance[]>;

export interface PagedRestore {
  config: SlipwayConfig;
  job: BackupJob & { id: string };
  /** The live color on the backup host (its services' health is awaited before the page comes off); null: none. */
  color: Color | null;
  /** This restore's run id (lock.ts newRunId): the page it puts up is `run <runId>`'s. */
  runId: string;
  log: (line: string) => void;
  /** Injected in tests; default setMaintenance (its own connections to the nginx hosts). */
  maintenance?: PageSwitch;
  /** Injected in tests; default restoreBackup. */
  restore?: (job: BackupJob & { id: string }) => Promise<RestoreResult>;
}

/** Restores under the page (see the file's comment); throws what the restore throws, after the page is off. */
export async function restoreUnderMaintenance(input: PagedRestore): Promise<RestoreResult> {
  const { config, job, log } = input;
  const owner = `run ${input.runId}`;
  const maintenance: PageSwitch =
    input.maintenance ??
    ((action, hosts, who) => setMaintenance(config, action, hosts, DEFAULT_RETRY_AFTER_SECONDS, who));
  const paged = await pageOn(input, maintenance);
  try {
    const result = await (input.restore ?? restoreBackup)(job);
    await awaitLive(input);
    return result;
  } finally {
    if (paged.length > 0) {
      const off = await maintenance("off", paged, owner);
      for (const r of off)
        log(r.error ? `${r.host}: maintenance page still on (${r.error})` : `${r.host}: maintenance page off`);
    }
  }
}

/**
 * Puts the page up on every nginx host; returns the hosts whose page this run owns now (runPageClaim: put up, or
 * taken over from a killed run), not those where the user's was. A host that fails takes the page down again where
 * this run put it up and throws: nothing else was changed yet.
 */
async function pageOn({ config, runId, log }: PagedRestore, maintenance: PageSwitch): Promise<string[]> {
  if (config.proxy.mode === "internal") {
    log("no maintenance page (proxy.mode internal): the app does not answer while its writers are stopped");
    return [];
  }
  const owner = `run ${runId}`;
  const results = await maintenance("on", undefined, owner);
  const failed = results.filter((r) => r.error);
  const claims = results
    .filter((r) => !r.error)
    .map((r) => ({
      host: r.host,
      fresh: !r.previousOwner,
      ...runPageClaim(r.previousOwner, runId, "after the restore"),
    }));
  if (failed.length > 0) {
    const put = claims.filter((c) => c.fresh).map((c) => c.host);
    if (put.length > 0) await maintenance("off", put, owner);
    const what = failed.map((r) => `${r.host}: ${r.error}`).join("; ");
    throw new SlipwayError(`the maintenance page could not go up for the restore (${what})`, {
      step: "maintenance",
      hint: "nothing was changed: the database is untouched and the app still runs. Fix the host named above, or put the page up with slipway maintenance on, then restore again",
    });
  }
  for (const c of claims) if (c.line) log(`${c.host}: ${c.line}`);
  return claims.filter((c) => c.owns).map((c) => c.host);
}

/** Waits for the live color's services on the backup host (their health blocks) before users get them back. */
async function awaitLive({ config, job, color, log }: PagedRestore): Promise<void> {
  // Swarm's tasks answer on the nodes' published ports, not on a color port of this host.
  if (!color || config.runtime === "swarm") return;
  for (const [service, spec] of Object.entries(configOnHost(config, job.host.name).services)) {
    if (spec.port === undefined || spec.accessory) continue;
    const outcome = await healthGate(job.host, gateArgs(service, spec, colorPort(spec, color)));
    if (!outcome.ok) log(`${service} is not healthy after the restore (${outcome.last || "no answer"})`);
  }
}
