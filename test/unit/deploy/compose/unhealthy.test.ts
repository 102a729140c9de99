/** D45: a compose up that ends on a sick depends_on service names it, its last health answer and its log lines. */
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../../../src/config/index.js";
import { containerHealth, sickMessage } from "../../../../src/deploy/compose/unhealthy.js";
import { composeRuntime } from "../../../../src/deploy/compose-runtime.js";
import { StepFailure } from "../../../../src/deploy/steps/types.js";
import { FakeHost } from "../../engine/fake-host.js";

const example = () => loadConfig(resolve(import.meta.dirname, "../../../../examples/duckdb-compose/slipway.yml"));

const unhealthy = JSON.stringify({
  Status: "running",
  ExitCode: 0,
  Health: {
    Status: "unhealthy",
    Log: [
      { ExitCode: 1, Output: "old" },
      { ExitCode: 1, Output: "curl: (7) Failed to connect\n to localhost port 8000\n" },
    ],
  },
});

describe("a container's health from docker's json State", () => {
  it("reads status, health and the last check's answer; a stopped one its exit code", () => {
    expect(containerHealth(unhealthy)).toEqual({
      status: "running",
      health: "unhealthy",
      answer: "exit 1: curl: (7) Failed to connect to localhost port 8000",
    });
    expect(containerHealth(JSON.stringify({ Status: "exited", ExitCode: 3, Health: null }))).toEqual({
      status: "exited",
      health: "",
      answer: "exited with code 3",
    });
    expect(containerHealth("not json")).toEqual({ status: "", health: "", answer: "" });
    expect(
      sickMessage(
        [{ service: "backend", state: { status: "exited", health: "", answer: "exited with code 3" } }],
        "green",
      ),
    ).toBe("backend (green) is exited: exited with code 3");
  });
});

describe("compose up failing on an unhealthy dependency", () => {
  it("names the service, its health answer and its log lines grouped per service", async () => {
    const host = new FakeHost("t10");
    host.handlers.set("docker-compose", (argv) =>
      argv.includes("up") ? { code: 1, stderr: 'ERROR: for frontend  Container "c66b" is unhealthy.' } : {},
    );
    host.handlers.set("docker", (argv) => {
      if (argv[1] === "ps" && !argv.includes("-a")) return { stdout: "" };
      if (argv[1] === "ps") return { stdout: argv.at(-1)?.endsWith("=backend") ? "c66b\n" : "f00d\n" };
      if (argv[1] === "inspect") {
        return { stdout: argv.at(-1) === "c66b" ? `${unhealthy}\n` : `${JSON.stringify({ Status: "created" })}\n` };
      }
      return {};
    });
    host.handlers.set("sh", () => ({
      stdout: "duck-green_backend_1  | KeyError: 'BROKEN'\nduck-green_frontend_1  | waiting\n",
    }));
    host.handlers.set("ss", () => ({ stdout: "" }));
    const runtime = composeRuntime(await example(), host);
    await runtime.prepare?.();
    const error = await runtime.start("green").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StepFailure);
    const failure = error as StepFailure;
    expect(failure.message).toBe(
      "compose up failed: backend (green) is unhealthy: exit 1: curl: (7) Failed to connect to localhost port 8000",
    );
    expect(failure).toMatchObject({ host: "t10", step: "start", exitCode: 1 });
    expect(failure.command).toContain("up --detach --remove-orphans");
    expect(failure.stderrTail).toContain('Container "c66b" is unhealthy');
    expect(failure.hint).toContain("depends_on");
    expect(failure.data).toEqual({
      service: "backend",
      logs: [{ service: "backend", name: "duck-green_backend_1", lines: ["KeyError: 'BROKEN'"] }],
    });
  });
});
