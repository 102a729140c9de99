/**
 * Every systemd unit and every compose file Slipway renders (the golden scenarios and the ones from examples/*) passes
 * the real validator on a sandbox target: `systemd-analyze verify` on a blue instance, `docker-compose config -q`
 * (v1: the only compose Debian 12 packages; v2 when the target has it). Files go into a throwaway directory; the
 * gunicorn/uvicorn path is moved to the target's own binary (verify checks that ExecStart exists), and env files are
 * created empty beside the compose file (compose checks they exist), nothing else changes. Each unit's offline
 * `systemd-analyze security` exposure must be 4.0 or lower.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { composeConfigCheck } from "../../../src/commands/compose.js";
import { systemdVerify } from "../../../src/commands/systemd.js";
import { loadConfig } from "../../../src/config/load.js";
import type { RemoteHost } from "../../../src/remote/types.js";
import { composeProjectName, renderCompose } from "../../../src/render/compose.js";
import { composeFromConfig, systemdUnitsFromConfig } from "../../../src/render/from-config/index.js";
import type { ComposeModel, SystemdUnitModel } from "../../../src/render/model.js";
import { renderSystemdUnit, templateUnitName } from "../../../src/render/systemd.js";
import { composeScenarios } from "../../unit/render/compose-scenarios.js";
import { EXAMPLES } from "../../unit/render/from-config/examples.js";
import { systemdScenarios } from "../../unit/render/systemd-scenarios.js";
import { connectRenderTarget, token } from "./sandbox.js";

const digest = (n: string) => `sha256:${n.repeat(64).slice(0, 64)}`;

async function exampleUnits(): Promise<Array<[string, SystemdUnitModel]>> {
  const out: Array<[string, SystemdUnitModel]> = [];
  for (const [name, file] of Object.entries(EXAMPLES)) {
    const config = await loadConfig(file);
    if (config.runtime !== "systemd") continue;
    for (const unit of systemdUnitsFromConfig(config)) out.push([`${name}: ${unit.service}`, unit]);
  }
  return out;
}

async function exampleComposeFiles(): Promise<Array<[string, ComposeModel]>> {
  const out: Array<[string, ComposeModel]> = [];
  for (const [name, file] of Object.entries(EXAMPLES)) {
    const config = await loadConfig(file);
    if (config.runtime !== "compose") continue;
    const images = Object.fromEntries(
      Object.keys(config.services).map((s, i) => [s, `10.213.0.1:5000/slipway/${config.app}-${s}@${digest(`${i}e`)}`]),
    );
    for (const color of ["blue", "green"] as const) {
      out.push([`${name} (${color})`, composeFromConfig(config, { color, images })]);
    }
  }
  return out;
}

describe("every rendered unit and compose file passes its validator on a target", async () => {
  const units = [...Object.entries(systemdScenarios), ...(await exampleUnits())];
  const composeFiles = [...Object.entries(composeScenarios), ...(await exampleComposeFiles())];
  let host: RemoteHost;
  let flavour: "v1" | "v2";
  const dir = `/tmp/slipway-render-all-${token()}`;

  beforeAll(async () => {
    ({ host } = await connectRenderTarget());
    flavour = (await host.facts({ refresh: true })).docker.compose ?? "v1";
  });

  afterAll(async () => {
    await host?.exec(["rm", "-rf", "--", dir], { become: true, check: false });
    await host?.close();
  });

  it("found the units and compose files to check", () => {
    expect(units.length).toBeGreaterThanOrEqual(Object.keys(systemdScenarios).length + 2);
    expect(composeFiles.length).toBeGreaterThanOrEqual(Object.keys(composeScenarios).length + 2);
  });

  units.forEach(([name, model], i) => {
    it(`systemd-analyze verify: ${name}`, async () => {
      const unitDir = `${dir}/units-${i}`;
      const binary = model.server.kind === "gunicorn" ? "/usr/bin/gunicorn" : "/usr/bin/uvicorn";
      const onTarget = { ...model, server: { ...model.server, binary } };
      const path = `${unitDir}/${templateUnitName(model.app, model.service)}`;
      await host.exec(["mkdir", "-p", unitDir], { become: true });
      await host.putFile(path, renderSystemdUnit(onTarget), { become: true, mode: 0o644 });
      const verify = systemdVerify(path, "blue");
      const result = await host.exec(verify.argv, { become: true, check: false });
      expect(result.stderr.trim(), result.stderr).toBe("");
      expect(result.code).toBe(0);

      // The exposure score of the file as rendered (docs/security.md records these figures).
      const instance = path.replace(/@\.service$/, "@blue.service");
      const security = await host.exec(["systemd-analyze", "security", "--offline=true", "--no-pager", instance], {
        become: true,
      });
      const exposure = Number(security.stdout.match(/Overall exposure level for \S+: ([0-9.]+)/)?.[1]);
      console.log(`systemd-analyze security --offline=true ${name}: ${exposure}`);
      expect(exposure).toBeLessThanOrEqual(4.0);
    });
  });

  composeFiles.forEach(([name, model], i) => {
    it(`compose config -q: ${name}`, async () => {
      const projectDir = `${dir}/compose-${i}`;
      await host.exec(["mkdir", "-p", projectDir], { become: true });
      const onTarget = structuredClone(model);
      for (const [j, service] of onTarget.services.entries()) {
        if (service.envFile === undefined) continue;
        service.envFile = `${projectDir}/env-${j}.env`;
        await host.putFile(service.envFile, "", { become: true, mode: 0o600 });
      }
      const path = `${projectDir}/compose.yml`;
      await host.putFile(path, renderCompose(onTarget), { become: true, mode: 0o640 });
      const check = composeConfigCheck(flavour, composeProjectName(model.app, model.color), path);
      const result = await host.exec(check.argv, { become: true, check: false });
      expect(result.stderr, result.stderr).not.toMatch(/error|invalid/i);
      expect(result.code).toBe(0);
    });
  });
});
