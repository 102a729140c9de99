/**
 * D72: a deploy that fails once its new color started (gate, preview, before_switch) after the new release changed
 * the live database. With restore_on_rollback / --restore-db the backup step's undo restores the pre-deploy backup
 * (the live color's writers stopped, behind the maintenance page); without it the failure names the backup and the
 * command instead of "untouched"; the plan says which. The restore runs the real sqlite3 on local files (LocalHost),
 * the page on a fake nginx host.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createBackup } from "../../../../src/backup/index.js";
import { PortTakenError } from "../../../../src/deploy/port-squatters.js";
import { backupStep } from "../../../../src/deploy/steps/backup.js";
import { backupPlanLines, clock, unrestoredNote } from "../../../../src/deploy/steps/backup-undo.js";
import { startStep } from "../../../../src/deploy/steps/start.js";
import type { FlowState } from "../../../../src/deploy/steps/types.js";
import type { ExecOptions, RemoteHost } from "../../../../src/remote/types.js";
import { MAINTENANCE_URI } from "../../../../src/render/nginx-maintenance.js";
import { LocalHost } from "../../backup/support/local-host.js";
import { FakeHost } from "../../engine/fake-host.js";

const LIVE = "e3d38e0-20261201030659";
const NEW = "d55b1f3-20261201030807";
const BACKUP = "d55b1f3-20261201030807-20261201T030818972Z";
const PAGE = "/etc/nginx/slipway/shop.maintenance.html";

function sql(db: string, statement: string): string {
  return execFileSync("sqlite3", [db, statement], { encoding: "utf8" }).trim();
}

interface Options {
  restore?: "config" | "flag";
  stopFirst?: boolean;
  switches?: boolean;
  live?: boolean;
  database?: boolean;
}

/** A deploy of NEW to blue while LIVE is live on green, the backup taken, blue started; `host` runs it. */
function deployState(host: unknown, deployDir: string, db: string, said: string[], o: Options = {}) {
  const marker = path.join(deployDir, "writers.log");
  const database = o.database === false ? undefined : { engine: "sqlite", restore_on_rollback: o.restore === "config" };
  const state = {
    run: {
      kind: "deploy",
      restoreDb: o.restore === "flag",
      releaseId: NEW,
      host,
      config: { app: "shop", deploy_dir: deployDir, proxy: { mode: "nginx" }, database },
      runtime: { names: (c: string) => [`shop-web@${c}`] },
    },
    spec: database ? { engine: "sqlite", location: { kind: "file", path: db } } : null,
    // No HTTP service: nothing to wait for once the restore started the live color again.
    local: { services: {} },
    role: { services: ["web"], switches: o.switches ?? true },
    liveColor: o.live === false ? null : "green",
    idle: "blue",
    stopFirst: o.stopFirst ?? false,
    switched: false,
    live: { release: o.live === false ? null : LIVE, history: { releases: [] } },
    writersOf: (c: string) => ({
      stop: [["sh", "-c", `echo stop ${c} >> ${marker}`]],
      start: [["sh", "-c", `echo start ${c} >> ${marker}`]],
    }),
    backup: BACKUP,
    backupAt: new Date("2026-12-01T03:08:18.972Z"),
    startedAt: new Date("2026-12-01T03:08:21.400Z"),
    undoNotes: [] as string[],
    say: (line: string) => said.push(line),
    emitter: { progress: () => {} },
  };
  return { state: state as unknown as FlowState, marker };
}

const planOf = (o: Options) => {
  const { state } = deployState(new FakeHost("t10"), "/opt/shop", "/var/lib/shop/shop.db", [], o);
  return backupPlanLines(state);
};

describe("the plan says what a failure after the new color started does to the database (D72)", () => {
  it("restore_on_rollback: the backup is restored, green's writers stopped behind the maintenance page", () => {
    expect(planOf({ restore: "config" })).toEqual([
      "  back up the database",
      "  on a failure once blue has started (gate, preview, before_switch or after the switch): restore that backup (database.restore_on_rollback), shop-web@green stopped meanwhile behind the maintenance page; the writes since the backup are lost",
    ]);
  });

  it("--restore-db names the flag; stop-first stops nothing more and shows no page (nothing serves)", () => {
    expect(planOf({ restore: "flag" })[1]).toBe(
      "  on a failure once blue has started (gate, preview, before_switch or after the switch): restore that backup (--restore-db), shop-web@green stopped meanwhile behind the maintenance page; the writes since the backup are lost",
    );
    expect(planOf({ restore: "config", stopFirst: true })[1]).toBe(
      "  on a failure once blue has started (gate, preview, before_switch or after the switch): restore that backup (database.restore_on_rollback); the writes since the backup are lost",
    );
    // An app host of the load-balancer layout: the page is the nginx hosts' (none here).
    expect(planOf({ restore: "config", switches: false })[1]).toBe(
      "  on a failure once blue has started (gate, preview, before_switch or after the switch): restore that backup (database.restore_on_rollback), shop-web@green stopped meanwhile; the writes since the backup are lost",
    );
  });

  it("without it: the database stays as the new release left it, and the failure will name the backup", () => {
    expect(planOf({})).toEqual([
      "  back up the database",
      "  on a failure once blue has started: the database stays as blue left it (it runs against the live database; database.restore_on_rollback is off); the failure names the backup to restore",
    ]);
  });

  it("a first deploy only backs up; no database: no line", () => {
    expect(planOf({ live: false, restore: "config" })).toEqual(["  back up the database"]);
    expect(planOf({ database: false })).toEqual([]);
  });
});

describe("the failure's line about the database without a restore (D72)", () => {
  const note = (patch: Partial<Record<keyof FlowState, unknown>>, o: Options = {}) => {
    const { state } = deployState(new FakeHost("t10"), "/opt/shop", "/var/lib/shop/shop.db", [], o);
    return unrestoredNote({ ...state, ...patch } as FlowState);
  };

  it("names the time the new release started and the exact command restoring the pre-deploy backup", () => {
    expect(note({})).toBe(
      `the new release ran against the live database from 2026-12-01T03:08:21Z; if it changes data at start, restore the pre-deploy backup: slipway backup restore ${BACKUP} --host t10`,
    );
    expect(note({ switched: true })).toBe(
      `the new release ran against the live database from 2026-12-01T03:08:21Z; if it changed data, restore the pre-deploy backup: slipway backup restore ${BACKUP} --host t10`,
    );
  });

  it("none when nothing started, no database is configured, nothing was live, or the backup was restored", () => {
    expect(note({ startedAt: undefined })).toBeUndefined();
    expect(note({ spec: null })).toBeUndefined();
    expect(note({ liveColor: null })).toBeUndefined();
    expect(note({ restoredBackup: BACKUP })).toBeUndefined();
  });

  it("formats moments to the second, in UTC", () => {
    expect(clock(new Date("2026-12-01T03:08:18.972Z"))).toBe("2026-12-01T03:08:18Z");
  });
});

/** Local files and commands, but the nginx files on a fake host (the page must not touch this machine's /etc). */
function splitHost(local: LocalHost, nginx: FakeHost): RemoteHost {
  const isNginx = (p: string) => p.startsWith("/etc/nginx/");
  return {
    name: "t10",
    exec: (argv: readonly string[], options?: ExecOptions) =>
      argv.some(isNginx) ? nginx.exec(argv, options) : local.exec(argv, options),
    putFile: (p: string, content: string | Buffer, options?: never) =>
      isNginx(p) ? nginx.putFile(p, content, options) : local.putFile(p, content),
    readFile: (p: string) => (isNginx(p) ? nginx.readFile(p) : local.readFile(p)),
    facts: () => local.facts(),
    close: async () => {},
  } as unknown as RemoteHost;
}

describe("restore_on_rollback: a failure before the switch restores the pre-deploy backup (D72)", () => {
  async function setup(o: Options = { restore: "config" }) {
    const deployDir = mkdtempSync(path.join(tmpdir(), "slipway-backup-undo-"));
    const db = path.join(deployDir, "app.db");
    sql(db, "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO items (name) VALUES ('a'), ('b');");
    const local = new LocalHost();
    const nginx = new FakeHost("t10");
    nginx.writeFile("/etc/nginx/conf.d/slipway-shop.conf", `location = ${MAINTENANCE_URI} { internal; }\n`);
    const database = { engine: "sqlite" as const, location: { kind: "file" as const, path: db } };
    const taken = await createBackup({ host: local, deployDir, database, release: NEW, reason: "deploy" });
    // The new release's start: deletes the even rows and renames the rest.
    sql(db, "DELETE FROM items WHERE id % 2 = 0; UPDATE items SET name = 'corrupted';");
    const said: string[] = [];
    const { state, marker } = deployState(splitHost(local, nginx), deployDir, db, said, o);
    const s = Object.assign(state, { backup: taken.id });
    return { s, db, said, marker, nginx, id: taken.id };
  }

  it("stops green's writers behind the page, restores every row, starts them again, page off; says what is lost", async () => {
    const { s, db, said, marker, nginx, id } = await setup();
    expect(await backupStep.undo?.(s)).toBeUndefined();
    expect(sql(db, "SELECT group_concat(name) FROM items")).toBe("a,b");
    expect(readFileSync(marker, "utf8")).toBe("stop green\nstart green\n");
    expect(nginx.files.has(PAGE)).toBe(false);
    const pre = said.find((l) => l.startsWith("restored the database"))?.replace(/^.* backup /, "") ?? "";
    expect(pre.startsWith(`${LIVE}-`)).toBe(true);
    const lost = `restored the database from backup ${id} (taken before this deploy): writes made since 2026-12-01T03:08:18Z are lost`;
    expect(said.filter((l) => /maintenance|restored the database/.test(l))).toEqual([
      "maintenance page on for the restore",
      `${lost}; the data before the restore is backup ${pre}`,
      "maintenance page off",
    ]);
    expect(s.undoNotes).toEqual([`${lost} (the data before the restore is backup ${pre})`]);
    expect(unrestoredNote(s)).toBeUndefined();
  });

  it("a page the user had on stays on", async () => {
    const { s, nginx } = await setup();
    nginx.writeFile(PAGE, "the user's own page");
    await backupStep.undo?.(s);
    expect(nginx.files.get(PAGE)?.content).toBe("the user's own page");
  });

  it("--restore-db restores too; without either, or before the new color started, nothing is restored", async () => {
    const flagged = await setup({ restore: "flag" });
    expect(await backupStep.undo?.(flagged.s)).toBeUndefined();
    expect(sql(flagged.db, "SELECT count(*) FROM items")).toBe("2");

    const off = await setup({});
    expect(await backupStep.undo?.(off.s)).toBe("nothing");
    expect(sql(off.db, "SELECT count(*) FROM items")).toBe("1");

    const early = await setup();
    expect(await backupStep.undo?.(Object.assign(early.s, { startedAt: undefined }))).toBe("nothing");
    expect(sql(early.db, "SELECT count(*) FROM items")).toBe("1");
  });
});

describe("start: when the new color counts as started against the database (D72)", () => {
  const started = async (error?: Error) => {
    const s = {
      role: { services: ["web"] },
      idle: "blue",
      run: {
        runtime: {
          names: () => ["shop-web@blue"],
          start: async () => {
            if (error) throw error;
          },
        },
      },
      say: () => {},
    } as unknown as FlowState;
    await startStep.run(s).catch(() => {});
    return s.startedAt !== undefined;
  };

  it("from the start command on, even when it fails; not when a taken port refused it before anything ran", async () => {
    expect(await started()).toBe(true);
    expect(await started(new Error("compose up: web is unhealthy"))).toBe(true);
    expect(await started(new PortTakenError("port 15001 of services.web (blue) is already in use"))).toBe(false);
  });
});
