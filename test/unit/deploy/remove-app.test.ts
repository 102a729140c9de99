import { describe, expect, it } from "vitest";
import { renderHistory } from "../../../src/deploy/history.js";
import { deployPaths } from "../../../src/deploy/paths.js";
import { recordedUnitsNotIn, removeApp } from "../../../src/deploy/remove-app.js";
import type { ReleaseRecord } from "../../../src/deploy/types.js";
import { loadConfigText } from "../../support/config-text.js";
import { FakeHost } from "../engine/fake-host.js";

/** The service was `app`, renamed to `web` (the tester's r3/static-helper-renamed.yml). */
const CONFIG = `app: nu-static
runtime: systemd
services:
  web:
    build: { context: web }
    port: 8081
    health: { path: /health }
    systemd: { app_module: "shop:app" }
inventory:
  ssh: { user: deploy }
  hosts:
    t10: { address: 10.213.0.20 }
proxy:
  domains: [nu-static.e2e.test]
  routes:
    - { path: /, service: web }
`;

const record = (id: string, units: string[]): ReleaseRecord => ({
  id,
  commit: "c",
  images: {},
  time: "2026-11-30T17:00:00Z",
  actor: "a",
  result: "deployed",
  units,
});
const history = {
  releases: [record("r5", ["nu-static-app@green.service"]), record("r6", ["nu-static-web@blue.service"])],
};

describe("a renamed service's units, from the host's release history (D25)", () => {
  it("are the recorded units the config no longer names", () => {
    const current = ["nu-static-web@blue.service", "nu-static-web@green.service"];
    expect(recordedUnitsNotIn(history, current)).toEqual(["nu-static-app@green.service"]);
    expect(recordedUnitsNotIn({ releases: [record("r1", [])] }, current)).toEqual([]);
  });

  it("remove lists them (and their template) with what it would do", async () => {
    const config = await loadConfigText(CONFIG);
    const host = new FakeHost("t10");
    host.writeFile(deployPaths(config.deploy_dir).history, renderHistory(history));
    const actions = await removeApp(host, config, { check: true });
    expect(actions).toContain(
      "would stop and disable nu-static-app@green.service (a recorded release ran them; the config no longer names them); remove /etc/systemd/system/nu-static-app@.service",
    );
  });
});
