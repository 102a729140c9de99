import { describe, expect, it } from "vitest";
import type { BackupJob, RestoreResult } from "../../../src/backup/index.js";
import type { HostMaintenance } from "../../../src/deploy/maintenance.js";
import { restoreUnderMaintenance } from "../../../src/deploy/restore-paged.js";
import type { RemoteHost } from "../../../src/remote/types.js";
import { loadConfigText } from "../../support/config-text.js";

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

const RESULT = { restored: { id: "b1" }, preRestore: { id: "b2" } } as unknown as RestoreResult;
const job = { host: { name: "h1" } as RemoteHost, id: "b1" } as unknown as BackupJob & { id: string };

/** Records every call in order; `on` answers with the given per-host results. */
function world(on: HostMaintenance[], restore: () => Promise<RestoreResult> = async () => RESULT) {
  const calls: string[] = [];
  const log: string[] = [];
  return {
    calls,
    log,
    input: {
      job,
      color: null,
      log: (line: string) => log.push(line),
      maintenance: async (action: "on" | "off", hosts?: string[]) => {
        calls.push(`${action}${hosts ? ` ${hosts.join(",")}` : ""}`);
        return action === "on" ? on : (hosts ?? []).map((host) => ({ host, maintenance: false, changed: true }));
      },
      restore: async () => {
        calls.push("restore");
        return restore();
      },
    },
  };
}

describe("backup restore behind the maintenance page", () => {
  it("puts the page up before the restore and takes it down after, only where this run put it", async () => {
    const config = await loadConfigText(CONFIG);
    const w = world([
      { host: "h1", maintenance: true, changed: true },
      { host: "h2", maintenance: true, changed: false },
    ]);
    expect(await restoreUnderMaintenance({ config, ...w.input })).toBe(RESULT);
    expect(w.calls).toEqual(["on", "restore", "off h1"]);
    expect(w.log).toEqual([
      "h1: maintenance page on for the restore",
      "h2: maintenance page was already on: left on",
      "h1: maintenance page off",
    ]);
  });

  it("a failed restore still takes the page down, then throws the restore's error", async () => {
    const config = await loadConfigText(CONFIG);
    const w = world([{ host: "h1", maintenance: true, changed: true }], async () => {
      throw new Error("restore broke");
    });
    await expect(restoreUnderMaintenance({ config, ...w.input })).rejects.toThrow("restore broke");
    expect(w.calls).toEqual(["on", "restore", "off h1"]);
  });

  it("a host where the page cannot go up: taken down where it went up, nothing restored", async () => {
    const config = await loadConfigText(CONFIG);
    const w = world([
      { host: "h1", maintenance: true, changed: true },
      { host: "h2", error: "/etc/nginx/conf.d/slipway-shop.conf has no maintenance block" },
    ]);
    await expect(restoreUnderMaintenance({ config, ...w.input })).rejects.toThrow(
      "the maintenance page could not go up for the restore (h2: /etc/nginx/conf.d/slipway-shop.conf has no maintenance block)",
    );
    expect(w.calls).toEqual(["on", "off h1"]);
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
