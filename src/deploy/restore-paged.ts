/**
 * `slipway backup restore` behind the maintenance page: while the writers are stopped users get the page (503 with
 * Retry-After, what `slipway maintenance on` and a restoring rollback show, D66) instead of nginx's bare 502. The page
 * goes up on every nginx host before anything stops and comes off once the live color answers its health checks
 * again, whatever the restore did (backup/restore.ts starts the writers again either way); a page that was already on
 * is left on.
 */
import { type BackupJob, type RestoreResult, restoreBackup } from "../backup/index.js";
import { type Color, colorPort, type SlipwayConfig } from "../config/index.js";
import { configOnHost } from "../config/layout.js";
import { SlipwayError } from "../errors.js";
import { gateArgs, healthGate } from "./health.js";
import { type HostMaintenance, setMaintenance } from "./maintenance.js";

export interface PagedRestore {
  config: SlipwayConfig;
  job: BackupJob & { id: string };
  /** The live color on the backup host (its services' health is awaited before the page comes off); null: none. */
  color: Color | null;
  log: (line: string) => void;
  /** Injected in tests; default setMaintenance (its own connections to the nginx hosts). */
  maintenance?: (action: "on" | "off", hosts?: string[]) => Promise<HostMaintenance[]>;
  /** Injected in tests; default restoreBackup. */
  restore?: (job: BackupJob & { id: string }) => Promise<RestoreResult>;
}

/** Restores under the page (see the file's comment); throws what the restore throws, after the page is off. */
export async function restoreUnderMaintenance(input: PagedRestore): Promise<RestoreResult> {
  const { config, job, log } = input;
  const maintenance = input.maintenance ?? ((action, hosts) => setMaintenance(config, action, hosts));
  const paged = await pageOn(config, maintenance, log);
  try {
    const result = await (input.restore ?? restoreBackup)(job);
    await awaitLive(input);
    return result;
  } finally {
    if (paged.length > 0) {
      const off = await maintenance("off", paged);
      for (const r of off)
        log(r.error ? `${r.host}: maintenance page still on (${r.error})` : `${r.host}: maintenance page off`);
    }
  }
}

/**
 * Puts the page up on every nginx host; returns the hosts where this run put it (not those where it already was).
 * A host that fails takes the page down again where it went up and throws: nothing else was changed yet.
 */
async function pageOn(
  config: SlipwayConfig,
  maintenance: NonNullable<PagedRestore["maintenance"]>,
  log: (line: string) => void,
): Promise<string[]> {
  if (config.proxy.mode === "internal") {
    log("no maintenance page (proxy.mode internal): the app does not answer while its writers are stopped");
    return [];
  }
  const results = await maintenance("on");
  const paged = results.filter((r) => r.changed && !r.error).map((r) => r.host);
  const failed = results.filter((r) => r.error);
  if (failed.length > 0) {
    if (paged.length > 0) await maintenance("off", paged);
    const what = failed.map((r) => `${r.host}: ${r.error}`).join("; ");
    throw new SlipwayError(`the maintenance page could not go up for the restore (${what})`, {
      step: "maintenance",
      hint: "nothing was changed: the database is untouched and the app still runs. Fix the host named above, or put the page up with slipway maintenance on, then restore again",
    });
  }
  for (const r of results)
    log(`${r.host}: maintenance page ${r.changed ? "on for the restore" : "was already on: left on"}`);
  return paged;
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
