/** D79: stop-first checks the backup directory's room before the live color stops ("nothing was changed" holds). */
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { BackupError } from "../../../../src/backup/errors.js";
import { loadConfig } from "../../../../src/config/index.js";
import { databaseSpec } from "../../../../src/deploy/backup-step.js";
import { stopOldStep } from "../../../../src/deploy/steps/stop-old.js";
import type { FlowState } from "../../../../src/deploy/steps/types.js";
import { systemdRuntime } from "../../../../src/deploy/systemd-runtime.js";
import { FakeHost } from "../../engine/fake-host.js";

const example = (name: string) => loadConfig(resolve(`examples/${name}/slipway.yml`));

async function stopOld(freeKiB: number) {
  const config = await example("harvest");
  const spec = databaseSpec(config, {});
  const host = new FakeHost("t7");
  host.handlers.set("df", () => ({
    stdout: `Filesystem 1024-blocks Used Available Capacity Mounted on\n/dev/x 1024 1024 ${freeKiB} 100% /b\n`,
  }));
  host.handlers.set("stat", () => ({ stdout: "81920\n" }));
  host.writeFile("/var/lib/harvest/harvest.db", "SQLite format 3");
  const lines: string[] = [];
  const runtime = systemdRuntime(config, host);
  const state = {
    run: { host, runtime, kind: "deploy", config },
    spec,
    liveColor: "green",
    idle: "blue",
    role: { services: Object.keys(config.services) },
    say: (line: string) => lines.push(line),
  } as unknown as FlowState;
  const error = await stopOldStep.run(state).catch((e: unknown) => e);
  return { error, host, lines, state };
}

describe("stop-first: the backup's free-space check runs before the live color stops (D79)", () => {
  it("a full backup directory refuses stop-old itself: green never stopped, the message's 'nothing was changed' is true", async () => {
    const { error, host, lines, state } = await stopOld(0);
    expect(error).toBeInstanceOf(BackupError);
    const e = error as BackupError;
    expect(e.message).toBe(
      `not enough free space for a backup: only 0 B free in /opt/harvest/backups, but a backup needs twice the database file's size (160.0 KiB)`,
    );
    expect({ host: e.host, step: e.step }).toEqual({ host: "t7", step: "backup" });
    expect(e.hint).toMatch(/; nothing was changed$/);
    expect(host.ran.filter((c) => /\bstop\b/.test(c))).toEqual([]);
    expect((state as unknown as { oldStopped?: boolean }).oldStopped).toBeUndefined();
    expect(lines.some((l) => l.startsWith("downtime"))).toBe(false);
  });

  it("room enough: df runs before the stop of green", async () => {
    const { error, host } = await stopOld(10_000);
    expect(error).toEqual({ status: "changed", data: { color: "green" } });
    const df = host.ran.findIndex((c) => c.startsWith("df -P -k"));
    const stop = host.ran.findIndex((c) => /\bstop\b/.test(c) && c.includes("green"));
    expect(df).toBeGreaterThanOrEqual(0);
    expect(stop).toBeGreaterThan(df);
  });
});
