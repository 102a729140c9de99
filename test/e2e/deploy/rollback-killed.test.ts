// e2e-targets: t8
/**
 * D82 on sandbox target t8 (harvest, runtime systemd): a deploy killed during `verify` (nginx switched to its new
 * color, nothing recorded), then `slipway rollback`: its plan says what users get now, and it goes to the release
 * users were on before the killed deploy (the recorded live one), not one further; the history keeps both earlier
 * releases `deployed`.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { terminalSink } from "../../../src/cli/deploy-events.js";
import { loadConfig, type SlipwayConfig } from "../../../src/config/index.js";
import { readLiveState } from "../../../src/deploy/host-state.js";
import { rollback } from "../../../src/deploy/index.js";
import { deployPaths } from "../../../src/deploy/paths.js";
import type { RemoteHost } from "../../../src/remote/types.js";
import { instanceUnitName } from "../../../src/render/systemd.js";
import { REPO_ROOT, sandboxTarget } from "../support/sandbox.js";
import { deployFaultSite } from "./fault-site.js";
import { type FaultSite, runCli } from "./fault-support.js";
import { cleanHost, connectTarget, viaNginx, writeOverlay } from "./support.js";

const APP = "hvkilled";
const DOMAIN = "hvkilled.e2e.test";
const TARGET = "t8";
const address = () => sandboxTarget(TARGET).host;

describe("rollback after a deploy killed during verify (D82, harvest on t8)", () => {
  let host: RemoteHost;
  let config: SlipwayConfig;
  let site: FaultSite;
  const version = async () => JSON.parse((await viaNginx(address(), DOMAIN, "/api/health")).body).version;

  beforeAll(async () => {
    host = await connectTarget(TARGET);
    await cleanHost(host, APP);
    const file = writeOverlay("harvest", {
      app: APP,
      domain: DOMAIN,
      target: TARGET,
      ports: { backend: 5331, frontend: 8380 },
      healthTimeout: "10s",
    });
    config = await loadConfig(file);
    ({ site } = await deployFaultSite(host, {
      app: APP,
      domain: DOMAIN,
      target: TARGET,
      releaseDir: `${REPO_ROOT}/examples/harvest`,
      file,
      config,
      healthPath: "/api/health",
      writeRow: (at, crop) => viaNginx(at, DOMAIN, "/api/harvests", "POST", JSON.stringify({ crop, kg: 1 })),
      rows: async (at) =>
        JSON.parse((await viaNginx(at, DOMAIN, "/api/harvests")).body).harvests.map((h: { crop: string }) => h.crop),
      running: async (on, color) =>
        (
          await on.exec(["systemctl", "is-active", instanceUnitName(APP, "backend", color)], { check: false })
        ).stdout.trim() === "active",
      healthTimeoutSeconds: 10,
    }));
  });

  afterAll(async () => {
    await cleanHost(host, APP);
    await host.close();
  });

  it("plans and goes back to the recorded live release, which stays deployed", async () => {
    const second = await site.deploy("k1");
    expect(second.ok, second.recap).toBe(true);
    const killed = await runCli(site.cliArgs("k2"), { SLIPWAY_FAULT: "verify:before:kill" });
    expect(killed.signal, killed.output).toBe("SIGKILL");
    expect(await version()).toBe("k2");

    const lines: string[] = [];
    const plan = await rollback({ config, actor: "e2e", check: true, onEvent: terminalSink((l) => lines.push(l)) });
    expect(plan.ok, lines.join("\n")).toBe(true);
    const text = lines.join("\n");
    expect(text).toMatch(
      /nginx serves (blue|green) \(release k2, not recorded: left by run [0-9a-f]{12}\); rollback goes to k1:/,
    );
    expect(text).toContain("plan: rollback k1 to");
    expect(text).toContain(
      "env, files, services and routes are today's slipway.yml's, not the release's (the same as k1 last ran with)",
    );

    const back = await site.rollback();
    expect(back.ok, back.recap).toBe(true);
    expect(await version()).toBe("k1");
    const live = await readLiveState(host, deployPaths(config.deploy_dir));
    expect(live.release).toBe("k1");
    expect(live.history.releases.map((r) => [r.id, r.result])).toEqual([
      ["f0", "deployed"],
      ["k1", "deployed"],
    ]);
  });
});
