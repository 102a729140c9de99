/**
 * `slipway init` end to end: run on each example app and on two seed-like apps written here (seed 002's Flask +
 * SQLite without Docker; a FastAPI + Postgres compose stack), the config it writes validates and renders; harvest as
 * systemd (--runtime) is deployed on t2 and answers through nginx. Deploying init's configs unedited, each example and
 * two seed-like apps, twice with their data kept, is test/e2e/ops/init-deploy.test.ts.
 * On the deployed harvest, `--lock-wait` is proven: a deploy waits for a held lock, naming its holder, and takes it
 * once released; a wait that runs out fails naming the holder and the wait.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { RemoteHost } from "../../../src/remote/types.js";
import { cleanHost, connectTarget, viaNginx } from "../deploy/support.js";
import { REPO_ROOT, sandboxTarget } from "../support/sandbox.js";
import { pointAtSandbox, slipway } from "./cli.js";

/** A copy of an example without its slipway.yml: what a user runs init in. */
function exampleCopy(example: string, name = example): string {
  const dir = join(mkdtempSync(join(tmpdir(), "slipway-init-e2e-")), name);
  cpSync(join(REPO_ROOT, "examples", example), dir, {
    recursive: true,
    filter: (src) => !/slipway(\.\w+)?\.yml$/.test(src) && !src.includes("__pycache__"),
  });
  return dir;
}

function writeApp(name: string, files: Record<string, string>): string {
  const dir = join(mkdtempSync(join(tmpdir(), "slipway-init-e2e-")), name);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, ".."), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

/** Seed 002's words: "nginx serving static files + gunicorn app server", a SQLite file; no Docker. */
const NOTES = {
  "requirements.txt": "Flask>=2.2\ngunicorn\n",
  "notes.py": [
    "import os",
    "import sqlite3",
    "from flask import Flask, jsonify",
    "",
    'DB_PATH = os.environ.get("DATABASE_PATH", "notes.db")',
    "app = Flask(__name__)",
    'app.secret_key = os.environ.get("SECRET_KEY")',
    "",
    "def db():",
    "    conn = sqlite3.connect(DB_PATH)",
    '    conn.execute("CREATE TABLE IF NOT EXISTS notes (id INTEGER PRIMARY KEY, body TEXT)")',
    "    return conn",
    "",
    '@app.route("/health")',
    "def health():",
    "    with db() as conn:",
    '        count = conn.execute("SELECT count(*) FROM notes").fetchone()[0]',
    '    return jsonify(status="ok", notes=count, db=DB_PATH, secret=bool(app.secret_key))',
    "",
    '@app.route("/")',
    "def index():",
    '    return "notes"',
    "",
  ].join("\n"),
  "static/style.css": "body { color: teal }\n",
};

/** A FastAPI API with Postgres, as compose stacks are written (with an nginx container Slipway replaces). */
const SHOP = {
  "compose.yaml": [
    "services:",
    "  api:",
    "    build: .",
    "    ports: ['8000:8000']",
    "    environment:",
    "      DATABASE_URL: postgresql://shop:${POSTGRES_PASSWORD}@db:5432/shop",
    "    depends_on: { db: { condition: service_healthy } }",
    "  db:",
    "    image: postgres:16",
    "    environment: [POSTGRES_USER=shop, POSTGRES_PASSWORD=changeme]",
    "    volumes: ['shopdata:/var/lib/postgresql/data']",
    "  proxy:",
    "    image: nginx:alpine",
    "    ports: ['80:80']",
    "",
  ].join("\n"),
  Dockerfile:
    'FROM python:3.12-slim\nCOPY . /app\nCMD ["uvicorn", "main:app", "--host", "0.0.0.0", "--port", "8000"]\n',
  "requirements.txt": "fastapi\nuvicorn\npsycopg[binary]\n",
  "main.py":
    'from fastapi import FastAPI\napp = FastAPI()\n\n@app.get("/healthz")\ndef healthz():\n    return {"ok": True}\n',
};

describe("slipway init on the examples and seed-like apps: validates and renders", () => {
  it.each([
    ["examples/flask-docker", () => exampleCopy("flask-docker"), "container"],
    // Their frontends read BACKEND_URL: compose gives the containers a network (runtime container has none).
    ["examples/harvest", () => exampleCopy("harvest"), "compose"],
    ["examples/duckdb-compose", () => exampleCopy("duckdb-compose"), "compose"],
    ["seed 002 flask + sqlite", () => writeApp("notes", NOTES), "systemd"],
    ["fastapi + postgres compose", () => writeApp("shop", SHOP), "compose"],
  ])("%s", async (_name, make, runtime) => {
    const dir = make();
    const init = await slipway("init", dir, "--host", "web1=10.213.0.11", "--domain", "app.e2e.test", "--json");
    expect(init.code, init.stderr).toBe(0);
    expect(JSON.parse(init.stdout).runtime).toBe(runtime);
    const config = join(dir, "slipway.yml");
    const validate = await slipway("validate", "-c", config, "--env", "production");
    expect(validate.code, validate.stderr).toBe(0);
    const render = await slipway("render", "-c", config);
    expect(render.code, render.stderr).toBe(0);
    expect(render.stdout).toContain("server_name app.e2e.test");
    expect(existsSync(join(dir, ".github/workflows/deploy.yml"))).toBe(true);
  });

  it("--help, a second run refusing to overwrite, and --force", async () => {
    const help = await slipway("init", "--help");
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("--no-workflows");
    const dir = writeApp("again", NOTES);
    expect((await slipway("init", dir)).code).toBe(0);
    const before = readFileSync(join(dir, "slipway.yml"), "utf8");
    const again = await slipway("init", dir, "--domain", "x.e2e.test");
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("already exists, left as it is");
    expect(again.stderr).toContain("--force");
    expect(readFileSync(join(dir, "slipway.yml"), "utf8")).toBe(before);
    expect((await slipway("init", dir, "--domain", "x.e2e.test", "--force")).code).toBe(0);
    expect(parse(readFileSync(join(dir, "slipway.yml"), "utf8")).proxy.domains).toEqual(["x.e2e.test"]);
    rmSync(dir, { recursive: true, force: true });
  });
});

describe("an init'd harvest (--runtime systemd) deploys on t2; --lock-wait", () => {
  const APP = "initharvest";
  const DOMAIN = "initharvest.e2e.test";
  const LOCK = `/opt/${APP}/.slipway-lock`;
  const HOLDER = { holder: "carol", commit: "feedface", since: "2026-11-30T08:00:00.000Z" };
  let host: RemoteHost;
  let config: string;

  const holdLock = async () => {
    await host.exec(["mkdir", "-p", "--", LOCK], { become: true });
    await host.putFile(`${LOCK}/holder`, `${JSON.stringify(HOLDER)}\n`, { become: true });
  };

  beforeAll(async () => {
    host = await connectTarget("t2");
    await cleanHost(host, APP);
  });

  afterAll(async () => {
    if (!host) return;
    await cleanHost(host, APP);
    await host.close();
  });

  it("init --runtime systemd --app, then deploy: both services answer through nginx", async () => {
    const dir = exampleCopy("harvest", APP);
    const init = await slipway(
      "init",
      dir,
      "--runtime",
      "systemd",
      "--host",
      `t2=${sandboxTarget("t2").host}`,
      "--domain",
      DOMAIN,
    );
    expect(init.code, init.stderr).toBe(0);
    config = pointAtSandbox(dir, "t2", { backend: 5471, frontend: 8471 });
    const deployed = await slipway("deploy", "-c", config, "--yes", "--version-env", "APP_VERSION=v1");
    expect(deployed.code, deployed.stdout + deployed.stderr).toBe(0);
    const health = await viaNginx(sandboxTarget("t2").host, DOMAIN, "/api/health");
    expect(JSON.parse(health.body)).toMatchObject({ status: "ok", version: "v1" });
    expect((await viaNginx(sandboxTarget("t2").host, DOMAIN, "/")).status).toBe(200);
    // harvest creates its database on the first write; the next deploy's preflight refuses to run without one to
    // back up, and says to create it once, as a user does here.
    const db = `/var/lib/${APP}/${APP}.db`;
    await host.exec(["sqlite3", db, "VACUUM"], { become: true });
    await host.exec(["chown", `app-${APP}:app-${APP}`, db], { become: true });
  });

  it("--lock-wait: waits for a held lock naming its holder, and deploys once it is released", async () => {
    await holdLock();
    // The holder finishes 4 s into the wait.
    const release = new Promise<void>((resolve) =>
      setTimeout(async () => {
        await host.exec(["rm", "-rf", "--", LOCK], { become: true });
        resolve();
      }, 4000),
    );
    const deployed = await slipway(
      "deploy",
      "-c",
      config,
      "--yes",
      "--lock-wait",
      "60s",
      "--version-env",
      "APP_VERSION=v2",
    );
    await release;
    expect(deployed.code, deployed.stdout + deployed.stderr).toBe(0);
    const out = deployed.stdout + deployed.stderr;
    expect(out).toContain(`waiting for the deploy lock ${LOCK} (up to 60s more): held by carol (commit feedface)`);
    expect(out).toMatch(/took the deploy lock .* after waiting \d+s/);
    const health = await viaNginx(sandboxTarget("t2").host, DOMAIN, "/api/health");
    expect(JSON.parse(health.body).version).toBe("v2");
  });

  it("--lock-wait that runs out fails the host (exit 2) naming the holder and the wait; the lock stays", async () => {
    await holdLock();
    const deployed = await slipway(
      "deploy",
      "-c",
      config,
      "--yes",
      "--lock-wait",
      "3s",
      "--version-env",
      "APP_VERSION=v3",
    );
    expect(deployed.code).toBe(2);
    expect(deployed.stdout + deployed.stderr).toContain("(still, after waiting 3s: --lock-wait)");
    expect((await host.exec(["test", "-d", LOCK], { check: false })).code).toBe(0);
    await host.exec(["rm", "-rf", "--", LOCK], { become: true });
  });

  it("--lock-wait of the wrong shape is a usage error (exit 5) before any connection", async () => {
    const ran = await slipway("deploy", "-c", config, "--yes", "--lock-wait", "10");
    expect(ran.code).toBe(5);
    expect(ran.stderr).toContain('--lock-wait 10: expected a duration like "30s", "5m" or "1h"');
  });
});
