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

describe("remove takes every file the deploy installed (what `slipway render` lists)", () => {
  it("each color's drop-in dir even without the template, and internal mode's public units with their kept copies", async () => {
    const internal = `${CONFIG.replace(/proxy:[\s\S]*$/, "proxy:\n  mode: internal\n")}`.replace(
      "    port: 8081\n",
      "    port: 8081\n    public_port: 8090\n",
    );
    const config = await loadConfigText(internal);
    const host = new FakeHost("t10");
    const unitDir = "/etc/systemd/system";
    host.files.set(`${unitDir}/nu-static-web@green.service.d`, {
      kind: "directory",
      mode: "0755",
      owner: "root",
      group: "root",
    });
    for (const path of [
      "nu-static-web-public.socket",
      "nu-static-web-public.service",
      "nu-static-web-public.service.slipway-prev",
    ])
      host.writeFile(`${unitDir}/${path}`, "x");
    const actions = await removeApp(host, config, { check: true });
    expect(actions).toEqual([
      `would stop and remove nu-static-web-public.socket, nu-static-web-public.service, ${unitDir}/nu-static-web-public.service.slipway-prev`,
      `would stop and disable nu-static-web@blue.service, nu-static-web@green.service; remove ${unitDir}/nu-static-web@green.service.d`,
    ]);
    await removeApp(host, config);
    expect([...host.files.keys()].filter((p) => p.startsWith(`${unitDir}/nu-static`))).toEqual([]);
  });
});
