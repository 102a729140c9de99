/**
 * `slipway backup restore ID` under a writer (harvest, runtime systemd, SQLite) on t8: without a terminal and without
 * --yes it refuses (exit 5) and changes nothing; with --yes the restore runs behind the maintenance page, so every
 * write refused meanwhile is a 503 with Retry-After, never nginx's bare 502; afterwards the page is off, the app
 * answers through nginx and the rows are the backup's plus what came after the page went off.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { terminalSink } from "../../../src/cli/deploy-events.js";
import { loadConfig, type SlipwayConfig } from "../../../src/config/index.js";
import { type DeployOptions, deploy } from "../../../src/deploy/index.js";
import type { RemoteHost } from "../../../src/remote/types.js";
import { slipway } from "../../support/cli-in-process.js";
import { cleanHost, connectTarget, viaNginx, writeOverlay } from "../deploy/support.js";
import { REPO_ROOT, sandboxTarget } from "../support/sandbox.js";
import { post, writer } from "./harvest-writer.js";

const APP = "hvpaged";
const DOMAIN = "hvpaged.e2e.test";
const COMMIT = "0123456789abcdef0123456789abcdef01234567";
const address = () => sandboxTarget("t8").host;

describe("backup restore behind the maintenance page (harvest on t8)", () => {
  let host: RemoteHost;
  let config: SlipwayConfig;
  let file: string;
  const lines: string[] = [];
  const db = `/var/lib/${APP}/app.db`;
  const crops = async () =>
    (await host.exec(["sqlite3", db, "SELECT crop FROM harvests ORDER BY id"], { become: true })).stdout
      .trim()
      .split("\n")
      .filter(Boolean);

  beforeAll(async () => {
    host = await connectTarget("t8");
    await cleanHost(host, APP);
    file = writeOverlay("harvest", {
      app: APP,
      domain: DOMAIN,
      target: "t8",
      ports: { backend: 5343, frontend: 8393 },
      healthTimeout: "20s",
    });
    config = await loadConfig(file);
    const options: DeployOptions = {
      config,
      commit: COMMIT,
      actor: "e2e",
      releaseDir: `${REPO_ROOT}/examples/harvest`,
      drainSeconds: 1,
      versionEnv: { APP_VERSION: "v1" },
      onEvent: terminalSink((line) => lines.push(line)),
    };
    expect((await deploy(options)).ok, lines.join("\n")).toBe(true);
  });

  afterAll(async () => {
    await cleanHost(host, APP);
    await host.close();
  });

  it("refuses without a terminal and without --yes, then restores with --yes behind the page (503, never 502)", async () => {
    for (const crop of ["kept-a", "kept-b"]) expect((await post(address(), DOMAIN, crop)).status).toBe(201);
    const created = await slipway("backup", "create", "-c", file, "--json");
    expect(created.code, created.stderr).toBe(0);
    const id = (JSON.parse(created.stdout) as { id: string }).id;
    for (const crop of ["lost-a", "lost-b"]) expect((await post(address(), DOMAIN, crop)).status).toBe(201);

    const refused = await slipway("backup", "restore", id, "-c", file);
    expect(refused.code).toBe(5);
    expect(refused.stderr).toContain(`no terminal to ask on: pass --yes to restore backup ${id}`);
    expect(await crops()).toEqual(["kept-a", "kept-b", "lost-a", "lost-b"]);

    const load = writer(address, DOMAIN);
    await new Promise((r) => setTimeout(r, 1000));
    const restored = await slipway("backup", "restore", id, "-c", file, "--yes");
    const paged = Date.now();
    await new Promise((r) => setTimeout(r, 1000));
    const writes = await load.stop();
    expect(restored.code, restored.stderr).toBe(0);
    expect(restored.stderr).toContain("t8: maintenance page on for the restore");
    expect(restored.stderr).toContain("t8: maintenance page off");

    const failed = writes.filter((w) => w.status !== 201);
    expect(failed.length, JSON.stringify(writes.map((w) => w.status))).toBeGreaterThan(0);
    expect(failed.filter((w) => w.status !== 503 || w.retryAfter === undefined)).toEqual([]);
    // After the command returned, the page is off and the app writes again on the restored data.
    const after = writes.filter((w) => w.at > paged + 300);
    expect(after.length).toBeGreaterThan(0);
    expect(after.filter((w) => w.status !== 201)).toEqual([]);
    const rows = await crops();
    expect(rows.slice(0, 2)).toEqual(["kept-a", "kept-b"]);
    expect(rows).not.toContain("lost-a");
    for (const w of after) expect(rows).toContain(w.crop);
    expect((await viaNginx(address(), DOMAIN, "/api/health")).status).toBe(200);
    const status = await slipway("maintenance", "status", "-c", file);
    expect(status.stdout).toContain("t8: maintenance off");
  });
});
