/**
 * After a reboot the live color comes back and the idle one does not (tester's D26: the live color's units were
 * `disabled`, so a reboot left the app down). Harvest (runtime systemd) on t2: two deploys, `systemctl is-enabled` of
 * both colors, a simulated boot (every unit of the app stopped, then `systemctl start multi-user.target`), a rollback.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { terminalSink } from "../../../src/cli/deploy-events.js";
import { loadConfig, type SlipwayConfig } from "../../../src/config/index.js";
import { type DeployOptions, deploy, rollback } from "../../../src/deploy/index.js";
import type { RemoteHost } from "../../../src/remote/types.js";
import { REPO_ROOT, sandboxTarget } from "../support/sandbox.js";
import { cleanHost, connectTarget, viaNginx, writeOverlay } from "./support.js";

const APP = "hvboot";
const DOMAIN = "hvboot.e2e.test";
const COMMIT = "0123456789abcdef0123456789abcdef01234567";
const UNITS = (color: string) => [`${APP}-backend@${color}.service`, `${APP}-frontend@${color}.service`];

describe("the live color starts at boot, the idle one does not (harvest on t2)", () => {
  let host: RemoteHost;
  let config: SlipwayConfig;
  const base = (): DeployOptions => ({
    config,
    commit: COMMIT,
    actor: "e2e",
    releaseDir: `${REPO_ROOT}/examples/harvest`,
    drainSeconds: 0,
    onEvent: terminalSink(() => {}),
  });
  const unitStates = async (verb: "is-enabled" | "is-active", color: string) =>
    (await host.exec(["systemctl", verb, "--", ...UNITS(color)], { check: false })).stdout.trim().split("\n");
  const version = async () =>
    JSON.parse((await viaNginx(sandboxTarget("t2").host, DOMAIN, "/api/health")).body).version;

  beforeAll(async () => {
    host = await connectTarget("t2");
    await cleanHost(host, APP);
    const file = writeOverlay("harvest", {
      app: APP,
      domain: DOMAIN,
      target: "t2",
      ports: { backend: 5651, frontend: 8651 },
      healthTimeout: "12s",
    });
    config = await loadConfig(file);
  });

  afterAll(async () => {
    await cleanHost(host, APP);
    await host.close();
  });

  it("after a deploy and a second deploy, the live color is enabled and the idle one disabled", async () => {
    expect((await deploy({ ...base(), versionEnv: { APP_VERSION: "v1" } })).ok).toBe(true);
    expect(await unitStates("is-enabled", "blue")).toEqual(["enabled", "enabled"]);
    expect((await deploy({ ...base(), versionEnv: { APP_VERSION: "v2" } })).ok).toBe(true);
    expect(await unitStates("is-enabled", "green")).toEqual(["enabled", "enabled"]);
    expect(await unitStates("is-enabled", "blue")).toEqual(["disabled", "disabled"]);
  });

  it("a simulated boot brings back exactly the live color", async () => {
    await host.exec(["systemctl", "stop", "--", ...UNITS("blue"), ...UNITS("green")], { become: true });
    expect(await unitStates("is-active", "green")).toEqual(["inactive", "inactive"]);
    await host.exec(["systemctl", "start", "multi-user.target"], { become: true, timeoutMs: 60_000 });
    expect(await unitStates("is-active", "green")).toEqual(["active", "active"]);
    expect(await unitStates("is-active", "blue")).toEqual(["inactive", "inactive"]);
    // The app answers again through nginx once its processes are up (the health timeout of the overlay).
    let answer = "";
    for (let i = 0; i < 24 && answer !== "v2"; i++) {
      answer = await version().catch(() => "");
      if (answer !== "v2") await new Promise((r) => setTimeout(r, 500));
    }
    expect(answer).toBe("v2");
  });

  it("a rollback moves the boot color back", async () => {
    const result = await rollback({ config, actor: "e2e", drainSeconds: 0, onEvent: terminalSink(() => {}) });
    expect(result.ok).toBe(true);
    expect(await unitStates("is-enabled", "blue")).toEqual(["enabled", "enabled"]);
    expect(await unitStates("is-enabled", "green")).toEqual(["disabled", "disabled"]);
  });
});
