import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { detectApp } from "../../../../src/config/init/detect.js";
import { initWorkflows } from "../../../../src/config/init/workflows.js";
import { initConfigYaml } from "../../../../src/config/init/write.js";
import { validateConfigText } from "../../../../src/config/load.js";
import { DASH, FASTAPI_POSTGRES_COMPOSE, FLASK_DOCKER_URL, FLASK_SQLITE, FRONT_BACK, tree } from "./trees.js";

const ROOT = resolve(import.meta.dirname, "../../../..");
const answers = { hosts: [{ name: "web1", address: "10.0.0.5" }], schema: "schema/slipway.schema.json" };

function validates(text: string) {
  const result = validateConfigText(text, join(ROOT, "slipway.yml"), { environment: "production" });
  expect(result.issues).toEqual([]);
  return result.configs[0];
}

describe("slipway init: the slipway.yml it writes", () => {
  it.each([
    ["flask + sqlite", FLASK_SQLITE],
    ["fastapi + postgres compose", FASTAPI_POSTGRES_COMPOSE],
    ["dash", DASH],
  ])("%s: validates, with the editor schema line and comments on the keys", (_name, files) => {
    const text = initConfigYaml(detectApp(tree(files), "shop"), answers);
    validates(text);
    expect(text).toContain("# yaml-language-server: $schema=schema/slipway.schema.json\n");
    expect(text).toMatch(/^# runtime \w+: /m);
  });

  it("Flask + SQLite: systemd with the app module, static/ by nginx, the database file backed up", () => {
    const text = initConfigYaml(detectApp(tree(FLASK_SQLITE), "notes"), { ...answers, domain: "notes.example.com" });
    expect(parse(text)).toEqual({
      app: "notes",
      runtime: "systemd",
      services: {
        web: {
          build: { context: "." },
          port: 5000,
          health: { path: "/health" },
          systemd: { app_module: "app:app" },
          env: { DATABASE_PATH: "/var/lib/notes/notes.db" },
          secrets: ["SECRET_KEY"],
        },
      },
      inventory: { hosts: { web1: { address: "10.0.0.5" } } },
      proxy: {
        domains: ["notes.example.com"],
        routes: [{ path: "/", service: "web" }],
        static: { source: "static", path: "/static/" },
      },
      tls: { enabled: false },
      database: { engine: "sqlite", path: "/var/lib/notes/notes.db" },
      environments: { production: {} },
    });
  });

  it("compose + postgres: the accessory, the database on it, TLS with --domain and --email", () => {
    const text = initConfigYaml(detectApp(tree(FASTAPI_POSTGRES_COMPOSE), "shop"), {
      ...answers,
      domain: "shop.example.com",
      email: "ops@example.com",
      registry: "ghcr.io",
      sshUser: "deployer",
    });
    const config = validates(text);
    expect(config?.services.db).toMatchObject({
      image: "postgres:16",
      accessory: true,
      secrets: ["POSTGRES_PASSWORD"],
    });
    expect(config?.services.api).toMatchObject({ depends_on: ["db"], secrets: ["DATABASE_URL"], port: 8000 });
    expect(config?.database).toMatchObject({
      engine: "postgres",
      compose_service: "db",
      password_secret: "POSTGRES_PASSWORD",
    });
    expect(config?.tls).toMatchObject({ enabled: true, email: "ops@example.com" });
    expect(config?.image).toMatchObject({ registry: "ghcr.io", repository: "shop" });
    expect(config?.inventory.ssh.user).toBe("deployer");
    // The password in the compose file is never copied.
    expect(text).not.toContain("changeme");
  });

  it("a backend under /api/ is verified on its health route (`/api/` itself is mostly a 404)", () => {
    const app = tree({
      "backend/Dockerfile": "FROM python\n",
      "backend/api.py":
        'from flask import Flask\napp = Flask(__name__)\n@app.route("/api/health")\ndef h(): return "ok"\n',
      "frontend/Dockerfile": "FROM python\n",
    });
    expect(parse(initConfigYaml(detectApp(app, "two"), answers)).proxy.routes).toEqual([
      { path: "/api/", service: "backend", check: { path: "/api/health" } },
      { path: "/", service: "frontend" },
    ]);
  });

  it("a lone API (health under /api/): `/` is checked on the health route, not the 404 at / (D30, seed 001)", () => {
    const app = tree({
      "requirements.txt": "flask\n",
      "main.py":
        'from flask import Flask\napp = Flask(__name__)\n@app.route("/api/health")\ndef h():\n    return "ok"\n',
    });
    expect(parse(initConfigYaml(detectApp(app, "notes"), answers)).proxy.routes).toEqual([
      { path: "/", service: "web", check: { path: "/api/health" } },
    ]);
  });

  it("D44: the route check is a data GET route the code declares, not the health path the gate already polled", () => {
    const app = tree({
      "requirements.txt": "flask\n",
      "main.py": [
        "from flask import Flask",
        "app = Flask(__name__)",
        '@app.get("/api/health")',
        "def h(): return 'ok'",
        '@app.get("/api/info")',
        "def i(): return 'v1'",
        '@app.route("/api/upload", methods=["POST"])',
        "def u(): return ''",
        '@app.route("/api/notes", methods=["GET", "POST"])',
        "def n(): return '[]'",
        "",
      ].join("\n"),
    });
    const detection = detectApp(app, "notes");
    expect(detection.services[0]?.dataPath).toBe("/api/notes");
    expect(parse(initConfigYaml(detection, answers)).proxy.routes).toEqual([
      { path: "/", service: "web", check: { path: "/api/notes" } },
    ]);
  });

  it("says how to give the SSH key and host key, which the first deploy needs (D30)", () => {
    const text = initConfigYaml(detectApp(tree(DASH), "board"), answers);
    expect(text).toContain(
      "# SSH: set ssh.identity_file to the private key whose public half is in the server's ~USER/.ssh/authorized_keys\n" +
        "#   (e.g. ssh: { user: deploy, identity_file: ~/.ssh/id_ed25519 }), or load it into ssh-agent.\n" +
        "#   The server's host key must be in ~/.ssh/known_hosts (ssh-keyscan -H ADDRESS >> ~/.ssh/known_hosts, then check\n" +
        "#   its fingerprint) or pinned with ssh.known_hosts_file.\ninventory:\n",
    );
  });

  it("a key found in ~/.ssh and a pinned known_hosts are written with where they came from (D30)", () => {
    const text = initConfigYaml(detectApp(tree(DASH), "board"), {
      ...answers,
      sshUser: "deploy",
      identityFile: { path: "~/.ssh/id_ed25519", found: true },
      knownHostsFile: "/srv/keys/known_hosts",
    });
    expect(parse(text).inventory).toEqual({
      ssh: { user: "deploy", identity_file: "~/.ssh/id_ed25519", known_hosts_file: "/srv/keys/known_hosts" },
      hosts: { web1: { address: "10.0.0.5" } },
    });
    expect(text).toContain(
      "# SSH: ssh.identity_file is the key found in ~/.ssh (ssh's default); its public half must be in the server's\n" +
        "#   ~USER/.ssh/authorized_keys (pass --ssh-key to choose another). A passphrase-protected key: ssh-agent or SLIPWAY_SSH_PASSPHRASE.\n" +
        "#   The servers' host keys are pinned in ssh.known_hosts_file (from --known-hosts).\ninventory:\n",
    );
    validates(text);
  });

  it("seed 001: DATABASE_URL with a relative sqlite:/// default is pointed into the volume (D30)", () => {
    const detection = detectApp(tree(FLASK_DOCKER_URL), "notes");
    expect(detection.runtime).toBe("container");
    expect(detection.database).toEqual({ engine: "sqlite", path: "notes.db", volume: "notes-data" });
    expect(detection.services[0]?.env).toEqual({ DATABASE_URL: "sqlite:////app/data/notes.db" });
    expect(detection.services[0]?.volumes).toEqual(["notes-data:/app/data"]);
    validates(initConfigYaml(detection, answers));
  });

  it("seed 000: the frontend reads BACKEND_URL and DEPLOYMENT_MODE: compose, the same color's backend, nginx mode (D30)", () => {
    const detection = detectApp(tree(FRONT_BACK), "harvest");
    expect(detection.runtime).toBe("compose");
    const front = detection.services.find((s) => s.name === "frontend");
    expect(front?.env).toEqual({ BACKEND_URL: "${service:backend.url}", DEPLOYMENT_MODE: "nginx" });
    expect(front?.dependsOn).toEqual(["backend"]);
    expect(detection.reasons).toContain(
      "runtime compose: every service has a Dockerfile and one calls another (a network between the containers)",
    );
    validates(initConfigYaml(detection, answers));
  });

  it("compose env_file: its variables become secrets by name, never their values, and init says so (D38)", () => {
    const files = {
      "docker-compose.yml": [
        "services:",
        "  backend:",
        "    build: ./backend",
        "    ports: ['12015:12015']",
        "    env_file: .env",
        "    environment:",
        "      - DATA_DIR=/app/data",
        "  worker:",
        "    build: ./backend",
        "    env_file: [./config/worker.env]",
        "",
      ].join("\n"),
      ".env": "# local\nAPP_SECRET=hunter2-do-not-copy\nexport DATA_DIR=/tmp/x\n\nLOG_LEVEL=debug\n",
      "backend/Dockerfile": "FROM python:3.12-slim\n",
    };
    const detection = detectApp(tree(files), "dk");
    expect(detection.services.find((s) => s.name === "backend")?.secrets).toEqual(["APP_SECRET", "LOG_LEVEL"]);
    expect(detection.reasons).toContain(
      "docker-compose.yml: service backend: env_file .env: APP_SECRET, LOG_LEVEL carried as secrets (names only; set their values in the deploy's environment)",
    );
    expect(detection.reasons).toContain(
      "docker-compose.yml: service worker: env_file config/worker.env not found: its variables are not carried over; list them under services.worker.secrets (values from the deploy's environment) or env",
    );
    const text = initConfigYaml(detection, answers);
    expect(text).not.toContain("hunter2");
    expect(text).toContain(
      "# compose env_file .env: APP_SECRET, LOG_LEVEL carried as secrets (names only; set their values in the deploy's environment)\n",
    );
    expect(parse(text).services.backend.secrets).toEqual(["APP_SECRET", "LOG_LEVEL"]);
    expect(parse(text).services.backend.env).toEqual({ DATA_DIR: "/app/data" });
    validates(text);
  });

  it("--runtime container: no address to give (no network between containers), the mode still nginx", () => {
    const detection = detectApp(tree(FRONT_BACK), "harvest", "container");
    expect(detection.services.find((s) => s.name === "frontend")?.env).toEqual({ DEPLOYMENT_MODE: "nginx" });
  });

  it("no --host: a placeholder address that says to replace it", () => {
    const text = initConfigYaml(detectApp(tree(DASH), "board"), { hosts: [], schema: "s.json" });
    expect(text).toContain(
      "# Replace the placeholder with your server (slipway init --host name=address).\n# SSH: set ssh.identity_file",
    );
    expect(parse(text).inventory.hosts).toEqual({ web1: { address: "203.0.113.10" } });
  });
});

describe("slipway init: the workflows it writes", () => {
  it("pass GitHub's workflow schema (scripts/validate-actions.mjs) and carry the config's secrets", () => {
    const dir = mkdtempSync(join(tmpdir(), "slipway-init-workflows-"));
    const files = initWorkflows("production", ["SECRET_KEY", "DATABASE_URL"]).map((f) => {
      const path = join(dir, f.path.replace(/^.*\//, ""));
      writeFileSync(path, f.text);
      return path;
    });
    const run = spawnSync(process.execPath, [join(ROOT, "scripts/validate-actions.mjs"), ...files], {
      cwd: ROOT,
      encoding: "utf8",
    });
    expect(run.stdout + run.stderr).toContain("2 of 2 action and workflow files valid");
    expect(run.status).toBe(0);
    const [deploy, rollback] = initWorkflows("production", ["SECRET_KEY"]).map((f) => parse(f.text));
    expect(deploy.jobs.deploy.steps[1].env).toEqual({ SECRET_KEY: "${{ secrets.SECRET_KEY }}" });
    expect(deploy.jobs.deploy.concurrency).toEqual({ group: "deploy-production", "cancel-in-progress": false });
    expect(deploy.jobs.validate.steps[1].with).toEqual({
      command: "validate",
      environment: "production",
      "github-token": "",
    });
    expect(rollback.on.workflow_dispatch.inputs.release.required).toBe(false);
    expect(rollback.jobs.rollback.steps[1].with.command).toBe("rollback");
  }, 30_000); // spawns node on the validator: seconds on a loaded machine
});
