/**
 * Postgres (Debian's postgresql on t2): pg_dump -Fc restores into a scratch database with equal row counts (checked by
 * the backup itself and again independently here), a password reaches pg_dump only through a PGPASSFILE that is gone
 * afterwards, and a restore after a destructive migration brings the rows back.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BackupError } from "../../../src/backup/errors.js";
import { createBackup, restoreBackup } from "../../../src/backup/index.js";
import type { PostgresSpec } from "../../../src/backup/types.js";
import type { RemoteHost } from "../../../src/remote/types.js";
import { connectT2, deployDirFor, makeDeployDir, removeDir, sh, token } from "./support.js";

const COUNTS_SQL =
  "SELECT 'customers=' || count(*) FROM customers UNION ALL SELECT 'orders=' || count(*) FROM orders UNION ALL SELECT 'empty=' || count(*) FROM empty ORDER BY 1";

describe("Postgres backup on t2", () => {
  let host: RemoteHost;
  const id = token();
  const database = `slipway_e2e_${id}`;
  const check = `${database}_check`;
  const role = `slipway_e2e_${id}`;
  const password = `p:w\\'"d ${id}`;
  let dir = "";

  async function psql(db: string, sql: string): Promise<string> {
    return (
      await host.exec(["psql", "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", db], {
        become: true,
        becomeUser: "postgres",
        stdin: sql,
      })
    ).stdout.trim();
  }

  beforeAll(async () => {
    host = await connectT2();
    // Known before creating it, so afterAll cleans up even when creating it failed half-way.
    dir = deployDirFor(id);
    await makeDeployDir(host, id);
    await host.exec(["systemctl", "start", "postgresql"], { become: true });
    await sh(host, "for i in $(seq 1 50); do pg_isready -q && exit 0; sleep 0.2; done; exit 1");
    await host.exec(["createdb", database], { become: true, becomeUser: "postgres" });
    await psql(
      database,
      `CREATE TABLE customers (id serial PRIMARY KEY, name text NOT NULL, email text NOT NULL);
       INSERT INTO customers (name, email) SELECT 'c' || i, 'c' || i || '@e2e.test' FROM generate_series(1, 1000) i;
       CREATE TABLE orders (id serial PRIMARY KEY, customer_id int REFERENCES customers(id), total numeric(10,2));
       INSERT INTO orders (customer_id, total) SELECT 1 + i % 1000, i * 1.5 FROM generate_series(1, 5000) i;
       CREATE TABLE empty (id int);
       CREATE ROLE ${role} LOGIN PASSWORD '${password.replaceAll("'", "''")}';
       GRANT SELECT ON ALL TABLES IN SCHEMA public TO ${role};
       GRANT SELECT ON ALL SEQUENCES IN SCHEMA public TO ${role};`,
    );
  });

  afterAll(async () => {
    if (!host) return;
    for (const db of [database, check])
      await host.exec(["dropdb", "--if-exists", db], { become: true, becomeUser: "postgres", check: false });
    await host.exec(["psql", "-c", `DROP ROLE IF EXISTS ${role}`], {
      become: true,
      becomeUser: "postgres",
      check: false,
    });
    await removeDir(host, dir);
    await host.close();
  });

  const peer: PostgresSpec = {
    engine: "postgres",
    location: { kind: "server", runAs: "postgres" },
    database: "",
    verifyRestore: true,
  };

  it("the dump restores into a scratch database with equal row counts", async () => {
    const manifest = await createBackup({ host, deployDir: dir, database: { ...peer, database }, release: "r1" });
    expect(manifest.file).toBe(`${manifest.id}.dump`);
    expect(manifest.tool.version).toMatch(/^pg_dump \(PostgreSQL\) \d+/);
    expect(manifest.verified).toEqual([
      "pg_restore --list reads the dump",
      expect.stringMatching(/^restored into slipway_verify_[0-9a-f]+: 3 table\(s\), row counts equal$/),
    ]);
    expect(await psql("postgres", "SELECT count(*) FROM pg_database WHERE datname LIKE 'slipway_verify_%'")).toBe("0");

    // Independently: restore the kept file into another database and compare.
    await host.exec(["createdb", check], { become: true, becomeUser: "postgres" });
    await sh(host, `sudo -n -u postgres pg_restore --no-owner -d ${check} < ${dir}/backups/${manifest.file}`);
    const counts = await psql(database, COUNTS_SQL);
    expect(counts).toBe("customers=1000\nempty=0\norders=5000");
    expect(await psql(check, COUNTS_SQL)).toBe(counts);
  });

  it("a first backup needs twice the size the server reports: refused on a 1 MiB tmpfs, nothing written", async () => {
    const small = `${dir}/small`;
    await host.exec(
      ["sh", "-c", 'mkdir -p "$1" && mount -t tmpfs -o size=1m,mode=0777 slipway-e2e "$1"', "sh", `${small}/backups`],
      { become: true },
    );
    try {
      const error = await createBackup({
        host,
        deployDir: small,
        database: { ...peer, database },
        release: "r0",
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BackupError);
      expect((error as BackupError).message).toMatch(
        /^not enough free space for a backup: only 1\.0 MiB free in \S+\/small\/backups, but a backup needs twice the database's size \(\d+\.\d MiB\)$/,
      );
      expect((error as BackupError).hint).toContain("nothing was changed");
      expect((await host.exec(["ls", "-A", `${small}/backups`])).stdout.trim()).toBe("");
    } finally {
      await host.exec(["umount", `${small}/backups`], { become: true, check: false });
    }
  });

  it("passes a password only through a PGPASSFILE that is removed afterwards", async () => {
    const spec: PostgresSpec = {
      engine: "postgres",
      location: { kind: "server", host: "127.0.0.1", port: 5432 },
      database,
      user: role,
      password,
    };
    const manifest = await createBackup({ host, deployDir: dir, database: spec, release: "r2" });
    expect(manifest.sizeBytes).toBeGreaterThan(1000);
    expect((await sh(host, "ls /tmp | grep -c '^slipway-pgpass-' || true", { become: true })).stdout.trim()).toBe("0");
  });

  it("a wrong password fails the backup and leaves nothing behind", async () => {
    const spec: PostgresSpec = {
      engine: "postgres",
      location: { kind: "server", host: "127.0.0.1" },
      database,
      user: role,
      password: "wrong",
    };
    const before = (await host.exec(["ls", `${dir}/backups`])).stdout;
    const error = await createBackup({ host, deployDir: dir, database: spec, release: "r3" }).catch((e) => e);
    expect(error.message).toBe(`pg_dump -Fc of ${database}: failed`);
    expect(error.stderrTail).toContain("password authentication failed");
    expect((await host.exec(["ls", `${dir}/backups`])).stdout).toBe(before);
  });

  it("restores the dump over a destructive migration", async () => {
    const before = await psql(database, "SELECT * FROM customers ORDER BY id LIMIT 5");
    const manifest = await createBackup({
      host,
      deployDir: dir,
      database: { ...peer, database, verifyRestore: false },
      release: "r4",
    });
    await psql(database, "ALTER TABLE customers DROP COLUMN email; DELETE FROM orders WHERE id > 10;");
    const result = await restoreBackup({
      host,
      deployDir: dir,
      database: { ...peer, database },
      release: "r5",
      id: manifest.id,
    });
    expect(await psql(database, "SELECT * FROM customers ORDER BY id LIMIT 5")).toBe(before);
    expect(await psql(database, COUNTS_SQL)).toBe("customers=1000\nempty=0\norders=5000");
    expect(result.preRestore.reason).toBe("pre-restore");
  });
});
