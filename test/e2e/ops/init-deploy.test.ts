/**
 * Issue 16's Done-when: `slipway init` on each example app and on two seed-like apps written here produces a config
 * that validates AND deploys, unedited: only init's own flags (--host, --domain, --app, --ssh-user, --ssh-key,
 * --known-hosts). Each app is deployed twice on t1..t3, answers through nginx on its routes and health, and the row
 * written between the two deploys is still there after the second (the database kept where init put it).
 * D30 (test/fixtures/newuser/NOTES.md): the API route's check.path, seed 001's sqlite:/// DATABASE_URL and its volume,
 * seed 000's frontend (BACKEND_URL, DEPLOYMENT_MODE) and the SSH key and host key.
 */
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { RemoteHost } from "../../../src/remote/types.js";
import { cleanHost, connectTarget, removeComposeProjects, viaNginx } from "../deploy/support.js";
import { loadSandbox, REPO_ROOT, sandboxTarget } from "../support/sandbox.js";
import { slipway } from "./cli.js";

/** A copy of an example without its slipway.yml: what a user runs init in. */
function exampleCopy(example: string, name: string): string {
  const dir = join(mkdtempSync(join(tmpdir(), "slipway-initdeploy-")), name);
  cpSync(join(REPO_ROOT, "examples", example), dir, {
    recursive: true,
    filter: (src) => !/slipway(\.\w+)?\.yml$/.test(src) && !src.includes("__pycache__"),
  });
  return dir;
}

function writeApp(name: string, files: Record<string, string>): string {
  const dir = join(mkdtempSync(join(tmpdir(), "slipway-initdeploy-")), name);
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
    "from flask import Flask, jsonify, request",
    "",
    'DB_PATH = os.environ.get("DATABASE_PATH", "notes.db")',
    "app = Flask(__name__)",
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
    '    return jsonify(status="ok", notes=count)',
    "",
    '@app.post("/notes")',
    "def add():",
    "    with db() as conn:",
    '        conn.execute("INSERT INTO notes (body) VALUES (?)", (request.get_json()["body"],))',
    "    return jsonify(ok=True), 201",
    "",
    '@app.route("/")',
    "def index():",
    '    return "notes"',
    "",
  ].join("\n"),
  "static/style.css": "body { color: teal }\n",
};

/** Seed 004's words (a FastAPI backend in Docker): SQLAlchemy-style DATABASE_URL with a relative SQLite default. */
const ITEMS = {
  Dockerfile: [
    "FROM slipway-base:latest",
    "WORKDIR /app",
    "COPY . /app",
    "EXPOSE 8000",
    'CMD ["uvicorn", "main:app", "--host", "0.0.0.0", "--port", "8000"]',
    "",
  ].join("\n"),
  "requirements.txt": "fastapi\nuvicorn\n",
  "main.py": [
    "import os",
    "import sqlite3",
    "from fastapi import FastAPI",
    "",
    'DATABASE_URL = os.getenv("DATABASE_URL", "sqlite:///./items.db")',
    "app = FastAPI()",
    "",
    "def db():",
    '    conn = sqlite3.connect(DATABASE_URL.removeprefix("sqlite:///"))',
    '    conn.execute("CREATE TABLE IF NOT EXISTS items (id INTEGER PRIMARY KEY, name TEXT)")',
    "    return conn",
    "",
    '@app.get("/api/health")',
    "def health():",
    '    return {"status": "ok", "db": DATABASE_URL}',
    "",
    '@app.get("/api/items")',
    "def items():",
    "    with db() as conn:",
    '        return [row[0] for row in conn.execute("SELECT name FROM items ORDER BY id")]',
    "",
    '@app.post("/api/items", status_code=201)',
    "def add(item: dict):",
    "    with db() as conn:",
    '        conn.execute("INSERT INTO items (name) VALUES (?)", (item["name"],))',
    '    return {"ok": True}',
    "",
  ].join("\n"),
};

/** What a user does before the first deploy: the app in git (images are tagged by the commit). */
function commitApp(dir: string): void {
  const git = (...args: string[]) =>
    execFileSync("git", ["-c", "user.name=e2e", "-c", "user.email=e2e@e2e.test", ...args], { cwd: dir });
  git("init", "-q");
  git("add", "-A");
  git("commit", "-qm", "first deploy");
}

interface Case {
  name: string;
  target: "t1" | "t2" | "t3";
  make: (app: string) => string;
  runtime: string;
  /** Route answers checked after each deploy: path -> a text the body contains. */
  routes: Record<string, string>;
  /** The write between the deploys, and the read that must show it after the second. */
  write: { path: string; body: object };
  read: { path: string; contains: string };
}

const CASES: Case[] = [
  {
    name: "examples/flask-docker (seed 001)",
    target: "t1",
    make: (app) => exampleCopy("flask-docker", app),
    runtime: "container",
    routes: { "/api/health": '"status"', "/api/notes": "[" },
    write: { path: "/api/notes", body: { title: "kept across deploys" } },
    read: { path: "/api/notes", contains: "kept across deploys" },
  },
  {
    name: "examples/harvest (seed 000)",
    target: "t2",
    make: (app) => exampleCopy("harvest", app),
    runtime: "compose",
    routes: { "/api/health": '"status"', "/": "<", "/health": '"status"' },
    write: { path: "/api/harvests", body: { crop: "kept-beans", kg: 3 } },
    read: { path: "/api/harvests", contains: "kept-beans" },
  },
  {
    name: "examples/duckdb-compose (seed 003)",
    target: "t3",
    make: (app) => exampleCopy("duckdb-compose", app),
    runtime: "compose",
    routes: { "/api/health": '"status"', "/": "<" },
    write: { path: "/api/items", body: { name: "kept-duck" } },
    read: { path: "/api/items", contains: "kept-duck" },
  },
  {
    name: "seed 002 Flask + SQLite, no Docker",
    target: "t1",
    make: (app) => writeApp(app, NOTES),
    runtime: "systemd",
    routes: { "/": "notes", "/health": '"status"', "/static/style.css": "teal" },
    write: { path: "/notes", body: { body: "kept" } },
    read: { path: "/health", contains: '"notes":1' },
  },
  {
    name: "seed 004 FastAPI in Docker, DATABASE_URL sqlite:///",
    target: "t3",
    make: (app) => writeApp(app, ITEMS),
    runtime: "container",
    routes: { "/api/health": "sqlite:////app/data/items.db", "/api/items": "[" },
    write: { path: "/api/items", body: { name: "kept-item" } },
    read: { path: "/api/items", contains: "kept-item" },
  },
];

describe.each(CASES.map((c, i) => ({ ...c, app: `initd${i}` })))("init'd $name deploys unedited", (c) => {
  const domain = `${c.app}.e2e.test`;
  const address = () => sandboxTarget(c.target).host;
  let host: RemoteHost;
  let config: string;

  const clean = async () => {
    await cleanHost(host, c.app);
    await removeComposeProjects(host, c.app, `${c.app}-data`);
    await host.exec(["docker", "volume", "rm", "--force", `${c.app}-data`], { become: true, check: false });
  };

  beforeAll(async () => {
    host = await connectTarget(c.target);
    await clean();
  });

  afterAll(async () => {
    if (!host) return;
    await clean();
    await host.close();
  });

  it("init with its flags only: the config validates, with the published schema line", async () => {
    const dir = c.make(c.app);
    const sandbox = loadSandbox();
    const init = await slipway(
      "init",
      dir,
      "--host",
      `${c.target}=${address()}`,
      "--domain",
      domain,
      "--ssh-user",
      sandboxTarget(c.target, sandbox).user,
      "--ssh-key",
      sandbox.privateKeyPath,
      "--known-hosts",
      sandbox.knownHostsPath,
      "--no-workflows",
      "--json",
    );
    expect(init.code, init.stderr).toBe(0);
    expect(JSON.parse(init.stdout).runtime).toBe(c.runtime);
    config = join(dir, "slipway.yml");
    const text = readFileSync(config, "utf8");
    expect(text).toContain("# yaml-language-server: $schema=https://slipway.dev/schema/slipway.schema.json\n");
    expect(parse(text).inventory.ssh).toEqual({
      user: "deploy",
      identity_file: sandbox.privateKeyPath,
      known_hosts_file: sandbox.knownHostsPath,
    });
    const validate = await slipway("validate", "-c", config);
    expect(validate.code, validate.stdout + validate.stderr).toBe(0);
  });

  it.runIf(c.runtime !== "systemd")(
    "images need a commit: outside git the deploy says so before building",
    async () => {
      process.env.SECRET_KEY = "init-deploy-e2e-secret";
      const ran = await slipway("deploy", "-c", config, "--yes");
      expect(ran.code).not.toBe(0);
      expect(ran.stderr).toContain("has no git commit to tag the images with");
      expect(ran.stderr).toContain("git init && git add -A && git commit");
    },
  );

  it("deploys, answers through nginx, and keeps the row written before a second deploy", async () => {
    process.env.SECRET_KEY = "init-deploy-e2e-secret";
    commitApp(join(config, ".."));
    const first = await slipway("deploy", "-c", config, "--yes", "--version-env", "APP_VERSION=v1");
    expect(first.code, first.stdout + first.stderr).toBe(0);
    if (c.runtime !== "systemd") {
      // A long step says what it waits for about once a second (plain lines without a terminal): the image stream.
      expect(first.stdout).toMatch(
        new RegExp(`\\[${c.target}\\] \\w+: streaming ${c.app}-?\\S* over SSH, \\d+ s(, last: [\\d.]+ MB sent)?\\n`),
      );
    }
    for (const [path, contains] of Object.entries(c.routes)) {
      const answer = await viaNginx(address(), domain, path);
      expect(answer.status, `${path}: ${answer.body}`).toBe(200);
      expect(answer.body).toContain(contains);
    }
    const wrote = await viaNginx(address(), domain, c.write.path, "POST", JSON.stringify(c.write.body));
    expect(wrote.status, wrote.body).toBe(201);
    const second = await slipway("deploy", "-c", config, "--yes", "--version-env", "APP_VERSION=v2");
    expect(second.code, second.stdout + second.stderr).toBe(0);
    expect(second.stdout + second.stderr).not.toContain("nothing to back up");
    const read = await viaNginx(address(), domain, c.read.path);
    expect(read.status, read.body).toBe(200);
    expect(read.body).toContain(c.read.contains);
  });
});
