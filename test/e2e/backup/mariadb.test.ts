/**
 * MariaDB (Debian's mariadb-server on t2): mysqldump --single-transaction --quick | gzip through a 0600
 * --defaults-extra-file that is gone afterwards; the dump loads into another database with equal rows, and a restore
 * after a destructive migration brings the rows back.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBackup, restoreBackup } from "../../../src/backup/index.js";
import type { MysqlSpec } from "../../../src/backup/types.js";
import type { RemoteHost } from "../../../src/remote/types.js";
import { connectT2, deployDirFor, makeDeployDir, removeDir, sh, token } from "./support.js";

describe("MariaDB backup on t2", () => {
  let host: RemoteHost;
  const id = token();
  const database = `slipway_e2e_${id}`;
  const check = `${database}_check`;
  const user = `slipway_e2e_${id}`;
  const password = `p'w"d\\ ${id}`;
  let dir = "";

  /** As root through the unix socket (Debian's default authentication for root). */
  async function mysql(sql: string, db = ""): Promise<string> {
    return (await host.exec(["mysql", "-N", "-B", ...(db ? [db] : [])], { become: true, stdin: sql })).stdout.trim();
  }

  beforeAll(async () => {
    host = await connectT2();
    // Known before creating it, so afterAll cleans up even when creating it failed half-way.
    dir = deployDirFor(id);
    await makeDeployDir(host, id);
    await host.exec(["systemctl", "start", "mariadb"], { become: true });
    await sh(host, "for i in $(seq 1 50); do mysqladmin ping >/dev/null 2>&1 && exit 0; sleep 0.2; done; exit 1", {
      become: true,
    });
    const quoted = password.replaceAll("\\", "\\\\").replaceAll("'", "\\'");
    await mysql(
      `CREATE DATABASE ${database}; CREATE DATABASE ${check};
       CREATE USER '${user}'@'localhost' IDENTIFIED BY '${quoted}';
       GRANT ALL ON ${database}.* TO '${user}'@'localhost';
       USE ${database};
       CREATE TABLE products (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(50) NOT NULL, price INT NOT NULL, photo BLOB) ENGINE=InnoDB;
       INSERT INTO products (name, price, photo) SELECT CONCAT('p', seq), seq * 3, UNHEX('00FF10') FROM seq_1_to_2000;`,
    );
  });

  afterAll(async () => {
    if (!host) return;
    await host.exec(
      [
        "mysql",
        "-e",
        `DROP DATABASE IF EXISTS ${database}; DROP DATABASE IF EXISTS ${check}; DROP USER IF EXISTS '${user}'@'localhost';`,
      ],
      {
        become: true,
        check: false,
      },
    );
    await removeDir(host, dir);
    await host.close();
  });

  const spec = (): MysqlSpec => ({ engine: "mysql", location: { kind: "server" }, database, user, password });

  it("dumps through a defaults-extra-file, verifies, and the dump loads with equal rows", async () => {
    const manifest = await createBackup({ host, deployDir: dir, database: spec(), release: "r1" });
    expect(manifest.file).toBe(`${manifest.id}.sql.gz`);
    expect(manifest.tool.version).toMatch(/mysqldump.*MariaDB/i);
    expect(manifest.verified).toEqual([
      "gzip -t: the archive is complete",
      "the dump ends with mysqldump's completion line",
    ]);
    expect((await sh(host, "ls /tmp | grep -c '^slipway-my-' || true", { become: true })).stdout.trim()).toBe("0");

    await sh(host, `gzip -dc ${dir}/backups/${manifest.file} | sudo -n mysql ${check}`);
    const checksum = "SELECT COUNT(*), SUM(price), SUM(LENGTH(photo)) FROM products";
    expect(await mysql(checksum, check)).toBe(await mysql(checksum, database));
    expect(await mysql(checksum, check)).toBe("2000\t6003000\t6000");
  });

  it("restores the dump over a destructive migration", async () => {
    const before = await mysql("SELECT id, name, price, HEX(photo) FROM products ORDER BY id", database);
    const manifest = await createBackup({ host, deployDir: dir, database: spec(), release: "r2" });
    await mysql("ALTER TABLE products DROP COLUMN price; DELETE FROM products WHERE id > 100;", database);
    const result = await restoreBackup({ host, deployDir: dir, database: spec(), release: "r3", id: manifest.id });
    expect(await mysql("SELECT id, name, price, HEX(photo) FROM products ORDER BY id", database)).toBe(before);
    expect(result.preRestore.reason).toBe("pre-restore");
    expect((await sh(host, "ls /tmp | grep -c '^slipway-my-' || true", { become: true })).stdout.trim()).toBe("0");
  });
});
