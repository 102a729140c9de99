/**
 * DuckDB under stop-first on t2, the file in a named docker volume. Debian 12 has no duckdb CLI or Python module, so
 * this is the file-copy-while-stopped path (which is what stop-first means): a stand-in app appends to the file
 * continuously; the backup stops it, copies, compares byte for byte while it is still stopped, and starts it again.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBackup } from "../../../src/backup/index.js";
import { systemdWriters } from "../../../src/backup/writers.js";
import type { RemoteHost } from "../../../src/remote/types.js";
import { connectT2, installUnit, removeUnit, sh, token } from "./support.js";

const WRITER_PY = `
import sys, time
with open(sys.argv[1], "ab", buffering=0) as f:
    while True:
        f.write(b"x" * 4096)
        time.sleep(0.01)
`;

async function mainPid(host: RemoteHost, unit: string): Promise<number> {
  return Number((await host.exec(["systemctl", "show", "-p", "MainPID", "--value", unit])).stdout.trim());
}

describe("DuckDB under stop-first, in a docker volume (t2)", () => {
  let host: RemoteHost;
  const id = token();
  const volume = `slipway-backup-e2e-${id}`;
  const unit = `slipway-backup-e2e-duck-${id}.service`;
  let mountpoint = "";
  const deployDir = `/opt/slipway-backup-e2e-${id}`;

  beforeAll(async () => {
    host = await connectT2();
    await host.exec(["docker", "volume", "create", volume], { become: true });
    mountpoint = (
      await host.exec(["docker", "volume", "inspect", "--format", "{{ .Mountpoint }}", volume], { become: true })
    ).stdout.trim();
    await host.exec(["sh", "-c", 'cat > "$1"', "sh", `${mountpoint}/writer.py`], { become: true, stdin: WRITER_PY });
    await host.exec(["sh", "-c", 'head -c 1048576 /dev/urandom > "$1"', "sh", `${mountpoint}/app.duckdb`], {
      become: true,
    });
    await installUnit(
      host,
      unit,
      `[Service]\nExecStart=/usr/bin/python3 ${mountpoint}/writer.py ${mountpoint}/app.duckdb\n`,
    );
    await host.exec(["systemctl", "start", unit], { become: true });
  });

  afterAll(async () => {
    if (!host) return;
    await removeUnit(host, unit);
    await host.exec(["docker", "volume", "rm", "-f", volume], { become: true, check: false });
    await host.exec(["rm", "-rf", "--", deployDir], { become: true, check: false });
    await host.close();
  });

  it("says how it is done on this target", async () => {
    const probe = await sh(
      host,
      "if command -v duckdb; then :; elif python3 -c 'import duckdb' 2>/dev/null; then echo python-module; else echo none; fi",
      { check: false },
    );
    // Recorded in the test output: which path this run exercised.
    console.info(
      `duckdb on t2: ${probe.stdout.trim() || "none"} (the backup copies the file while the app is stopped)`,
    );
    expect(probe.code).toBe(0);
  });

  it("takes the backup while the app is stopped and starts it again", async () => {
    const pidBefore = await mainPid(host, unit);
    expect(pidBefore).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const manifest = await createBackup({
      host,
      deployDir,
      database: {
        engine: "duckdb",
        location: { kind: "volume", volume, path: "app.duckdb" },
        safety: { mode: "stop-first" },
      },
      release: "r1",
      writers: systemdWriters([unit]),
    });
    expect(manifest.database.location).toBe(`volume ${volume}:app.duckdb`);
    expect(manifest.verified).toEqual(["the copy equals the stopped database byte for byte"]);
    expect(manifest.sizeBytes).toBeGreaterThan(1048576);

    // The app was stopped and started again (a new process), and the copy passed `cmp` against a file that the
    // running app appends to every 10 ms: possible only while it was stopped.
    const pidAfter = await mainPid(host, unit);
    expect(pidAfter).toBeGreaterThan(0);
    expect(pidAfter).not.toBe(pidBefore);
    expect((await host.exec(["systemctl", "is-active", unit])).stdout.trim()).toBe("active");

    // The app writes again after the backup: the live file grows past the copy.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const size = Number(
      (await host.exec(["stat", "-c", "%s", `${mountpoint}/app.duckdb`], { become: true })).stdout.trim(),
    );
    expect(size).toBeGreaterThan(manifest.sizeBytes);
    // The backup is a byte-exact prefix of the live file (the stand-in app only appends).
    const prefixSum = (
      await sh(host, `head -c ${manifest.sizeBytes} ${mountpoint}/app.duckdb | sha256sum`, { become: true })
    ).stdout.split(" ")[0];
    expect(prefixSum).toBe(manifest.sha256);
  });
});
