/**
 * `slipway backup restore` behind the maintenance page, and whose page it is (D80): the page records the restore's
 * run id, as a restoring rollback's does, so a restore killed with the page up leaves a page the next restoring run
 * takes over and takes off; the user's own page is left on, as it is.
 */
import { describe, expect, it } from "vitest";
import type { BackupJob, RestoreResult } from "../../../src/backup/index.js";
import type { SlipwayConfig } from "../../../src/config/index.js";
import {
  type HostMaintenance,
  maintenanceOnHost,
  maintenancePage,
  runPageOn,
} from "../../../src/deploy/maintenance.js";
import { type PageSwitch, restoreUnderMaintenance } from "../../../src/deploy/restore-paged.js";
import type { RemoteHost } from "../../../src/remote/types.js";
import { sitePathFromConfig } from "../../../src/render/from-config/nginx.js";
import {
  DEFAULT_RETRY_AFTER_SECONDS,
  MAINTENANCE_URI,
  maintenanceRetryAfterFile,
} from "../../../src/render/nginx-maintenance.js";
import { loadConfigText } from "../../support/config-text.js";
import { FakeHost } from "../engine/fake-host.js";

const CONFIG = `app: shop
runtime: systemd
services:
  web:
    build: { context: web }
    port: 5001
    systemd: { app_module: "shop:app" }
database: { engine: sqlite, path: /var/lib/shop/db.sqlite3 }
inventory:
  ssh: { user: deploy }
  hosts:
    h1: { address: 10.0.0.1 }
    h2: { address: 10.0.0.2 }
proxy:
  domains: [shop.example]
  routes:
    - { path: /, service: web }
`;

const PAGE = "/etc/nginx/slipway/shop.maintenance.html";
const RETRY_AFTER = "/etc/nginx/slipway/shop-maintenance-retry-after.conf";
const RUN = "0a1b2c3d4e5f";
const RESULT = { restored: { id: "b1" }, preRestore: { id: "b2" } } as unknown as RestoreResult;
const job = { host: { name: "h1" } as RemoteHost, id: "b1" } as unknown as BackupJob & { id: string };

/** Records every call in order (`on run <id>`, `off h1 run <id>`, `restore`); `on` answers with the given results. */
function world(on: HostMaintenance[], restore: () => Promise<RestoreResult> = async () => RESULT) {
  const calls: string[] = [];
  const log: string[] = [];
  const maintenance: PageSwitch = async (action, hosts, owner) => {
    calls.push(`${action}${hosts ? ` ${hosts.join(",")}` : ""} ${owner}`);
    return action === "on" ? on : (hosts ?? []).map((host) => ({ host, maintenance: false, changed: true }));
  };
  return {
    calls,
    log,
    input: {
      job,
      color: null,
      runId: RUN,
      log: (line: string) => log.push(line),
      maintenance,
      restore: async () => {
        calls.push("restore");
        return restore();
      },
    },
  };
}

describe("backup restore behind the maintenance page", () => {
  it("puts the page up as this run's before the restore and takes it down after, only where this run owns it", async () => {
    const config = await loadConfigText(CONFIG);
    const w = world([
      { host: "h1", maintenance: true, changed: true },
      { host: "h2", maintenance: true, changed: false, previousOwner: "user" },
    ]);
    expect(await restoreUnderMaintenance({ config, ...w.input })).toBe(RESULT);
    expect(w.calls).toEqual([`on run ${RUN}`, "restore", `off h1 run ${RUN}`]);
    expect(w.log).toEqual([
      "h1: maintenance page on for the restore",
      "h2: maintenance was already on (`slipway maintenance on`): left on",
      "h1: maintenance page off",
    ]);
  });

  it("a page a killed run left (a restore's or a rollback's) is taken over and taken down after the restore", async () => {
    const config = await loadConfigText(CONFIG);
    const w = world([
      { host: "h1", maintenance: true, changed: true, previousOwner: "run ffeeddccbbaa" },
      { host: "h2", maintenance: true, changed: true },
    ]);
    expect(await restoreUnderMaintenance({ config, ...w.input })).toBe(RESULT);
    expect(w.calls).toEqual([`on run ${RUN}`, "restore", `off h1,h2 run ${RUN}`]);
    expect(w.log).toEqual([
      "h1: maintenance page left on by killed run ffeeddccbbaa: taken over, off after the restore",
      "h2: maintenance page on for the restore",
      "h1: maintenance page off",
      "h2: maintenance page off",
    ]);
  });

  it("a failed restore still takes the page down, then throws the restore's error", async () => {
    const config = await loadConfigText(CONFIG);
    const w = world([{ host: "h1", maintenance: true, changed: true }], async () => {
      throw new Error("restore broke");
    });
    await expect(restoreUnderMaintenance({ config, ...w.input })).rejects.toThrow("restore broke");
    expect(w.calls).toEqual([`on run ${RUN}`, "restore", `off h1 run ${RUN}`]);
  });

  it("a host where the page cannot go up: taken down where this run put it up, nothing restored", async () => {
    const config = await loadConfigText(CONFIG);
    const w = world([
      { host: "h1", maintenance: true, changed: true },
      { host: "h2", error: "/etc/nginx/conf.d/slipway-shop.conf has no maintenance block" },
    ]);
    await expect(restoreUnderMaintenance({ config, ...w.input })).rejects.toThrow(
      "the maintenance page could not go up for the restore (h2: /etc/nginx/conf.d/slipway-shop.conf has no maintenance block)",
    );
    expect(w.calls).toEqual([`on run ${RUN}`, `off h1 run ${RUN}`]);
  });

  it("a host fails where another had a killed run's page: that page stays up as it was (nothing was changed)", async () => {
    const config = await loadConfigText(CONFIG);
    const w = world([
      { host: "h1", maintenance: true, changed: true, previousOwner: "run ffeeddccbbaa" },
      { host: "h2", error: "connection refused", unreachable: true },
    ]);
    await expect(restoreUnderMaintenance({ config, ...w.input })).rejects.toThrow(
      "the maintenance page could not go up for the restore (h2: connection refused)",
    );
    expect(w.calls).toEqual([`on run ${RUN}`]);
  });

  it("proxy.mode internal: no page, says so, restores", async () => {
    const config = { ...(await loadConfigText(CONFIG)) };
    config.proxy = { ...config.proxy, mode: "internal" };
    const w = world([]);
    expect(await restoreUnderMaintenance({ config, ...w.input })).toBe(RESULT);
    expect(w.calls).toEqual(["restore"]);
    expect(w.log).toEqual([
      "no maintenance page (proxy.mode internal): the app does not answer while its writers are stopped",
    ]);
  });
});

describe("backup restore's page on a host (maintenanceOnHost, D80)", () => {
  /** h1 with the site's maintenance block; the page switch runs maintenanceOnHost on it, as setMaintenance does. */
  async function onHost() {
    const config = await loadConfigText(CONFIG);
    const host = new FakeHost("h1");
    host.writeFile(sitePathFromConfig(config), `location = ${MAINTENANCE_URI} { internal; }\n`);
    const maintenance: PageSwitch = async (action, _hosts, owner) => [
      await maintenanceOnHost(config, host, action, DEFAULT_RETRY_AFTER_SECONDS, owner),
    ];
    return { config, host, maintenance };
  }

  const restore = (config: SlipwayConfig, maintenance: PageSwitch, runId: string, during?: () => void) => {
    const log: string[] = [];
    const done = restoreUnderMaintenance({
      config,
      job,
      color: null,
      runId,
      log: (line) => log.push(line),
      maintenance,
      restore: async () => {
        during?.();
        return RESULT;
      },
    });
    return done.then(() => log);
  };

  it("killed during the restore: its page is `run <id>`'s; the next restore takes it over and off, a rollback would too", async () => {
    const { config, host, maintenance } = await onHost();
    let left: string | undefined;
    await restore(config, maintenance, RUN, () => {
      left = host.files.get(PAGE)?.content;
    });
    expect(left).toBe(maintenancePage("shop", `run ${RUN}`));

    // SIGKILL during the restore: the page stays up, as the restore wrote it.
    host.writeFile(PAGE, left as string);
    const said: string[] = [];
    expect(await runPageOn(config, host, "99aa88bb77cc", (line) => said.push(line))).toBe(true);
    expect(said).toEqual([`maintenance page left on by killed run ${RUN}: taken over, off once verified`]);

    host.writeFile(PAGE, left as string);
    expect(await restore(config, maintenance, "112233445566")).toEqual([
      `h1: maintenance page left on by killed run ${RUN}: taken over, off after the restore`,
      "h1: maintenance page off",
    ]);
    expect(host.files.has(PAGE)).toBe(false);
  });

  it("the user's page with its own Retry-After: left on and as it is (no rewrite, no reload)", async () => {
    const { config, host, maintenance } = await onHost();
    host.writeFile(PAGE, maintenancePage("shop"));
    host.writeFile(RETRY_AFTER, maintenanceRetryAfterFile(900));
    const before = host.commands.length;
    expect(await restore(config, maintenance, RUN)).toEqual([
      "h1: maintenance was already on (`slipway maintenance on`): left on",
    ]);
    expect(host.files.get(PAGE)?.content).toBe(maintenancePage("shop"));
    expect(host.files.get(RETRY_AFTER)?.content).toBe(maintenanceRetryAfterFile(900));
    expect(host.ran.slice(before).filter((c) => !c.startsWith("<readFile>"))).toEqual([]);
  });
});
