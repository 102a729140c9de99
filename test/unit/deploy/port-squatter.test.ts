/** D12: under runtime systemd, a process already on the idle color's port must not pass the gate for the release. */
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config/index.js";
import { composeRuntime } from "../../../src/deploy/compose-runtime.js";
import { containerRuntime } from "../../../src/deploy/container-runtime.js";
import { stopOldStep } from "../../../src/deploy/steps/stop-old.js";
import type { FlowState } from "../../../src/deploy/steps/types.js";
import { systemdRuntime } from "../../../src/deploy/systemd-runtime.js";
import { SlipwayError } from "../../../src/errors.js";
import { FakeHost } from "../engine/fake-host.js";
import { configWith } from "../render/from-config/config.js";

const squatted = (line: string | null, code = 0) => {
  const host = new FakeHost("t7");
  host.handlers.set("ss", () => ({ code, stdout: line ?? "" }));
  return host;
};

describe("start refuses a port already in use (runtime systemd)", () => {
  it("stops the idle color, finds a foreign listener on its port and fails at start naming it; nothing started", async () => {
    const host = squatted('LISTEN 0 5 127.0.0.1:15001 0.0.0.0:* users:(("gunicorn",pid=4242,fd=5))');
    const error = await systemdRuntime(configWith({}), host)
      .start("green")
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SlipwayError);
    const e = error as SlipwayError;
    expect(e.message).toBe(
      "port 15001 of services.api (green) is already in use: gunicorn (pid 4242) listens on 127.0.0.1:15001, not shop-api@green",
    );
    expect({ host: e.host, step: e.step, hint: e.hint }).toEqual({
      host: "t7",
      step: "start",
      hint: "stop that process, or change services.api.port (the green color's port is derived from it)",
    });
    expect(host.ran).toEqual([
      "systemctl stop -- shop-api@green.service shop-web@green.service",
      "ss -Hltnp ( sport = :15001 or sport = :18050 )",
    ]);
    expect(host.ran.some((c) => c.includes("@blue"))).toBe(false);
  });

  it("runs ss as root (so it names another user's process); in helper mode as the deploy user", async () => {
    const host = squatted(null);
    await systemdRuntime(configWith({}), host).start("blue");
    expect(host.commands.find((c) => c.argv[0] === "ss")?.become).toBe(true);
    const helper = squatted("LISTEN 0 5 0.0.0.0:18050 0.0.0.0:*");
    const config = configWith({
      inventory: { ssh: { privilege: "helper" }, hosts: { t7: { address: "10.213.0.17" } } },
    });
    const error = (await systemdRuntime(config, helper)
      .start("green")
      .catch((e: unknown) => e)) as SlipwayError;
    expect(helper.commands.find((c) => c.argv[0] === "ss")?.become).toBe(false);
    expect(error.message).toBe(
      "port 18050 of services.web (green) is already in use: another user's process listens on 0.0.0.0:18050, not shop-web@green",
    );
  });

  it("names the port alone when ss cannot see the process (another user's)", async () => {
    const host = squatted("LISTEN 0 5 0.0.0.0:18050 0.0.0.0:*");
    const error = (await systemdRuntime(configWith({}), host)
      .start("green")
      .catch((e: unknown) => e)) as SlipwayError;
    expect(error.message).toBe(
      "port 18050 of services.web (green) is already in use: a process listens on 0.0.0.0:18050, not shop-web@green",
    );
  });

  it("starts the color when its ports are free, or when ss is missing", async () => {
    for (const host of [squatted(null), squatted(null, 127)]) {
      await systemdRuntime(configWith({}), host).start("blue");
      expect(host.ran).toEqual([
        "systemctl stop -- shop-api@blue.service shop-web@blue.service",
        "ss -Hltnp ( sport = :5001 or sport = :8050 )",
        "systemctl start -- shop-api@blue.service shop-web@blue.service",
      ]);
    }
  });
});

const example = (name: string) => loadConfig(resolve(import.meta.dirname, `../../../examples/${name}/slipway.yml`));
const IMAGE = `10.213.0.1:5000/slipway/flask-docker-backend@sha256:${"a".repeat(64)}`;

/**
 * A host whose docker has the image, whose containers of the color are `running` (or absent), and ss says `line`;
 * `published`: `docker ps` lines of the app's containers (name, color label, ports).
 */
function dockerHost(line: string, running: boolean | null, published = "") {
  const host = squatted(line);
  host.handlers.set("docker", (argv) => {
    if (argv.includes("image")) return { stdout: `sha256:${"b".repeat(64)}\n` };
    if (argv[1] === "inspect") return running === null ? { code: 1 } : { stdout: `x ${running}\n` };
    if (argv[1] === "ps" && argv.includes("--format")) return { stdout: published };
    if (argv[1] === "ps") return { stdout: running ? "c0ffee\n" : "" };
    return {};
  });
  return host;
}

describe("start refuses a port already in use (runtime container and compose)", () => {
  const stageInput = { releaseId: "r2", env: {}, images: { backend: IMAGE }, secrets: { SECRET_KEY: "s" } };

  it("container: refused before docker run (not docker's exit code 125), naming the port, process and key", async () => {
    const host = dockerHost('LISTEN 0 5 0.0.0.0:18887 0.0.0.0:* users:(("python3",pid=77,fd=3))', null);
    const runtime = containerRuntime(await example("flask-docker"), host);
    await runtime.stage("green", { ...stageInput, check: false });
    const error = (await runtime.start("green").catch((e: unknown) => e)) as SlipwayError;
    expect(error.message).toBe(
      "port 18887 of services.backend (green) is already in use: python3 (pid 77) listens on 0.0.0.0:18887, not the container flask-docker-backend-green",
    );
    expect(error.hint).toBe(
      "stop that process, or change services.backend.port (the green color's port is derived from it)",
    );
    expect(host.ran.filter((c) => c.startsWith("sh -c docker rm"))).toEqual([]);
  });

  it("container: the color's own running container holds its port (removed by the stage, its port read after): started", async () => {
    const host = dockerHost(
      'LISTEN 0 5 127.0.0.1:18887 0.0.0.0:* users:(("docker-proxy",pid=9,fd=4))',
      true,
      "flask-docker-backend-green\tgreen\t127.0.0.1:18887->8000/tcp\n",
    );
    const runtime = containerRuntime(await example("flask-docker"), host);
    await runtime.stage("green", { ...stageInput, check: false });
    await runtime.start("green");
    const rm = host.ran.indexOf("docker rm --force -- flask-docker-backend-green");
    expect(rm).toBeGreaterThanOrEqual(0);
    // The listeners judged by start() are read once the container is gone.
    expect(host.ran.lastIndexOf("ss -Hltnp ( sport = :18887 )")).toBeGreaterThan(rm);
    expect(host.ran.filter((c) => c.startsWith("docker rm"))).toHaveLength(1);
    expect(host.ran.at(-1)).toMatch(/^docker run --detach --name flask-docker-backend-green /);
  });

  const PROXY = 'LISTEN 0 4096 127.0.0.1:18887 0.0.0.0:* users:(("docker-proxy",pid=4423,fd=4))';

  it("D77: a killed run's leftover of the color (its docker-proxy) is no squatter in stop-old's plan, read with no stage", async () => {
    // planSteps runs stage's and stop-old's plans at once: the check reads the app's containers itself.
    const host = dockerHost(PROXY, true, "flask-docker-backend-green\tgreen\t127.0.0.1:18887->8000/tcp\n");
    const runtime = containerRuntime(await example("flask-docker"), host);
    await expect(runtime.refuseSquatters?.("green")).resolves.toBeUndefined();
    expect(host.ran).toContain(
      'docker ps --filter label=slipway.app=flask-docker --format {{.Names}}\t{{.Label "slipway.color"}}\t{{.Ports}}',
    );
  });

  it("D77: a container of the color under another name holding its port is removed before docker run", async () => {
    const host = dockerHost(PROXY, false, "flask-docker-old-green\tgreen\t127.0.0.1:18887->8000/tcp\n");
    const runtime = containerRuntime(await example("flask-docker"), host);
    await runtime.stage("green", { ...stageInput, check: false });
    await runtime.start("green");
    const rm = host.ran.indexOf("docker rm --force -- flask-docker-old-green");
    expect(rm).toBeGreaterThanOrEqual(0);
    expect(host.ran.findIndex((c) => c.startsWith("docker run "))).toBeGreaterThan(rm);
  });

  it("D77: the other color's container holding the port is refused, naming it", async () => {
    const host = dockerHost(PROXY, false, "flask-docker-backend-blue\tblue\t127.0.0.1:18887->8000/tcp\n");
    const runtime = containerRuntime(await example("flask-docker"), host);
    const error = (await runtime.refuseSquatters?.("green").catch((e: unknown) => e)) as SlipwayError;
    expect(error.message).toBe(
      "port 18887 of services.backend (green) is already in use: docker-proxy (pid 4423) listens on 127.0.0.1:18887 for the container flask-docker-backend-blue (blue), not the container flask-docker-backend-green",
    );
    expect(error.hint).toBe(
      "the blue color of this app publishes that port: change services.backend.port (each color's port is derived from it)",
    );
  });

  it("compose: refused before compose up when the color's project is not running", async () => {
    const host = dockerHost('LISTEN 0 5 127.0.0.1:12016 0.0.0.0:* users:(("nc",pid=5,fd=3))', false);
    const runtime = composeRuntime(await example("duckdb-compose"), host);
    await runtime.prepare?.();
    const error = (await runtime.start("blue").catch((e: unknown) => e)) as SlipwayError;
    expect(error.message).toBe(
      "port 12016 of services.frontend (blue) is already in use: nc (pid 5) listens on 127.0.0.1:12016, not the compose service frontend of project duckdb-compose-blue",
    );
    expect(host.ran.some((c) => c.includes(" up "))).toBe(false);
  });
});

describe("stop-first: the squatter check runs before the live color stops (D40)", () => {
  const stopOldState = (runtime: ReturnType<typeof composeRuntime>, host: FakeHost, lines: string[]) =>
    ({
      run: { host, runtime },
      liveColor: "green",
      idle: "blue",
      role: { services: ["backend", "frontend"] },
      say: (line: string) => lines.push(line),
    }) as unknown as FlowState;

  it("compose: a taken port of the new color refuses stop-old itself; green never stopped, nothing said of downtime", async () => {
    const host = dockerHost('LISTEN 0 5 127.0.0.1:12016 0.0.0.0:* users:(("nc",pid=5,fd=3))', false);
    const runtime = composeRuntime(await example("duckdb-compose"), host);
    await runtime.prepare?.();
    const lines: string[] = [];
    const state = stopOldState(runtime, host, lines);
    const error = (await stopOldStep.run(state).catch((e: unknown) => e)) as SlipwayError;
    expect(error.message).toBe(
      "port 12016 of services.frontend (blue) is already in use: nc (pid 5) listens on 127.0.0.1:12016, not the compose service frontend of project duckdb-compose-blue",
    );
    expect(lines).toEqual([]);
    expect((state as unknown as { oldStopped?: boolean }).oldStopped).toBeUndefined();
    expect(host.ran.filter((c) => / (stop|down)\b/.test(c))).toEqual([]);
    // The plan refuses the same, so `slipway plan` says it before any run.
    await expect(stopOldStep.plan?.(stopOldState(runtime, host, []))).rejects.toThrow(
      "port 12016 of services.frontend",
    );
  });

  it("compose: the ports free, the check (ss) comes before the stop of green", async () => {
    const host = dockerHost("", false);
    host.writeFile("/opt/duckdb-compose/compose/green/compose.yml", "services: {}\n");
    const runtime = composeRuntime(await example("duckdb-compose"), host);
    await runtime.prepare?.();
    const lines: string[] = [];
    await stopOldStep.run(stopOldState(runtime, host, lines));
    const ss = host.ran.findIndex((c) => c.startsWith("ss -Hltnp"));
    const stop = host.ran.findIndex((c) => c.includes("-p duckdb-compose-green") && / (stop|down)\b/.test(c));
    expect(ss).toBeGreaterThanOrEqual(0);
    expect(stop).toBeGreaterThan(ss);
    expect(lines).toEqual(["downtime: stop-first: stopping duckdb-compose-green"]);
  });
});
