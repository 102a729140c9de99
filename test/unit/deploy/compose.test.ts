import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { composeProjectWriters } from "../../../src/backup/writers.js";
import {
  composeBase,
  composeLogsArgv,
  composeStopArgv,
  composeUpArgv,
  runningContainersArgv,
} from "../../../src/commands/compose.js";
import { loadConfig } from "../../../src/config/index.js";
import { composeRuntime, upTimedOut } from "../../../src/deploy/compose-runtime.js";
import { composeProjectName } from "../../../src/render/compose.js";
import { FakeHost } from "../engine/fake-host.js";

const FILE = "/opt/duck/compose/green/compose.yml";

describe("compose runtime builders", () => {
  it("names one project per color (render's name, the one the compose file is checked under)", () => {
    expect(composeProjectName("duck", "green")).toBe("duck-green");
  });

  it("drives compose v1 (docker-compose) and v2 (docker compose) with the project and file", () => {
    expect(composeBase("v1", "duck-green", FILE)).toEqual(["docker-compose", "-p", "duck-green", "-f", FILE]);
    expect(composeBase("v2", "duck-green", FILE)).toEqual(["docker", "compose", "-p", "duck-green", "-f", FILE]);
  });

  it("builds up, stop, logs and the running-containers query", () => {
    const base = composeBase("v1", "duck-green", FILE);
    expect(composeUpArgv(base)).toEqual([...base, "up", "--detach", "--remove-orphans"]);
    expect(composeStopArgv(base)).toEqual([...base, "stop", "--timeout", "10"]);
    expect(composeLogsArgv(base, 30)).toEqual([...base, "logs", "--no-color", "--tail", "30"]);
    expect(runningContainersArgv("duck-green")).toEqual([
      "docker",
      "ps",
      "--quiet",
      "--filter",
      "label=com.docker.compose.project=duck-green",
    ]);
  });

  it("the project's writers stop it and start its existing containers again", () => {
    const base = composeBase("v2", "duck-blue", "/opt/duck/compose/blue/compose.yml");
    expect(composeProjectWriters(base)).toEqual({
      stop: [[...base, "stop", "--timeout", "10"]],
      start: [[...base, "start"]],
    });
  });
});

describe("a compose up that outlives its bound", () => {
  it("says the bound, where it came from and what to do (not only 'command timed out')", () => {
    const bound = {
      seconds: 390,
      health: ["api: 0 s start_period + 30 retries x (2 s interval + 5 s timeout) = 210 s"],
    };
    const error = upTimedOut(new Error("command timed out after 390000 ms; killed"), "t1", bound);
    expect(error?.message).toBe(
      "compose up did not finish within 390 s, the bound derived from the health settings (180 s base: api: 0 s start_period + 30 retries x (2 s interval + 5 s timeout) = 210 s)",
    );
    expect(error).toMatchObject({ host: "t1", step: "start" });
    expect(error?.hint).toContain("health.start_period");
    expect(upTimedOut(new Error("exit code 1"), "t1", bound)).toBeNull();
  });
});

describe("the compose stage's order (D64)", () => {
  it("checks the color's file (compose config, the helper's gate) before any image is pulled", async () => {
    const config = await loadConfig(resolve(import.meta.dirname, "../../../examples/duckdb-compose/slipway.yml"));
    const host = new FakeHost("t1");
    // No image on the host until it is pulled.
    const pulled = new Set<string>();
    host.handlers.set("docker", (argv) => {
      if (argv[1] === "pull") pulled.add(argv.at(-1) as string);
      if (argv[1] !== "image") return undefined;
      return pulled.has(argv.at(-1) as string) ? { stdout: "sha256:1\n" } : { code: 1, stderr: "No such image" };
    });
    const images = {
      backend: `10.213.0.1:5000/slipway/duckdb-compose-backend@sha256:${"a".repeat(64)}`,
      frontend: `10.213.0.1:5000/slipway/duckdb-compose-frontend@sha256:${"b".repeat(64)}`,
    };
    const runtime = composeRuntime(config, host);
    await runtime.prepare?.();
    await runtime.stage("blue", { releaseId: "r1", env: {}, images, secrets: {}, check: false });
    const kinds = host.commands
      .map((c) => c.argv.join(" "))
      .filter((line) => line.includes(" config -q") || line.includes(" pull "))
      .map((line) => (line.includes(" config -q") ? "check" : "pull"));
    expect(kinds).toEqual(["check", "pull", "pull"]);
  });
});
