/**
 * Fails closed, through the engine's playbook runner on t2: a backup followed by a change. With the backup directory
 * unwritable, or on a full disk (a 1 MiB tmpfs), the backup task fails, the change never runs, the app keeps serving,
 * and the message says why.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parsePlaybookText } from "../../../src/engine/parse/playbook.js";
import { runPlaybook } from "../../../src/engine/run.js";
import type { TaskOutcome } from "../../../src/engine/types.js";
import { defaultRegistry } from "../../../src/modules/index.js";
import type { RemoteHost } from "../../../src/remote/types.js";
import {
  APP_PY,
  connectT2,
  deployDirFor,
  httpGet,
  installUnit,
  makeDeployDir,
  removeDir,
  removeUnit,
  sqlite,
  targetT2,
  token,
  unitFile,
  waitForApp,
} from "./support.js";

describe("a failed backup stops the play before any change (t2)", () => {
  let host: RemoteHost;
  const id = token();
  const unit = `slipway-backup-e2e-${id}.service`;
  const port = 18_900 + (Number.parseInt(id.slice(0, 4), 16) % 90);
  let dir = "";
  let db = "";
  let marker = "";

  beforeAll(async () => {
    host = await connectT2();
    // Known before creating it, so afterAll cleans up even when creating it failed half-way.
    dir = deployDirFor(id);
    await makeDeployDir(host, id);
    db = `${dir}/data/app.db`;
    marker = `${dir}/the-change-ran`;
    await host.exec(["mkdir", "-p", `${dir}/data`]);
    await host.putFile(`${dir}/app.py`, APP_PY);
    // About 2 MB: more than half of the 1 MiB tmpfs, so the free-space rule refuses the backup.
    await sqlite(
      host,
      db,
      "CREATE TABLE events (id INTEGER PRIMARY KEY AUTOINCREMENT, payload TEXT);" +
        " WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 12000) INSERT INTO events(payload) SELECT hex(randomblob(64)) FROM n;",
    );
    await installUnit(host, unit, unitFile(`${dir}/app.py`, [db, String(port), "serve"]));
    await host.exec(["systemctl", "start", unit], { become: true });
    await waitForApp(host, port);
  });

  afterAll(async () => {
    if (!host) return;
    await removeUnit(host, unit);
    await removeDir(host, dir);
    await host.close();
  });

  async function deploy(database = db, expectOk = false): Promise<TaskOutcome[]> {
    const modules = defaultRegistry();
    const text = `
- name: deploy
  hosts: t2
  gather_facts: false
  tasks:
    - name: back up first
      backup:
        engine: sqlite
        path: ${database}
        deploy_dir: ${dir}
        release: r2
    - name: the change
      command:
        argv: [touch, ${marker}]
`;
    const playbook = parsePlaybookText(text, `${import.meta.dirname}/deploy.yml`, { modules });
    const target = targetT2();
    const outcomes: TaskOutcome[] = [];
    const result = await runPlaybook(playbook, {
      inventory: { hosts: { t2: { address: target.host, user: target.user } }, groups: {} },
      connect: () => connectT2(),
      modules,
      reporter: { outcome: (o) => outcomes.push(o) },
    });
    expect(result.ok).toBe(expectOk);
    return outcomes;
  }

  async function expectNothingChanged(): Promise<void> {
    expect((await host.exec(["test", "-e", marker], { check: false })).code).not.toBe(0);
    expect(await httpGet(host, port)).toBe("ok 12000");
  }

  it("backup directory unwritable: the change never runs, the app keeps serving, the message says why", async () => {
    // A SQLite backup is written as root (the file belongs to the app's user): only a read-only mount stops root.
    await host.exec(
      ["sh", "-c", 'mkdir -p "$1" && mount -t tmpfs -o ro,size=1m slipway-e2e "$1"', "sh", `${dir}/backups`],
      { become: true },
    );
    try {
      const outcomes = await deploy();
      expect(outcomes.map((o) => `${o.task} ${o.status}`)).toEqual(["back up first failed"]);
      console.info(outcomes[0]?.msg);
      expect(outcomes[0]?.msg).toContain(`check that the backup directory ${dir}/backups is writable: failed`);
      expect(outcomes[0]?.msg).toContain(`next: make ${dir}/backups writable (or free the disk)`);
      await expectNothingChanged();
    } finally {
      await host.exec(["umount", `${dir}/backups`], { become: true, check: false });
      await host.exec(["rmdir", `${dir}/backups`], { become: true, check: false });
    }
  });

  it("disk full (1 MiB tmpfs): the change never runs, the app keeps serving, the message says why", async () => {
    await host.exec(
      ["sh", "-c", 'mkdir -p "$1" && mount -t tmpfs -o size=1m,mode=0777 slipway-e2e "$1"', "sh", `${dir}/backups`],
      { become: true },
    );
    try {
      const outcomes = await deploy();
      expect(outcomes.map((o) => `${o.task} ${o.status}`)).toEqual(["back up first failed"]);
      console.info(outcomes[0]?.msg);
      expect(outcomes[0]?.msg).toMatch(
        /not enough free space for a backup: only 1\.0 MiB free in \S+\/backups, but a backup needs twice the database file's size \(\d\.\d MiB\)/,
      );
      await expectNothingChanged();
      // Nothing half-written was left on the full disk.
      expect((await host.exec(["ls", "-A", `${dir}/backups`])).stdout.trim()).toBe("");
    } finally {
      await host.exec(["umount", `${dir}/backups`], { become: true, check: false });
    }
  });

  it("disk fills during the dump: the backup fails, no partial file is left, the change never runs", async () => {
    await host.exec(
      ["sh", "-c", 'mkdir -p "$1" && mount -t tmpfs -o size=1m,mode=0777 slipway-e2e "$1"', "sh", `${dir}/backups`],
      { become: true },
    );
    try {
      // A small earlier backup makes the free-space rule pass (twice its size fits), but the real database does not.
      const tiny = `${dir}/data/tiny.db`;
      await sqlite(host, tiny, "CREATE TABLE t (x); INSERT INTO t VALUES (1);");
      const first = await deploy(tiny, true);
      expect(first.map((o) => `${o.task} ${o.status}`)).toEqual(["back up first changed", "the change changed"]);
      await host.exec(["rm", "-f", marker]);

      const outcomes = await deploy();
      console.info(outcomes[0]?.msg);
      expect(outcomes.map((o) => `${o.task} ${o.status}`)).toEqual(["back up first failed"]);
      expect(outcomes[0]?.msg).toContain(`online copy of ${db} (VACUUM INTO): failed`);
      expect(outcomes[0]?.msg).toMatch(/database or disk is full/);
      await expectNothingChanged();
      const left = (await host.exec(["ls", "-A", `${dir}/backups`])).stdout.trim().split("\n");
      // Neither the partial copy nor SQLite's rollback journal of it (`.part-journal`) stays.
      expect(left.filter((name) => name.includes(".part"))).toEqual([]);
      expect(left).toHaveLength(2);
    } finally {
      await host.exec(["umount", `${dir}/backups`], { become: true, check: false });
    }
  });
});
