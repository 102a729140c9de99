/**
 * Disk full during the pre-deploy backup, on sandbox target t1 (harvest, runtime systemd): `database.backups.dir` is
 * a 1 MiB tmpfs. The database grows past it after a small backup (the free-space check, twice the last backup, passes;
 * the copy hits ENOSPC), then on an empty tmpfs (the check itself refuses: twice the database file). Each time the
 * deploy stops at `backup` before any change, naming host, step, the directory and what to do; no partial file is
 * left for a later restore or prune to pick up; the old release keeps serving. Unmounted, the next deploy works.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { terminalSink } from "../../../src/cli/deploy-events.js";
import { loadConfig, type SlipwayConfig } from "../../../src/config/index.js";
import { type DeployOptions, type DeployResult, deploy } from "../../../src/deploy/index.js";
import type { RemoteHost } from "../../../src/remote/types.js";
import { REPO_ROOT, sandboxTarget } from "../support/sandbox.js";
import { cleanHost, connectTarget, viaNginx, writeOverlay } from "./support.js";

const APP = "hvfull";
const DOMAIN = "hvfull.e2e.test";
const RELEASE_DIR = `${REPO_ROOT}/examples/harvest`;
const BACKUPS = `/var/backups/${APP}-tiny`;
const DB = `/var/lib/${APP}/app.db`;
const address = () => sandboxTarget("t1").host;

describe("disk full during the backup (harvest on t1, database.backups.dir on a 1 MiB tmpfs)", () => {
  let host: RemoteHost;
  let config: SlipwayConfig;
  let lines: string[] = [];
  const version = async () => JSON.parse((await viaNginx(address(), DOMAIN, "/api/health")).body).version;
  const crops = async () =>
    JSON.parse((await viaNginx(address(), DOMAIN, "/api/harvests")).body).harvests.map((h: { crop: string }) => h.crop);
  const run = (release: string): Promise<DeployResult> => {
    lines = [];
    const options: DeployOptions = {
      config,
      actor: "e2e",
      releaseDir: RELEASE_DIR,
      drainSeconds: 0,
      releaseId: release,
      versionEnv: { APP_VERSION: release },
      onEvent: terminalSink((line) => lines.push(line)),
    };
    return deploy(options);
  };
  const sudo = (script: string) => host.exec(["sh", "-c", script], { become: true, check: false });
  const mountTiny = async () => {
    const mounted = await sudo(`mkdir -p ${BACKUPS} && mount -t tmpfs -o size=1m,mode=0755 tmpfs ${BACKUPS}`);
    expect(mounted.code, mounted.stderr).toBe(0);
  };
  const unmount = () => sudo(`umount ${BACKUPS} 2>/dev/null; true`);
  const listing = async () => (await sudo(`ls -A ${BACKUPS}`)).stdout.split("\n").filter(Boolean).sort();

  /** The deploy stopped at backup, said where and what to do, changed nothing and left no partial file. */
  async function expectStoppedAtBackup(result: DeployResult, before: string[], why: RegExp) {
    expect(result.ok).toBe(false);
    const failed = lines.find((l) => l.startsWith("[t1] FAILED:")) ?? lines.join("\n");
    expect(failed).toMatch(/^\[t1\] FAILED: host t1, step "backup": /);
    expect(failed).toMatch(why);
    expect(failed).toContain(`free space in ${BACKUPS}`);
    expect(failed).toContain("deploy again");
    // Nothing after the backup ran (blue-green: backup comes before stage and start; the certificate step, between
    // preflight and backup, has nothing to do without TLS).
    expect(lines.join("\n")).toMatch(
      /steps: lock [\d.]+s, reconcile [\d.]+s, preflight [\d.]+s, certificate [\d.]+s, backup FAILED [\d.]+s$/m,
    );
    expect(await listing()).toEqual(before);
    expect(await version()).toBe("d1");
    expect(await crops()).toContain("before-full");
    expect((await sudo(`test -e /opt/${APP}/.slipway-lock`)).code).not.toBe(0);
  }

  beforeAll(async () => {
    host = await connectTarget("t1");
    await unmount();
    await cleanHost(host, APP);
    const file = writeOverlay("harvest", {
      app: APP,
      domain: DOMAIN,
      target: "t1",
      ports: { backend: 5341, frontend: 8390 },
      healthTimeout: "15s",
    });
    const yaml = parse(readFileSync(file, "utf8"));
    yaml.database.backups = { ...yaml.database.backups, dir: BACKUPS };
    writeFileSync(file, stringify(yaml));
    config = await loadConfig(file);
    await mountTiny();
    expect((await run("d0")).ok, lines.join("\n")).toBe(true);
    const added = await viaNginx(
      address(),
      DOMAIN,
      "/api/harvests",
      "POST",
      JSON.stringify({ crop: "before-full", kg: 1 }),
    );
    expect(added.status).toBe(201);
    // A small database: its backup fits in the tmpfs.
    expect((await run("d1")).ok, lines.join("\n")).toBe(true);
  });

  afterAll(async () => {
    if (!host) return;
    await unmount();
    await sudo(`rm -rf ${BACKUPS}`);
    await cleanHost(host, APP);
    await host.close();
  });

  it("the database grew past the room left: the copy hits ENOSPC, the deploy stops at backup, no partial file", async () => {
    const before = await listing();
    expect(before.filter((f) => f.endsWith(".sqlite3"))).toHaveLength(1);
    // 3 MB of rows written by the app's own user (the file keeps its owner).
    const pad =
      "CREATE TABLE IF NOT EXISTS pad (b BLOB); WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 3000) INSERT INTO pad SELECT randomblob(1000) FROM n;";
    const grown = await sudo(`runuser -u "$(stat -c %U ${DB})" -- sqlite3 ${DB} '${pad}' && stat -c %s ${DB}`);
    expect(grown.code, grown.stderr).toBe(0);
    expect(Number(grown.stdout.trim())).toBeGreaterThan(3_000_000);
    const result = await run("d2");
    await expectStoppedAtBackup(result, before, new RegExp(`the backup directory ${BACKUPS} ran out of space`));
  });

  it("an empty tmpfs smaller than twice the database: the free-space check refuses before copying", async () => {
    await unmount();
    await mountTiny();
    const result = await run("d2");
    await expectStoppedAtBackup(result, [], /not enough free space for a backup: only .* free in .*twice the database/);
  });

  it("once there is room (unmounted), the next deploy backs up and goes through", async () => {
    await unmount();
    const result = await run("d2");
    expect(result.ok, lines.join("\n")).toBe(true);
    expect(result.hosts[0]?.backup).toMatch(/^d2-/);
    expect(await version()).toBe("d2");
    expect(await crops()).toContain("before-full");
    expect((await sudo(`ls ${BACKUPS}`)).stdout).toContain(`${result.hosts[0]?.backup}.sqlite3`);
  });
});
