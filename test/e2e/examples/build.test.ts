// Builds every example image from the local slipway-base image (no registry, no network in the build), runs it on a
// loopback port and checks what Slipway relies on: health reports the version, the HEALTHCHECK goes healthy, the broken
// builds fail the way their README says, the DuckDB stand-in admits one writer, and flask-docker's volume keeps data.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type BrokenMode,
  containerName,
  dockerBuildArgs,
  dockerRunArgs,
  E2E_PREFIX,
  EXAMPLE_IMAGES,
  type ExampleImage,
  imageTag,
  parsePublishedPort,
  versionFor,
} from "./example-images.js";

const execFileAsync = promisify(execFile);
const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const INVENTORY = `${REPO_ROOT}.sandbox/inventory.json`;
const VARIANTS: readonly (BrokenMode | "ok")[] = ["ok", "unhealthy", "after-switch", "crash"];

async function docker(args: string[]): Promise<string> {
  const { stdout } = await execFileAsync("docker", args, {
    cwd: REPO_ROOT,
    env: { ...process.env, DOCKER_BUILDKIT: "0" },
    maxBuffer: 16 * 1024 * 1024,
  });
  return stdout;
}

async function start(example: ExampleImage, variant: BrokenMode | "ok", volumes?: string[], suffix?: string) {
  const name = containerName(example, variant, suffix);
  await docker(dockerRunArgs(example, variant, { volumes, suffix }));
  const port = parsePublishedPort(await docker(["port", name, `${example.port}/tcp`]));
  return { name, base: `http://127.0.0.1:${port}` };
}

interface Answer {
  status: number;
  body: string;
}

async function get(url: string): Promise<Answer | undefined> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(3000) });
    return { status: response.status, body: await response.text() };
  } catch {
    return undefined; // not listening yet
  }
}

/** Polls until the app answers at all (any status), for up to 60 s. */
async function firstAnswer(url: string, containerToBlame: string): Promise<Answer> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const answer = await get(url);
    if (answer) return answer;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const logs = await docker(["logs", "--tail", "30", containerToBlame]).catch((error) => String(error));
  throw new Error(`${url} never answered; last logs of ${containerToBlame}:\n${logs}`);
}

async function dockerHealth(name: string): Promise<string> {
  return (await docker(["inspect", "--format", "{{.State.Health.Status}}", name])).trim();
}

async function removeOurContainersAndVolumes(): Promise<void> {
  const containers = (await docker(["ps", "--all", "--quiet", "--filter", `name=^${E2E_PREFIX}-`])).split("\n");
  const ids = containers.filter(Boolean);
  if (ids.length > 0) await docker(["rm", "--force", "--volumes", ...ids]);
  const volumes = (await docker(["volume", "ls", "--quiet", "--filter", `name=^${E2E_PREFIX}-`])).split("\n");
  const names = volumes.filter(Boolean);
  if (names.length > 0) await docker(["volume", "rm", ...names]);
}

describe("example app images", () => {
  beforeAll(async () => {
    if (!existsSync(INVENTORY)) {
      throw new Error(`${INVENTORY} is missing: bring the sandbox up first (npm run sandbox -- up)`);
    }
    await docker(["image", "inspect", "--format", "{{.Id}}", "slipway-base:latest"]);
    await removeOurContainersAndVolumes();
    for (const example of EXAMPLE_IMAGES) {
      for (const variant of VARIANTS) await docker(dockerBuildArgs(example, variant));
    }
  });

  afterAll(async () => {
    await removeOurContainersAndVolumes();
    const tags = EXAMPLE_IMAGES.flatMap((example) => VARIANTS.map((variant) => imageTag(example, variant)));
    await docker(["rmi", "--force", ...tags]).catch(() => undefined);
  });

  for (const example of EXAMPLE_IMAGES) {
    describe(example.name, () => {
      it("reports its version on the health route and turns healthy in Docker", async () => {
        const { name, base } = await start(example, "ok");
        const answer = await firstAnswer(`${base}${example.healthPath}`, name);
        expect(answer.status).toBe(200);
        expect(JSON.parse(answer.body)).toEqual({ status: "ok", version: versionFor(example, "ok") });
        await expect.poll(() => dockerHealth(name), { timeout: 40_000, interval: 1000 }).toBe("healthy");
      });

      it("BROKEN=unhealthy answers 503 on health", async () => {
        const { name, base } = await start(example, "unhealthy");
        const answer = await firstAnswer(`${base}${example.healthPath}`, name);
        expect(answer.status).toBe(503);
        expect(JSON.parse(answer.body)).toMatchObject({ status: "unhealthy" });
      });

      it("BROKEN=after-switch passes health and fails its public route", async () => {
        const { name, base } = await start(example, "after-switch");
        expect((await firstAnswer(`${base}${example.healthPath}`, name)).status).toBe(200);
        expect((await get(`${base}${example.publicPath}`))?.status).toBe(500);
      });

      it("BROKEN=crash exits at start-up", async () => {
        const name = containerName(example, "crash");
        await docker(dockerRunArgs(example, "crash"));
        const exitCode = Number((await docker(["wait", name])).trim());
        expect(exitCode).not.toBe(0);
        const { stderr } = await execFileAsync("docker", ["logs", name]);
        expect(stderr).toContain("BROKEN=crash");
      });
    });
  }

  it("the duckdb backend admits one writer: a second container on the same volume fails to start", async () => {
    const backend = EXAMPLE_IMAGES.find((example) => example.name === "duckdb-backend") as ExampleImage;
    const volume = `${E2E_PREFIX}-duck-data:/app/data`;
    const first = await start(backend, "ok", [volume], "writer1");
    await firstAnswer(`${first.base}/api/health`, first.name);
    const created = await fetch(`${first.base}/api/items`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "duck" }),
    });
    expect(created.status).toBe(201);

    const secondName = containerName(backend, "ok", "writer2");
    await docker(dockerRunArgs(backend, "ok", { volumes: [volume], suffix: "writer2" }));
    expect(Number((await docker(["wait", secondName])).trim())).not.toBe(0);
    const { stderr } = await execFileAsync("docker", ["logs", secondName]);
    expect(stderr).toContain("one writer at a time");

    // Stop-first works: once the first writer is gone, a new container opens the file and sees the data.
    await docker(["rm", "--force", first.name]);
    const third = await start(backend, "ok", [volume], "writer3");
    await firstAnswer(`${third.base}/api/health`, third.name);
    const items = (await (await fetch(`${third.base}/api/items`)).json()) as { items: { name: string }[] };
    expect(items.items.map((item) => item.name)).toEqual(["duck"]);
  });

  it("flask-docker keeps its notes in the mounted instance/ volume across containers", async () => {
    const app = EXAMPLE_IMAGES.find((example) => example.name === "flask-docker") as ExampleImage;
    const volume = `${E2E_PREFIX}-notes-instance:/app/instance`;
    const first = await start(app, "ok", [volume], "gen1");
    await firstAnswer(`${first.base}/api/health`, first.name);
    const created = await fetch(`${first.base}/api/notes`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ title: "survives", body: "deploys" }),
    });
    expect(created.status).toBe(201);
    await docker(["rm", "--force", first.name]);

    const second = await start(app, "ok", [volume], "gen2");
    await firstAnswer(`${second.base}/api/health`, second.name);
    const notes = (await (await fetch(`${second.base}/api/notes`)).json()) as { notes: { title: string }[] };
    expect(notes.notes.map((note) => note.title)).toEqual(["survives"]);
  });
});
