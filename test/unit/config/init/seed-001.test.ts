/**
 * D81: `slipway init` on seed 001's compose project: examples/flask-docker's app files with the seed's compose file
 * and `.env` (test/fixtures/init/seed-001), put together in a temporary directory. Every `env_file` name it says it carries is in `secrets`, and the compose
 * file's own DATABASE_URL and its data directory are kept, said in the output and the config's comments.
 */
import { copyFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { detectApp } from "../../../../src/config/init/detect.js";
import { readAppTree } from "../../../../src/config/init/read-tree.js";
import { initConfigYaml } from "../../../../src/config/init/write.js";
import { validateConfigText } from "../../../../src/config/load.js";
import { FLASK_DOCKER_URL, tree } from "./trees.js";

const ROOT = resolve(import.meta.dirname, "../../../..");
/** The app files the seed shares with examples/flask-docker, as they are there (not copied into the fixture). */
const APP_FILES = [".dockerignore", "Dockerfile", "gunicorn.conf.py", "main.py", "models.py", "release_info.py"];

function seedTree(): string {
  const dir = mkdtempSync(join(tmpdir(), "slipway-seed-001-"));
  for (const name of APP_FILES) copyFileSync(resolve(ROOT, "examples/flask-docker", name), join(dir, name));
  for (const name of ["docker-compose.yml", ".env"]) {
    copyFileSync(resolve(ROOT, "test/fixtures/init/seed-001", name), join(dir, name));
  }
  return dir;
}
const SEED = seedTree();
const answers = { hosts: [{ name: "t10", address: "10.213.0.20" }], schema: "schema/slipway.schema.json" };

const KEPT =
  "DATABASE_URL=sqlite:////app/instance/app.db kept from the compose file; its bind mount ./instance:/app/instance is the named volume nu-s001-instance at /app/instance (the servers have no ./instance; a named volume is kept across deploys and backed up): copy your instance/app.db into it before the first deploy to keep its data";
const ENV_FILE =
  "env_file .env: SECRET_KEY, ADMIN_PASSWORD carried as secrets (names only; set their values in the deploy's environment)";
const COMMAND =
  "command `gunicorn --bind 0.0.0.0:8102 --workers 2 main:app` not carried: the image's CMD runs instead (set services.backend.command to keep it)";

function validates(text: string): void {
  const result = validateConfigText(text, resolve(ROOT, "slipway.yml"), { environment: "production" });
  expect(result.issues).toEqual([]);
}

describe("slipway init on seed 001's compose project (D81)", () => {
  const detection = detectApp(readAppTree(SEED), "nu-s001");
  const backend = detection.services[0];

  it("carries every env_file name as a secret, beside what the code reads", () => {
    expect(backend?.secrets).toEqual(["SECRET_KEY", "ADMIN_PASSWORD"]);
  });

  it("keeps the compose DATABASE_URL; its bind-mounted directory becomes a named volume", () => {
    expect(backend?.env).toEqual({
      FLASK_ENV: "production",
      DATABASE_URL: "sqlite:////app/instance/app.db",
      CORS_ORIGINS: "https://user.github.io",
    });
    expect(backend?.volumes).toEqual(["nu-s001-instance:/app/instance"]);
    expect(backend?.bindMounts).toBeUndefined();
    expect(detection.database).toEqual({ engine: "sqlite", path: "app.db", volume: "nu-s001-instance", note: KEPT });
  });

  it("says each choice, and the compose keys it does not carry", () => {
    expect(detection.reasons).toEqual([
      "docker-compose.yml: services backend",
      `docker-compose.yml: service backend: ${ENV_FILE}`,
      `docker-compose.yml: service backend: ${COMMAND}`,
      "runtime compose: docker-compose.yml found",
      "service backend (.): flask, gunicorn main:app, port 8102, health /api/health",
      "database: sqlite (sqlite in the code)",
      KEPT,
    ]);
  });

  it("writes the same into slipway.yml, with the notes as comments, and it validates", () => {
    const text = initConfigYaml(detection, answers);
    const config = parse(text);
    expect(config.services.backend.secrets).toEqual(["SECRET_KEY", "ADMIN_PASSWORD"]);
    expect(config.services.backend.env.DATABASE_URL).toBe("sqlite:////app/instance/app.db");
    expect(config.services.backend.volumes).toEqual(["nu-s001-instance:/app/instance"]);
    expect(config.database).toEqual({ engine: "sqlite", path: "app.db", volume: "nu-s001-instance" });
    expect(text).toContain(
      `  # flask app in ., main:app; health: its own route\n  # compose ${ENV_FILE}\n  # compose ${COMMAND}\n  backend:\n`,
    );
    expect(text).toContain(
      `# database: sqlite (sqlite in the code); backed up before each deploy\n# ${KEPT}\ndatabase:\n`,
    );
    validates(text);
  });
});

describe("slipway init: a compose file's database location", () => {
  const compose = (environment: string, volumes: string) =>
    [
      "services:",
      "  web:",
      "    build: .",
      "    ports: ['8887:8887']",
      "    environment:",
      `      - ${environment}`,
      ...(volumes ? ["    volumes:", `      - ${volumes}`] : []),
      "    restart: unless-stopped",
      "    networks: [front]",
      "",
    ].join("\n");

  it("on a named volume: kept as it is, the file relative to the volume", () => {
    const files = { ...FLASK_DOCKER_URL, "compose.yaml": compose("DATABASE_URL=sqlite:////srv/db/x.db", "db:/srv") };
    const detection = detectApp(tree(files), "notes");
    expect(detection.services[0]?.env.DATABASE_URL).toBe("sqlite:////srv/db/x.db");
    expect(detection.services[0]?.volumes).toEqual(["db:/srv"]);
    expect(detection.database).toEqual({
      engine: "sqlite",
      path: "db/x.db",
      volume: "db",
      note: "DATABASE_URL=sqlite:////srv/db/x.db kept from the compose file: the database db/x.db on its volume db",
    });
    expect(detection.reasons).toContain(
      "compose.yaml: service web: not carried: networks (set what the app needs under services.web; see docs/config.md)",
    );
    validates(initConfigYaml(detection, answers));
  });

  it("on no volume: replaced by one on the app's volume, and said (not silently)", () => {
    const files = { ...FLASK_DOCKER_URL, "compose.yaml": compose("DATABASE_URL=sqlite:///app.db", "./src:/app/src") };
    const detection = detectApp(tree(files), "notes");
    const note =
      "the compose file's DATABASE_URL=sqlite:///app.db is on no volume a deploy keeps: replaced by sqlite:////app/data/notes.db";
    expect(detection.services[0]?.env.DATABASE_URL).toBe("sqlite:////app/data/notes.db");
    expect(detection.services[0]?.volumes).toEqual(["notes-data:/app/data"]);
    expect(detection.database).toEqual({ engine: "sqlite", path: "notes.db", volume: "notes-data", note });
    expect(detection.reasons).toContain(note);
    expect(detection.reasons).toContain(
      "compose.yaml: service web: bind mount ./src:/app/src not carried: the servers have no such directory (a named volume `name:/path` in services.web.volumes keeps data across deploys)",
    );
    const text = initConfigYaml(detection, answers);
    expect(text).toContain(`# ${note}\ndatabase:\n`);
    validates(text);
  });
});
