/** A failed gate's log lines come grouped per process (unit, instance, container) under the service's key. */
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { composeLogGroups } from "../../../src/commands/compose.js";
import { loadConfig } from "../../../src/config/index.js";
import { composeRuntime } from "../../../src/deploy/compose-runtime.js";
import { containerRuntime } from "../../../src/deploy/container-runtime.js";
import { formatLogGroups } from "../../../src/deploy/steps/gate.js";
import { systemdRuntime } from "../../../src/deploy/systemd-runtime.js";
import { FakeHost } from "../engine/fake-host.js";
import { configWith } from "../render/from-config/config.js";

const example = (name: string) => loadConfig(resolve(import.meta.dirname, `../../../examples/${name}/slipway.yml`));

describe("a failed gate's log lines, per process", () => {
  it("systemd: one journal read per unit of the failing service (instances apart), markers dropped", async () => {
    const host = new FakeHost("t1");
    host.handlers.set("journalctl", (argv) => ({
      stdout: `-- Journal begins at Mon 2026-11-30 --\n${argv.at(-1)} line 1\n\n${argv.at(-1)} line 2\n`,
    }));
    const config = configWith({ proxy: { ...configWith({}).proxy, load_balance: { api: { instances: 2 } } } });
    const logs = await systemdRuntime(config, host).logs("green", 30, ["api"]);
    expect(host.ran).toEqual([
      "journalctl --no-pager -n 30 -u shop-api@green.service",
      "systemctl show --property=ActiveState,SubState,NRestarts,ExecMainStatus -- shop-api@green.service",
      "journalctl --no-pager -n 30 -u shop-api@green-2.service",
      "systemctl show --property=ActiveState,SubState,NRestarts,ExecMainStatus -- shop-api@green-2.service",
    ]);
    expect(logs).toEqual([
      {
        service: "api",
        name: "shop-api@green.service",
        lines: ["shop-api@green.service line 1", "shop-api@green.service line 2"],
      },
      {
        service: "api",
        name: "shop-api@green-2.service",
        lines: ["shop-api@green-2.service line 1", "shop-api@green-2.service line 2"],
      },
    ]);
    expect(formatLogGroups(logs.slice(0, 1))).toEqual([
      "  services.api: shop-api@green.service, last 2 lines:",
      "    shop-api@green.service line 1",
      "    shop-api@green.service line 2",
    ]);
    expect(formatLogGroups([{ service: "web", name: "shop-web@green.service", lines: [] }])).toEqual([
      "  services.web: shop-web@green.service, no output",
    ]);
  });

  it("systemd: a unit that exited at boot is named with its exit, read beside its journal", async () => {
    const host = new FakeHost("t1");
    host.handlers.set("journalctl", () => ({ stdout: "ModuleNotFoundError: No module named 'flask'\n" }));
    host.handlers.set("systemctl", () => ({
      stdout: "ActiveState=activating\nSubState=auto-restart\nNRestarts=1\nExecMainStatus=1\n",
    }));
    const logs = await systemdRuntime(configWith({}), host).logs("green", 30, ["api"]);
    expect(logs).toEqual([
      {
        service: "api",
        name: "shop-api@green.service",
        lines: ["ModuleNotFoundError: No module named 'flask'"],
        exited: 1,
        exit: "shop-api@green.service exited (code 1, restarted 1 time; now activating (auto-restart))",
      },
    ]);
  });

  it("container: one group per container of the service", async () => {
    const host = new FakeHost("t1");
    host.handlers.set("sh", (argv) => ({ stdout: `Traceback from ${argv.at(-1)}\n` }));
    const logs = await containerRuntime(await example("flask-docker"), host).logs("blue", 30);
    expect(logs).toEqual([
      { service: "backend", name: "flask-docker-backend-blue", lines: ["Traceback from flask-docker-backend-blue"] },
    ]);
  });

  it("compose: the project's one read split by compose's `<container> | ` prefix (v1 and v2 names)", async () => {
    const v1 = [
      "Attaching to duck-blue_backend_1, duck-blue_frontend_1",
      "duck-blue_frontend_1  | Booting",
      "duck-blue_backend_1   | ready | listening",
      "duck-blue_frontend_1  | KeyError: 'X'",
    ].join("\n");
    expect(composeLogGroups(v1, ["backend", "frontend"])).toEqual([
      { service: "frontend", name: "duck-blue_frontend_1", lines: ["Booting", "KeyError: 'X'"] },
      { service: "backend", name: "duck-blue_backend_1", lines: ["ready | listening"] },
    ]);
    const v2 = "duck-blue-web-api-1  | a\nduck-blue-api-1  | b\n";
    expect(composeLogGroups(v2, ["api", "web-api"]).map((g) => `${g.service}:${g.name}`)).toEqual([
      "web-api:duck-blue-web-api-1",
      "api:duck-blue-api-1",
    ]);
    const host = new FakeHost("t1");
    host.handlers.set("sh", () => ({ stdout: "x_frontend_1  | boom\nx_backend_1  | fine\n" }));
    const runtime = composeRuntime(await example("duckdb-compose"), host);
    await runtime.prepare?.();
    expect(await runtime.logs("blue", 30, ["frontend"])).toEqual([
      { service: "frontend", name: "x_frontend_1", lines: ["boom"] },
    ]);
  });
});
