import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config/index.js";
import { containerRuntime } from "../../../src/deploy/container-runtime.js";
import { settleAll } from "../../../src/deploy/settle.js";
import { FakeHost } from "../engine/fake-host.js";
import { WaveHost } from "./wave-host.js";

const IMAGE = `10.213.0.1:5000/slipway/flask-docker-backend@sha256:${"a".repeat(64)}`;
const input = (check: boolean) => ({
  releaseId: "r2",
  env: { APP_VERSION: "2" },
  images: { backend: IMAGE },
  secrets: { SECRET_KEY: "s3cret" },
  check,
});

async function staging(check: boolean) {
  const config = await loadConfig(resolve(import.meta.dirname, "../../../examples/flask-docker/slipway.yml"));
  const fake = new FakeHost("t1");
  // The image is on the host already; no container of the color exists yet.
  fake.handlers.set("docker", (argv) =>
    argv.includes("image") ? { stdout: `sha256:${"b".repeat(64)}\n` } : { code: 1, stderr: "No such object" },
  );
  const host = new WaveHost(fake);
  const result = await host.run(() => containerRuntime(config, host).stage("green", input(check)));
  return { result, host };
}

describe("container stage round trips", () => {
  it("stages in 3 waves: inspect, image check, env file and release manifest at once (was 8 in a row)", async () => {
    const { result, host } = await staging(false);
    expect(result.actions).toEqual([
      "wrote /opt/flask-docker/env/backend-green.env",
      `run flask-docker-backend-green from ${IMAGE}`,
    ]);
    expect(host.waves).toBe(3);
    expect(host.log.map((wave) => wave.length)).toEqual([4, 2, 2]);
  });

  it("plans in 1 wave: inspect, image check and the env file read at once", async () => {
    const { result, host } = await staging(true);
    expect(result.actions).toEqual([
      "write /opt/flask-docker/env/backend-green.env",
      `would run flask-docker-backend-green from ${IMAGE}`,
    ]);
    expect(host.waves).toBe(1);
  });

  it("a missing secret refuses before any round trip", async () => {
    const config = await loadConfig(resolve(import.meta.dirname, "../../../examples/flask-docker/slipway.yml"));
    const host = new WaveHost(new FakeHost("t1"));
    const staged = host.run(() => containerRuntime(config, host).stage("green", { ...input(false), secrets: {} }));
    await expect(staged).rejects.toThrow("needs secrets that are not set: SECRET_KEY");
    expect(host.waves).toBe(0);
  });
});

describe("settleAll", () => {
  it("waits for every promise, then throws the first failure in argument order", async () => {
    const finished: string[] = [];
    const slow = new Promise<string>((r) => setTimeout(() => r(finished.push("slow") ? "slow" : ""), 20));
    const failing = Promise.reject(new Error("first"));
    const later = Promise.reject(new Error("second"));
    await expect(settleAll([failing, slow, later])).rejects.toThrow("first");
    expect(finished).toEqual(["slow"]);
    expect(await settleAll([Promise.resolve(1), "two", null])).toEqual([1, "two", null]);
  });
});
