/**
 * Round trip through the CLI on t2: `slipway backup create`, a migration that drops a column, then
 * `slipway backup restore ID`: the data equals the snapshot row for row, the post-migration state was itself backed up
 * first, and the app (a systemd template unit of the live color) was stopped for the restore and serves again after.
 */
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Command } from "commander";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { RestoreResult } from "../../../src/backup/index.js";
import type { BackupManifest } from "../../../src/backup/types.js";
import { CliRun } from "../../../src/cli/_run.js";
import { register } from "../../../src/cli/backup.js";
import type { RemoteHost } from "../../../src/remote/types.js";
import {
  APP_PY,
  connectT2,
  deployDirFor,
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

async function slipway(args: string[]): Promise<unknown> {
  const program = new Command().exitOverride();
  register(program, new CliRun());
  let out = "";
  const spy = vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
    out += String(chunk);
    return true;
  });
  try {
    await program.parseAsync(["node", "slipway", ...args, "--json"]);
  } finally {
    spy.mockRestore();
  }
  return JSON.parse(out);
}

describe("backup, destructive migration, slipway backup restore (t2)", () => {
  let host: RemoteHost;
  const id = token();
  const app = `bk-${id}`;
  const template = `${app}-web@.service`;
  const live = `${app}-web@blue.service`;
  const port = 18_000 + (Number.parseInt(id.slice(0, 4), 16) % 90);
  let dir = "";
  let db = "";
  let config = "";
  const localDirs: string[] = [];

  beforeAll(async () => {
    host = await connectT2();
    // Known before creating it, so afterAll cleans up even when creating it failed half-way.
    dir = deployDirFor(id);
    await makeDeployDir(host, id);
    db = `${dir}/data/app.db`;
    // The release layout facts read: current -> releases/r1, and the live color.
    await host.exec([
      "sh",
      "-c",
      'mkdir -p "$1/data" "$1/releases/r1" && ln -sfn "$1/releases/r1" "$1/current" && echo blue > "$1/color"',
      "sh",
      dir,
    ]);
    await host.putFile(`${dir}/app.py`, APP_PY);
    await sqlite(
      host,
      db,
      "CREATE TABLE events (id INTEGER PRIMARY KEY, payload TEXT); INSERT INTO events(payload) VALUES ('x');" +
        " CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL, price INTEGER NOT NULL);" +
        " INSERT INTO items (name, price) VALUES ('apple', 120), ('pear', 95), ('it''s \"quoted\"', 7), ('plum', 300);",
    );
    await installUnit(host, template, unitFile(`${dir}/app.py`, [db, String(port), "serve"]));
    await host.exec(["systemctl", "start", live], { become: true });
    await waitForApp(host, port);

    const target = targetT2();
    const local = mkdtempSync(path.join(tmpdir(), "slipway-backup-e2e-"));
    localDirs.push(local);
    config = path.join(local, "slipway.yml");
    writeFileSync(
      config,
      `app: ${app}
runtime: systemd
services:
  web:
    port: ${port}
    health:
      path: /
    # The unit itself is installed by the test (installUnit); the backup only needs the service's name.
    systemd:
      app_module: app:app
inventory:
  ssh:
    user: ${target.user}
    known_hosts_file: ${target.knownHostsPath}
    identity_file: ${target.privateKeyPath}
  hosts:
    t2:
      address: ${target.host}
proxy:
  mode: internal
database:
  engine: sqlite
  path: ${db}
deploy_dir: ${dir}
`,
    );
  });

  afterAll(async () => {
    for (const local of localDirs) rmSync(local, { recursive: true, force: true });
    if (!host) return;
    await removeUnit(host, live);
    await removeUnit(host, template);
    // systemd made a slice for the template's instances; it outlives them.
    await host.exec(["sh", "-c", 'systemctl stop "system-$(systemd-escape "$1").slice"', "sh", `${app}-web`], {
      become: true,
      check: false,
    });
    await removeDir(host, dir);
    await host.close();
  });

  it("restores the snapshot row for row after a column was dropped, keeping the migrated state as a backup", async () => {
    const runnerDir = mkdtempSync(path.join(tmpdir(), "slipway-backup-copy-"));
    localDirs.push(runnerDir);
    const created = (await slipway([
      "backup",
      "create",
      "--config",
      config,
      "--copy-to",
      runnerDir,
    ])) as BackupManifest & { copiedTo: string };
    expect(created.release).toBe("r1");
    // The copy on the runner is the same file (copyToRunner checks the sha256 on arrival; check again here).
    expect(createHash("sha256").update(readFileSync(created.copiedTo)).digest("hex")).toBe(created.sha256);
    expect(created.copiedTo).toBe(path.join(runnerDir, created.file));
    const snapshot = await sqlite(host, db, "SELECT * FROM items ORDER BY id;");
    const activeSince = (
      await host.exec(["systemctl", "show", "-p", "ActiveEnterTimestampMonotonic", "--value", live])
    ).stdout.trim();

    await sqlite(
      host,
      db,
      "ALTER TABLE items DROP COLUMN price; INSERT INTO items (name) VALUES ('kiwi'); UPDATE items SET name = 'APPLE' WHERE id = 1;",
    );
    const migrated = await sqlite(host, db, "SELECT * FROM items ORDER BY id;");
    expect(migrated).toBe('1|APPLE\n2|pear\n3|it\'s "quoted"\n4|plum\n5|kiwi');

    const result = (await slipway(["backup", "restore", created.id, "--config", config, "--yes"])) as RestoreResult;
    expect(result.restored.id).toBe(created.id);

    expect(await sqlite(host, db, "SELECT * FROM items ORDER BY id;")).toBe(snapshot);
    expect(snapshot).toBe('1|apple|120\n2|pear|95\n3|it\'s "quoted"|7\n4|plum|300');
    expect(await sqlite(host, db, "PRAGMA integrity_check;")).toBe("ok");

    // The state after the migration was backed up before the restore.
    expect(result.preRestore.reason).toBe("pre-restore");
    const preRestoreFile = `${dir}/backups/${result.preRestore.file}`;
    expect(await sqlite(host, preRestoreFile, "SELECT * FROM items ORDER BY id;", true)).toBe(migrated);

    // The app was stopped for the restore and started again.
    const after = (
      await host.exec(["systemctl", "show", "-p", "ActiveEnterTimestampMonotonic", "--value", live])
    ).stdout.trim();
    expect(Number(after)).toBeGreaterThan(Number(activeSince));
    expect(await waitForApp(host, port)).toBe("ok 1");

    const listed = (await slipway(["backup", "list", "--config", config])) as BackupManifest[];
    expect(listed.map((m) => m.id)).toEqual([result.preRestore.id, created.id]);
  });

  it("honours database.backups.dir: create, list and restore use that directory, not <deploy dir>/backups", async () => {
    const elsewhere = `${dir}/elsewhere/backups`;
    const moved = path.join(path.dirname(config), "slipway.dir.yml");
    writeFileSync(
      moved,
      `${readFileSync(config, "utf8")}`.replace(
        `  path: ${db}\n`,
        `  path: ${db}\n  backups:\n    dir: ${elsewhere}\n`,
      ),
    );
    const before = (await host.exec(["ls", `${dir}/backups`])).stdout;
    const created = (await slipway(["backup", "create", "--config", moved])) as BackupManifest;
    expect((await host.exec(["test", "-f", `${elsewhere}/${created.file}`], { check: false })).code).toBe(0);
    expect((await host.exec(["ls", `${dir}/backups`])).stdout).toBe(before);

    const listed = (await slipway(["backup", "list", "--config", moved])) as BackupManifest[];
    expect(listed.map((m) => m.id)).toEqual([created.id]);
    const result = (await slipway(["backup", "restore", created.id, "--config", moved, "--yes"])) as RestoreResult;
    expect(result.restored.id).toBe(created.id);
    expect((await host.exec(["test", "-f", `${elsewhere}/${result.preRestore.file}`], { check: false })).code).toBe(0);
    expect((await host.exec(["ls", `${dir}/backups`])).stdout).toBe(before);
  });
});
