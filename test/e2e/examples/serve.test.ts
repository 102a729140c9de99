// e2e-targets: none
// Runs the example apps the way the systemd runtime does (gunicorn / uvicorn from Debian packages, straight on the
// host) on loopback ports, and checks the routes Slipway's deploy and verify steps rely on.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));
// Debian's interpreter and entry points: the Python packages are installed for /usr/bin/python3 only.
const GUNICORN = "/usr/bin/gunicorn";
const UVICORN = "/usr/bin/uvicorn";

interface Served {
  child: ChildProcess;
  output: string[];
  base: string;
}

const started: ChildProcess[] = [];
let scratch = "";

async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

function serve(cwd: string, command: string, args: string[], port: number, env: Record<string, string>): Served {
  const output: string[] = [];
  const child = spawn(command, args, {
    cwd: join(REPO_ROOT, cwd),
    env: { ...process.env, HOST: "127.0.0.1", PORT: String(port), PYTHONDONTWRITEBYTECODE: "1", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (chunk) => output.push(String(chunk)));
  child.stderr?.on("data", (chunk) => output.push(String(chunk)));
  started.push(child);
  return { child, output, base: `http://127.0.0.1:${port}` };
}

async function untilAnswering(served: Served, path: string): Promise<Response> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (served.child.exitCode !== null) break;
    try {
      return await fetch(`${served.base}${path}`, { signal: AbortSignal.timeout(3000) });
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  throw new Error(`${served.base}${path} never answered; output:\n${served.output.join("").slice(-3000)}`);
}

async function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  return new Promise((resolve) => child.once("exit", (code) => resolve(code)));
}

function postJson(url: string, body: unknown): Promise<Response> {
  return fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
}

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), "slipway-examples-"));
});

afterAll(async () => {
  for (const child of started) {
    if (child.exitCode === null) {
      child.kill("SIGTERM");
      await exited(child);
    }
  }
  rmSync(scratch, { recursive: true, force: true });
});

describe("harvest under gunicorn", () => {
  let backend: Served;
  let frontend: Served;

  beforeAll(async () => {
    const backendPort = await freeLoopbackPort();
    backend = serve("examples/harvest/backend", GUNICORN, ["harvest_be:app"], backendPort, {
      DATABASE_PATH: join(scratch, "harvest", "not-yet", "harvest.db"),
      APP_VERSION: "serve-1",
    });
    frontend = serve("examples/harvest/frontend", GUNICORN, ["harvest_fe:server"], await freeLoopbackPort(), {
      BACKEND_URL: `http://127.0.0.1:${backendPort}`,
      APP_VERSION: "serve-1",
    });
  });

  it("backend reports its version and keeps rows in the SQLite file", async () => {
    expect(await (await untilAnswering(backend, "/api/health")).json()).toEqual({ status: "ok", version: "serve-1" });
    expect((await postJson(`${backend.base}/api/harvests`, { crop: "wheat", kg: 3 })).status).toBe(201);
    const listed = (await (await fetch(`${backend.base}/api/harvests`)).json()) as { harvests: { crop: string }[] };
    expect(listed.harvests.map((row) => row.crop)).toEqual(["wheat"]);
  });

  it("backend echoes the X-Forwarded-* headers a proxy adds", async () => {
    await untilAnswering(backend, "/api/health");
    const response = await fetch(`${backend.base}/api/echo-headers`, {
      headers: { "X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https", "X-Script-Name": "/harvest" },
    });
    const { headers } = (await response.json()) as { headers: Record<string, string> };
    expect(headers).toMatchObject({ "X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https" });
  });

  it("frontend serves prefix-aware asset URLs and relays /proxy/api to the backend", async () => {
    await untilAnswering(backend, "/api/health");
    expect((await untilAnswering(frontend, "/health")).status).toBe(200);
    const page = await (await fetch(`${frontend.base}/`, { headers: { "X-Script-Name": "/harvest" } })).text();
    expect(page).toContain('href="/harvest/static/app.css"');
    expect(page).toContain('src="/harvest/static/app.js"');
    const css = await fetch(`${frontend.base}/harvest/static/app.css`, { headers: { "X-Script-Name": "/harvest" } });
    expect(css.status).toBe(200);
    const relayed = await fetch(`${frontend.base}/proxy/api/health`);
    expect(await relayed.json()).toEqual({ status: "ok", version: "serve-1" });
  });
});

describe("duckdb-compose backend under uvicorn", () => {
  it("serves items and refuses a second writer on the same data file", async () => {
    const dataFile = join(scratch, "duck", "app.db");
    const env = { DATABASE_PATH: dataFile, APP_VERSION: "serve-duck" };
    const port = await freeLoopbackPort();
    const args = ["main:app", "--host", "127.0.0.1", "--port", String(port)];
    const first = serve("examples/duckdb-compose/backend", UVICORN, args, port, env);
    expect(await (await untilAnswering(first, "/api/health")).json()).toEqual({ status: "ok", version: "serve-duck" });
    expect((await postJson(`${first.base}/api/items`, { name: "duck" })).status).toBe(201);

    const secondPort = await freeLoopbackPort();
    const secondArgs = ["main:app", "--host", "127.0.0.1", "--port", String(secondPort)];
    const second = serve("examples/duckdb-compose/backend", UVICORN, secondArgs, secondPort, env);
    expect(await exited(second.child)).not.toBe(0);
    expect(second.output.join("")).toContain("one writer at a time");
  });
});

describe("flask-docker under gunicorn", () => {
  it("keeps notes in the instance directory and fails its public route when built after-switch", async () => {
    const instance = join(scratch, "notes-instance");
    const healthy = serve("examples/flask-docker", GUNICORN, ["main:app"], await freeLoopbackPort(), {
      INSTANCE_PATH: instance,
    });
    expect((await untilAnswering(healthy, "/api/health")).status).toBe(200);
    expect((await postJson(`${healthy.base}/api/notes`, { title: "kept" })).status).toBe(201);

    const broken = serve("examples/flask-docker", GUNICORN, ["main:app"], await freeLoopbackPort(), {
      INSTANCE_PATH: instance,
      BROKEN: "after-switch",
    });
    expect((await untilAnswering(broken, "/api/health")).status).toBe(200);
    expect((await fetch(`${broken.base}/api/notes`)).status).toBe(500);
  });
});
