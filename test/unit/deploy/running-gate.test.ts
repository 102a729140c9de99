/** The running gate of a worker (D67): state parsing, the verdict of one read, the wait with its stable window. */
import { describe, expect, it } from "vitest";
import { processStateArgv } from "../../../src/commands/docker.js";
import { unitProcessArgv } from "../../../src/commands/systemd.js";
import { containerRuntime } from "../../../src/deploy/container-runtime.js";
import {
  judgeProcesses,
  type ProcessState,
  parseDockerProcessState,
  parseProcessStates,
  parseUnitProcessState,
} from "../../../src/deploy/process-state.js";
import { gateKind, runningGateArgs, waitRunning } from "../../../src/deploy/running-gate.js";
import { FakeHost } from "../engine/fake-host.js";
import { configWith } from "../render/from-config/config.js";

const up = (name: string, extra: Partial<ProcessState> = {}): ProcessState => ({
  name,
  running: true,
  status: "running",
  restarts: 0,
  exitCode: 0,
  health: "",
  ...extra,
});

describe("process states", () => {
  it("builds the docker and systemd reads", () => {
    expect(processStateArgv(["shop-worker-green"])).toEqual([
      "docker",
      "inspect",
      "--format",
      "{{.Name}} {{.State.Status}} {{.RestartCount}} {{.State.ExitCode}} {{if .State.Health}}{{.State.Health.Status}}{{end}}",
      "shop-worker-green",
    ]);
    expect(unitProcessArgv("shop-worker@green.service")).toEqual([
      "systemctl",
      "show",
      "--property=ActiveState,SubState,NRestarts,ExecMainStatus",
      "--",
      "shop-worker@green.service",
    ]);
  });

  it("parses docker's line (health only with a healthcheck) and systemd's properties", () => {
    expect(parseDockerProcessState("/shop-worker-green running 0 0 healthy")).toEqual(
      up("shop-worker-green", { health: "healthy" }),
    );
    expect(parseDockerProcessState("/shop-worker-green exited 2 1 ")).toEqual({
      name: "shop-worker-green",
      running: false,
      status: "exited",
      restarts: 2,
      exitCode: 1,
      health: "",
    });
    expect(parseDockerProcessState("garbage")).toBeNull();
    expect(parseProcessStates("/a running 0 0\n\n/b restarting 1 1\n")).toHaveLength(2);
    expect(
      parseUnitProcessState(
        "w@green.service",
        "ActiveState=activating\nSubState=auto-restart\nNRestarts=3\nExecMainStatus=1\n",
      ),
    ).toEqual({
      name: "w@green.service",
      running: false,
      status: "activating (auto-restart)",
      restarts: 3,
      exitCode: 1,
      health: "",
    });
  });

  it("judges one read: exit, restart and unhealthy fail at once; up; waiting", () => {
    const base = new Map([["w", 0]]);
    expect(judgeProcesses([up("w", { running: false, status: "exited", exitCode: 1 })], base)).toEqual({
      kind: "failed",
      reason: "w exited (code 1; now exited)",
    });
    expect(judgeProcesses([up("w", { restarts: 1, exitCode: 1 })], base)).toEqual({
      kind: "failed",
      reason: "w exited (code 1, restarted 1 time; now running)",
    });
    expect(judgeProcesses([up("w", { restarts: 2, exitCode: 0 })], base)).toEqual({
      kind: "failed",
      reason: "w exited (restarted 2 times; now running)",
    });
    expect(judgeProcesses([up("w", { health: "unhealthy" })], base)).toEqual({
      kind: "failed",
      reason: "w's container healthcheck says unhealthy",
    });
    expect(judgeProcesses([up("w", { health: "starting" })], base)).toEqual({
      kind: "waiting",
      last: "w running starting",
    });
    expect(judgeProcesses([up("w", { health: "healthy" })], base)).toEqual({ kind: "up", last: "w running healthy" });
    expect(judgeProcesses([], base)).toEqual({ kind: "waiting", last: "no process yet" });
  });
});

describe("the running gate", () => {
  it("is the default of a service without port; health.type chooses otherwise", () => {
    expect(gateKind({ port: undefined, health: undefined })).toBe("running");
    expect(gateKind({ port: 8000, health: undefined })).toBe("http");
    const config = configWith({
      runtime: "compose",
      services: {
        web: { build: { context: "." }, port: 8000, health: { type: "running", stable: "3s", timeout: "20s" } },
      },
      proxy: { domains: ["x.example.com"], routes: [{ path: "/", service: "web" }] },
    });
    const web = config.services.web as NonNullable<typeof config.services.web>;
    expect(gateKind(web)).toBe("running");
    expect(runningGateArgs("web", web)).toEqual({ stableMs: 3000, timeoutMs: 20_000, pollMs: 500 });
    expect(runningGateArgs("w", { health: undefined })).toEqual({ stableMs: 5000, timeoutMs: 60_000, pollMs: 500 });
  });

  /** A clock that moves 500 ms per read, and reads scripted by time. */
  function scripted(states: (t: number) => ProcessState[]) {
    let t = 0;
    return {
      now: () => t,
      read: async () => {
        const s = states(t);
        t += 500;
        return s;
      },
    };
  }
  const args = { stableMs: 5000, timeoutMs: 60_000, pollMs: 0 };

  it("passes once every process stayed up for the stable window", async () => {
    const clock = scripted((t) => [up("w", t < 1000 ? { running: false, status: "created" } : {})]);
    const outcome = await waitRunning(clock.read, args, undefined, undefined, clock.now);
    expect(outcome).toEqual({ ok: true, attempts: 13, last: "w running for 5s" });
  });

  it("fails as soon as a worker crashes 2 s after its start (restarted by its policy)", async () => {
    const clock = scripted((t) => [up("w", t >= 2000 ? { restarts: 1, exitCode: 1 } : {})]);
    const outcome = await waitRunning(clock.read, args, undefined, undefined, clock.now);
    expect(outcome).toEqual({ ok: false, attempts: 5, last: "w exited (code 1, restarted 1 time; now running)" });
  });

  it("fails at the timeout when the healthcheck never decides, saying so", async () => {
    const clock = scripted(() => [up("w", { health: "starting" })]);
    const outcome = await waitRunning(clock.read, { ...args, timeoutMs: 3000 }, undefined, undefined, clock.now);
    expect(outcome).toEqual({ ok: false, attempts: 6, last: "w running starting after 3s" });
  });

  it("container runtime: reads the service's containers of the color", async () => {
    const host = new FakeHost("t1");
    host.handlers.set("docker", () => ({ stdout: "/shop-worker-green running 0 0\n" }));
    const config = configWith({
      runtime: "container",
      services: {
        web: { image: "ghcr.io/acme/web:1", port: 8000 },
        worker: { image: "ghcr.io/acme/web:1", command: ["python3", "worker.py"] },
      },
      proxy: { domains: ["x.example.com"], routes: [{ path: "/", service: "web" }] },
    });
    const states = await containerRuntime(config, host).processStates?.("green", "worker");
    expect(host.ran).toEqual([
      "docker inspect --format {{.Name}} {{.State.Status}} {{.RestartCount}} {{.State.ExitCode}} {{if .State.Health}}{{.State.Health.Status}}{{end}} shop-worker-green",
    ]);
    expect(states).toEqual([up("shop-worker-green")]);
  });
});
