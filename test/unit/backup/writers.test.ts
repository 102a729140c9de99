/**
 * The backup CLI's writers (src/backup/writers.ts) must stop and start exactly the processes the deploy runs: for the
 * container runtime, the containers `<app>-<service>-<color>` that src/deploy/container-runtime.ts starts.
 */
import path from "node:path";
import { describe, expect, it } from "vitest";
import { containerWriters, writersForRuntime } from "../../../src/backup/writers.js";
import { loadConfig } from "../../../src/config/index.js";
import { composeRuntime } from "../../../src/deploy/compose-runtime.js";
import { containerRuntime } from "../../../src/deploy/container-runtime.js";
import { systemdRuntime } from "../../../src/deploy/systemd-runtime.js";
import type { RemoteHost } from "../../../src/remote/types.js";
import { composeProjectName } from "../../../src/render/compose.js";
import { composeFilePath } from "../../../src/render/from-config/index.js";
import { instanceUnitName } from "../../../src/render/systemd.js";

const EXAMPLES = path.resolve(import.meta.dirname, "../../../examples");
const EXAMPLE = path.join(EXAMPLES, "flask-docker/slipway.yml");

describe("container writers", () => {
  it("name the containers as the deploy's container runtime does", async () => {
    const config = await loadConfig(EXAMPLE);
    // names() and writers() never touch the host.
    const runtime = containerRuntime(config, {} as RemoteHost);
    for (const color of ["blue", "green"] as const) {
      const fromCli = writersForRuntime({
        runtime: "container",
        app: config.app,
        services: Object.keys(config.services),
        color,
        unitName: () => "unused",
        composeProject: "unused",
      });
      expect(fromCli).toEqual(runtime.writers?.(color));
      expect(fromCli).toEqual(containerWriters([`flask-docker-backend-${color}`]));
    }
  });

  it("stop the systemd instance units the deploy's systemd runtime runs", async () => {
    const config = await loadConfig(path.join(EXAMPLES, "harvest/slipway.yml"));
    const runtime = systemdRuntime(config, {} as RemoteHost);
    for (const color of ["blue", "green"] as const) {
      const fromCli = writersForRuntime({
        runtime: "systemd",
        app: config.app,
        services: Object.keys(config.services),
        color,
        unitName: (service) => instanceUnitName(config.app, service, color),
        composeProject: "unused",
      });
      expect(fromCli.stop).toEqual([["systemctl", "stop", ...runtime.names(color)]]);
    }
  });

  it("stop the compose project through its file, exactly as the deploy's compose runtime does (D48)", async () => {
    const config = await loadConfig(path.join(EXAMPLES, "duckdb-compose/slipway.yml"));
    const runtime = composeRuntime(config, {} as RemoteHost);
    for (const color of ["blue", "green"] as const) {
      const fromCli = writersForRuntime({
        runtime: "compose",
        app: config.app,
        services: Object.keys(config.services),
        color,
        unitName: () => "unused",
        composeProject: composeProjectName(config.app, color),
        composeFile: composeFilePath(config, color),
      });
      expect(fromCli).toEqual(runtime.writers?.(color));
      expect(fromCli.stop[0]).toContain("-f");
    }
  });
});
