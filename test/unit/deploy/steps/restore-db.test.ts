/**
 * rollback --restore-db (D66): the restore runs while no release writes, behind the maintenance page, and its undo
 * puts back what it replaced. The restore itself runs the real sqlite3 on local files (LocalHost); the page on the
 * shared fake host.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createBackup } from "../../../../src/backup/index.js";
import { maintenancePage } from "../../../../src/deploy/maintenance.js";
import { hostSteps } from "../../../../src/deploy/steps/index.js";
import {
  maintenanceOffStep,
  maintenanceOnStep,
  restorePlanLines,
  restoreStep,
} from "../../../../src/deploy/steps/restore-db.js";
import type { FlowState } from "../../../../src/deploy/steps/types.js";
import { MAINTENANCE_URI } from "../../../../src/render/nginx-maintenance.js";
import { LocalHost } from "../../backup/support/local-host.js";
import { FakeHost } from "../../engine/fake-host.js";

const LEFT = "c3776cc-20261201024500";

function sql(db: string, statement: string): string {
  return execFileSync("sqlite3", [db, statement], { encoding: "utf8" }).trim();
}

/** A rollback from LEFT on green to blue, restoring `backup` (recorded with LEFT), on `host`. */
function rollbackState(host: unknown, deployDir: string, db: string, backup: string | undefined, said: string[]) {
  const marker = path.join(deployDir, "writers.log");
  const state = {
    run: {
      kind: "rollback",
      restoreDb: true,
      runId: "f38ad8d591bd",
      releaseId: "53f1d23-20261201020000",
      host,
      config: { app: "shop", deploy_dir: deployDir, proxy: { mode: "nginx" } },
      runtime: { names: (c: string) => [`shop-web@${c}`] },
    },
    spec: { engine: "sqlite", location: { kind: "file", path: db } },
    role: { services: ["web"], switches: true },
    liveColor: "green",
    idle: "blue",
    stopFirst: false,
    live: { release: LEFT, history: { releases: [{ id: LEFT, backup }] } },
    writersOf: (c: string) => ({
      stop: [["sh", "-c", `echo stop ${c} >> ${marker}`]],
      start: [["sh", "-c", `echo start ${c} >> ${marker}`]],
    }),
    undoNotes: [] as string[],
    say: (line: string) => said.push(line),
    emitter: { progress: () => {} },
  };
  return { state: state as unknown as FlowState, marker };
}

describe("rollback --restore-db: the steps (D66)", () => {
  const names = (stopFirst: boolean, split: boolean) => hostSteps(stopFirst, split, true).map((s) => s.name);

  it("blue-green: page on, restore, then the old release starts, is switched to and verified, then page off", () => {
    expect(names(false, false)).toEqual([
      "lock",
      "reconcile",
      "preflight",
      "certificate",
      "backup",
      "stage",
      "maintenance-on",
      "restore",
      "start",
      "gate",
      "preview",
      "before_switch",
      "switch",
      "verify",
      "maintenance-off",
      "after_switch",
      "record",
      "retire",
    ]);
  });

  it("stop-first: the page goes on before the old color stops", () => {
    expect(names(true, false).slice(4, 9)).toEqual(["stage", "maintenance-on", "stop-old", "backup", "restore"]);
  });

  it("load-balancer layout: every nginx host pages before any app host restores", () => {
    expect(names(false, true).slice(5, 10)).toEqual([
      "stage",
      "maintenance-on",
      "wait-maintenance",
      "restore",
      "start",
    ]);
    expect(names(false, true).slice(14, 18)).toEqual(["switch", "verify", "maintenance-off", "wait-switched"]);
  });

  it("a deploy, or a rollback without --restore-db, has none of them", () => {
    expect(hostSteps(false, false).map((s) => s.name)).not.toContain("restore");
    expect(hostSteps(false, false).map((s) => s.name)).not.toContain("maintenance-on");
  });
});

describe("rollback --restore-db: the plan says what is lost and the downtime (D66)", () => {
  it("names the writers stopped, the backup, the pre-restore backup's release and the page", async () => {
    const said: string[] = [];
    const { state } = rollbackState(new FakeHost("t1"), "/opt/shop", "/var/lib/shop/shop.db", "c3776cc-b1", said);
    await maintenanceOnStep.plan?.(state);
    await restoreStep.plan?.(state);
    await maintenanceOffStep.plan?.(state);
    expect(said).toEqual([
      "  downtime: maintenance page (503, Retry-After 300s) from before the restore until blue is switched to and verified (restore, start, gate)",
      `  stop shop-web@green, back up the database as it is (pre-restore backup named after ${LEFT}), restore backup c3776cc-b1`,
      `  lost from the database: every write since backup c3776cc-b1 (taken before ${LEFT} was deployed); kept in the pre-restore backup (their ids may be handed out again)`,
      "  maintenance page off once verified",
    ]);
  });

  it("no backup recorded with the release left: the database is left as is, and no page", async () => {
    const said: string[] = [];
    const { state } = rollbackState(new FakeHost("t1"), "/opt/shop", "/var/lib/shop/shop.db", undefined, said);
    await maintenanceOnStep.plan?.(state);
    await restoreStep.plan?.(state);
    expect(said).toEqual([`  no backup recorded with ${LEFT}: database left as is`]);
    expect(restorePlanLines({ ...state, run: { ...state.run, restoreDb: false } } as FlowState)).toEqual([]);
  });
});

describe("rollback --restore-db: the restore and its undo (D66)", () => {
  async function setup() {
    const deployDir = mkdtempSync(path.join(tmpdir(), "slipway-restore-db-"));
    const db = path.join(deployDir, "app.db");
    sql(db, "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO items (name) VALUES ('a'), ('b');");
    const host = new LocalHost();
    const database = { engine: "sqlite" as const, location: { kind: "file" as const, path: db } };
    const taken = await createBackup({ host, deployDir, database, release: LEFT, reason: "deploy" });
    // The broken release's migration, then a write users made under it.
    sql(db, "DELETE FROM items WHERE id = 2; INSERT INTO items (name) VALUES ('written-by-c3776cc');");
    const said: string[] = [];
    return { db, said, ...rollbackState(host, deployDir, db, taken.id, said) };
  }

  it("stops the live color's writers, keeps their data as a backup named after the release left, restores", async () => {
    const { state, db, marker } = await setup();
    const result = await restoreStep.run(state);
    expect(sql(db, "SELECT group_concat(name) FROM items")).toBe("a,b");
    // The live (broken) color stays stopped: the old release starts on the restored data next.
    expect(readFileSync(marker, "utf8")).toBe("stop green\n");
    expect(state.preRestore?.startsWith(`${LEFT}-`)).toBe(true);
    const kept = path.join(state.run.config.deploy_dir, "backups", `${state.preRestore}.sqlite3`);
    expect(sql(kept, "SELECT group_concat(name) FROM items")).toBe("a,written-by-c3776cc");
    expect(result).toMatchObject({ status: "changed", data: { preRestore: state.preRestore } });
  });

  it("undo puts the pre-restore data back and starts the live color's writers again", async () => {
    const { state, db, marker } = await setup();
    await restoreStep.run(state);
    expect(await restoreStep.undo?.(state)).toBeUndefined();
    expect(sql(db, "SELECT group_concat(name) FROM items")).toBe("a,written-by-c3776cc");
    expect(readFileSync(marker, "utf8")).toBe("stop green\nstart green\n");
    expect(state.undoNotes).toEqual([
      `put the database back as it was before the restore (backup ${state.preRestore})`,
      "started green's writers again",
    ]);
  });

  it("no backup recorded: nothing stops, nothing is restored", async () => {
    const { state, said } = await setup();
    const none = { ...state, live: { release: LEFT, history: { releases: [{ id: LEFT }] } } } as unknown as FlowState;
    expect(await restoreStep.run(none)).toEqual({ status: "skipped" });
    expect(said).toEqual([`no backup recorded with ${LEFT}: database left as is`]);
    expect(await restoreStep.undo?.(none)).toBe("nothing");
  });
});

describe("rollback --restore-db: the maintenance page (D66)", () => {
  const PAGE = "/etc/nginx/slipway/shop.maintenance.html";
  function pagedHost(): FakeHost {
    const host = new FakeHost("t1");
    host.writeFile("/etc/nginx/conf.d/slipway-shop.conf", `location = ${MAINTENANCE_URI} { internal; }\n`);
    return host;
  }

  it("goes on before the restore and off once verified", async () => {
    const host = pagedHost();
    const { state } = rollbackState(host, "/opt/shop", "/db", "b1", []);
    expect(await maintenanceOnStep.run(state)).toEqual({ status: "changed" });
    expect(host.files.get(PAGE)?.content).toContain("Down for maintenance");
    expect(await maintenanceOffStep.run(state)).toEqual({ status: "changed" });
    expect(host.files.has(PAGE)).toBe(false);
  });

  it("its undo removes it; a page the user had on stays on", async () => {
    const host = pagedHost();
    const { state } = rollbackState(host, "/opt/shop", "/db", "b1", []);
    await maintenanceOnStep.run(state);
    expect(await maintenanceOnStep.undo?.(state)).toBeUndefined();
    expect(host.files.has(PAGE)).toBe(false);
    expect(state.undoNotes).toEqual(["maintenance page off"]);

    host.writeFile(PAGE, "the user's own page");
    const { state: again } = rollbackState(host, "/opt/shop", "/db", "b1", []);
    expect(await maintenanceOnStep.run(again)).toEqual({ status: "ok" });
    expect(await maintenanceOffStep.run(again)).toEqual({ status: "skipped" });
    expect(await maintenanceOnStep.undo?.(again)).toBe("nothing");
    expect(host.files.get(PAGE)?.content).toBe("the user's own page");
  });

  it("D80: records this run as its owner; a page a killed run left is taken over and off once verified", async () => {
    const host = pagedHost();
    const said: string[] = [];
    const { state } = rollbackState(host, "/opt/shop", "/db", "b1", said);
    await maintenanceOnStep.run(state);
    expect(host.files.get(PAGE)?.content).toContain("<!-- slipway maintenance owner: run f38ad8d591bd -->");

    // The run is killed here: the page stays, owned by it. The next restoring rollback takes it over.
    host.writeFile(PAGE, maintenancePage("shop", "run 0123456789ab"));
    const next: string[] = [];
    const { state: again } = rollbackState(host, "/opt/shop", "/db", "b1", next);
    expect(await maintenanceOnStep.run(again)).toEqual({ status: "changed" });
    expect(next).toEqual(["maintenance page left on by killed run 0123456789ab: taken over, off once verified"]);
    expect(host.files.get(PAGE)?.content).toBe(maintenancePage("shop", "run f38ad8d591bd"));
    expect(await maintenanceOffStep.run(again)).toEqual({ status: "changed" });
    expect(host.files.has(PAGE)).toBe(false);
  });

  it("D80: a page the user turned on (`slipway maintenance on`) stays on, said as the user's", async () => {
    const host = pagedHost();
    host.writeFile(PAGE, maintenancePage("shop", "user"));
    const said: string[] = [];
    const { state } = rollbackState(host, "/opt/shop", "/db", "b1", said);
    expect(await maintenanceOnStep.run(state)).toEqual({ status: "ok" });
    expect(said).toEqual(["maintenance was already on (`slipway maintenance on`): left on"]);
    expect(await maintenanceOffStep.run(state)).toEqual({ status: "skipped" });
    expect(host.files.get(PAGE)?.content).toBe(maintenancePage("shop", "user"));
  });
});
