import { describe, expect, it } from "vitest";
import {
  instanceUnitName,
  renderEnvironmentFile,
  renderSystemdUnit,
  templateUnitName,
} from "../../../src/render/systemd.js";
import { expectGolden } from "./golden.js";
import { systemdScenarios } from "./systemd-scenarios.js";

describe("systemd golden files", () => {
  for (const [name, model] of Object.entries(systemdScenarios)) {
    it(`renders ${name} exactly`, () => {
      expectGolden(`systemd/${name}.service`, renderSystemdUnit(model));
    });
  }

  it("names the template unit and its color instances", () => {
    expect(templateUnitName("harvest", "backend")).toBe("harvest-backend@.service");
    expect(instanceUnitName("harvest", "backend", "green")).toBe("harvest-backend@green.service");
  });

  it("writes the instance environment file with systemd's double-quote escapes", () => {
    expect(renderEnvironmentFile({ PORT: 5001, SECRET: 'a"b$c\\d`e' })).toBe(
      '# Managed by Slipway.\nPORT="5001"\nSECRET="a\\"b\\$c\\\\d\\`e"\n',
    );
  });
});
