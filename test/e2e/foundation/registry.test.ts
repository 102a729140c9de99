/** An image built on the runner FROM the sandbox base image goes through the registry into a target's Docker. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { shQuote } from "../../../src/remote/quote.js";
import { loadSandbox, sandboxTarget } from "../support/sandbox.js";
import { mustRun, run, ssh } from "./run.js";

const inventory = loadSandbox();
const target = sandboxTarget("t1", inventory);
const token = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
const image = `${inventory.registry}/slipway-foundation/probe:${token}`;
// The classic builder: Debian 12 has no buildx.
const buildEnv = { ...process.env, DOCKER_BUILDKIT: "0" };

describe("sandbox registry", () => {
  const context = mkdtempSync(join(tmpdir(), "slipway-probe-"));

  afterAll(async () => {
    rmSync(context, { recursive: true, force: true });
    await run("docker", ["rmi", image]);
    await ssh(target, `docker rmi ${shQuote(image)}`);
  });

  it("builds FROM the base image, pushes, and pulls inside a target", async () => {
    writeFileSync(
      join(context, "Dockerfile"),
      `FROM ${inventory.baseImage}\nRUN echo ${token} > /probe.txt && python3 -c "import flask, fastapi, uvicorn"\n`,
    );
    await mustRun(run("docker", ["build", "-q", "-t", image, context], buildEnv), "docker build");
    await mustRun(run("docker", ["push", image]), "docker push");

    const pulled = await ssh(
      target,
      `docker pull -q ${shQuote(image)} && docker run --rm ${shQuote(image)} cat /probe.txt`,
    );
    expect(pulled.stderr).toBe("");
    expect(pulled.code).toBe(0);
    expect(pulled.stdout.trim().split("\n").at(-1)).toBe(token);
  });
});
