/**
 * `slipway remove` on runtime systemd (harvest on t1): after a deploy, the app's units stop and their template files
 * go, nginx no longer serves its site (and still passes `nginx -t`), `deploy_dir` keeps only `backups/`, and the
 * SQLite file outside it stays. A second remove finds nothing to do.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { terminalSink } from "../../../src/cli/deploy-events.js";
import { loadConfig, type SlipwayConfig } from "../../../src/config/index.js";
import { deploy } from "../../../src/deploy/index.js";
import { removeApp } from "../../../src/deploy/remove-app.js";
import type { RemoteHost } from "../../../src/remote/types.js";
import { REPO_ROOT, sandboxTarget } from "../support/sandbox.js";
import { cleanHost, connectTarget, viaNginx, writeOverlay } from "./support.js";

const APP = "hvremove";
const DOMAIN = "hvremove.e2e.test";
const address = () => sandboxTarget("t1").host;

describe("slipway remove, runtime systemd (harvest on t1)", () => {
  let host: RemoteHost;
  let config: SlipwayConfig;
  const sudo = { become: true, check: false };
  const exists = async (path: string) => (await host.exec(["test", "-e", path], sudo)).code === 0;

  beforeAll(async () => {
    host = await connectTarget("t1");
    await cleanHost(host, APP);
    const file = writeOverlay("harvest", {
      app: APP,
      domain: DOMAIN,
      target: "t1",
      ports: { backend: 5361, frontend: 8361 },
      healthTimeout: "15s",
    });
    config = await loadConfig(file);
  });

  afterAll(async () => {
    await cleanHost(host, APP);
    await host.close();
  });

  it("takes the app off and keeps the backups and the database file", async () => {
    const lines: string[] = [];
    const deployed = await deploy({
      config,
      commit: "0123456789abcdef0123456789abcdef01234567",
      actor: "e2e",
      releaseDir: `${REPO_ROOT}/examples/harvest`,
      drainSeconds: 1,
      versionEnv: { APP_VERSION: "v1" },
      onEvent: terminalSink((line) => lines.push(line)),
    });
    if (!deployed.ok) console.log(lines.join("\n"));
    expect(deployed.ok).toBe(true);
    expect((await viaNginx(address(), DOMAIN, "/api/health")).status).toBe(200);
    // The app creates its SQLite file on the first write.
    const added = await viaNginx(address(), DOMAIN, "/api/harvests", "POST", JSON.stringify({ crop: "kept", kg: 1 }));
    expect(added.status).toBe(201);
    const dbFile = config.database?.path ?? "";
    await host.exec(["mkdir", "-p", `/opt/${APP}/backups`], sudo);
    await host.exec(["touch", `/opt/${APP}/backups/keep-me`], sudo);

    const plan = await removeApp(host, config, { check: true });
    // The template and the live color's drop-in dir (the deploy's slipway-release.conf, listed by `slipway render`).
    expect(plan[0]).toBe(
      `would stop and disable ${APP}-backend@blue.service, ${APP}-backend@green.service; remove /etc/systemd/system/${APP}-backend@.service, /etc/systemd/system/${APP}-backend@blue.service.d`,
    );
    expect(await exists(`/etc/systemd/system/${APP}-backend@blue.service.d/slipway-release.conf`)).toBe(true);
    expect((await viaNginx(address(), DOMAIN, "/api/health")).status).toBe(200);

    const done = await removeApp(host, config);
    expect(done.at(-1)).toBe(
      `kept: /opt/${APP}/backups, the named volumes, bootstrap's firewall rules of the app (--purge removes them)`,
    );
    const active = await host.exec(["systemctl", "is-active", `${APP}-backend@blue`, `${APP}-frontend@blue`], sudo);
    expect(active.stdout.split("\n").filter(Boolean)).toEqual(["inactive", "inactive"]);
    expect(await exists(`/etc/systemd/system/${APP}-backend@.service`)).toBe(false);
    // Nothing of the app is left among the units: no template, no per-color drop-in dir, no kept copy.
    const left = await host.exec(["find", "/etc/systemd/system", "-name", `${APP}-*`], sudo);
    expect(left.stdout.trim()).toBe("");
    expect((await viaNginx(address(), DOMAIN, "/api/health")).body).not.toContain('"version"');
    expect((await host.exec(["nginx", "-t"], sudo)).code).toBe(0);
    // The socket switch's links (dangling once the colors stopped) go too (D18/D10).
    const links = await host.exec(["find", "/etc/nginx/slipway", "-name", `${APP}-*`], sudo);
    expect(links.stdout.trim()).toBe("");
    expect((await host.exec(["ls", "-A", `/opt/${APP}`], sudo)).stdout.trim()).toBe("backups");
    expect(await exists(`/opt/${APP}/backups/keep-me`)).toBe(true);
    expect(await exists(dbFile)).toBe(true);

    expect(await removeApp(host, config)).toEqual([
      `kept: /opt/${APP}/backups, the named volumes, bootstrap's firewall rules of the app (--purge removes them)`,
    ]);
  });
});
