import { describe, expect, it } from "vitest";
import { appNameOf, detectApp } from "../../../../src/config/init/detect.js";
import { DASH, FASTAPI_POSTGRES_COMPOSE, FLASK_SQLITE, tree } from "./trees.js";

describe("slipway init: detection", () => {
  it("Flask + SQLite without Docker (seed 002): systemd, gunicorn, the path env var, static/", () => {
    expect(detectApp(tree(FLASK_SQLITE), "Notes_App")).toEqual({
      app: "notes-app",
      runtime: "systemd",
      services: [
        {
          name: "web",
          context: ".",
          port: 5000,
          dockerfile: false,
          framework: "flask",
          server: "gunicorn",
          appModule: "app:app",
          healthPath: "/health",
          env: { DATABASE_PATH: "/var/lib/notes-app/notes-app.db" },
          secrets: ["SECRET_KEY"],
          volumes: [],
          dependsOn: [],
          staticDir: "static",
        },
      ],
      database: { engine: "sqlite", path: "/var/lib/notes-app/notes-app.db" },
      reasons: [
        "runtime systemd: no Dockerfile (the code is shipped and run by gunicorn/uvicorn under systemd)",
        "service web (.): flask, gunicorn app:app, port 5000, health /health",
        "static files: static/ served by nginx at /static/",
        "database: sqlite (sqlite in the code)",
        "the code reads the database path from DATABASE_PATH: set to /var/lib/notes-app/notes-app.db",
      ],
    });
  });

  it("FastAPI + Postgres in compose: the db an accessory with its password a secret, nginx left out", () => {
    const detection = detectApp(tree(FASTAPI_POSTGRES_COMPOSE), "shop");
    expect(detection.runtime).toBe("compose");
    expect(detection.services).toEqual([
      {
        name: "api",
        context: ".",
        port: 8000,
        dockerfile: true,
        env: { LOG_LEVEL: "info" },
        secrets: ["DATABASE_URL"],
        volumes: [],
        dependsOn: ["db"],
        framework: "fastapi",
        server: "uvicorn",
        appModule: "main:app",
        healthPath: "/healthz",
      },
      {
        name: "db",
        context: ".",
        image: "postgres:16",
        accessory: true,
        port: 5432,
        dockerfile: false,
        env: { POSTGRES_USER: "app" },
        secrets: ["POSTGRES_PASSWORD"],
        volumes: ["pgdata:/var/lib/postgresql/data"],
        dependsOn: [],
      },
    ]);
    expect(detection.database).toEqual({
      engine: "postgres",
      composeService: "db",
      passwordSecret: "POSTGRES_PASSWORD",
    });
    expect(detection.reasons).toEqual([
      "compose.yaml: services api, db",
      "compose.yaml: service nginx (nginx) left out: Slipway runs nginx on the host and routes to the app",
      "runtime compose: compose.yaml found",
      "service api (.): fastapi, uvicorn main:app, port 8000, health /healthz",
      "service db: image postgres:16 (a database server: accessory)",
      "database: postgres in service db",
    ]);
  });

  it("Dash: the Flask server behind it, port 8050", () => {
    const [web] = detectApp(tree(DASH), "board").services;
    expect(web).toMatchObject({ framework: "dash", server: "gunicorn", appModule: "board:server", port: 8050 });
  });

  it("--runtime overrides what the files suggest, and says so", () => {
    const detection = detectApp(tree(FLASK_SQLITE), "notes", "container");
    expect(detection.runtime).toBe("container");
    expect(detection.reasons[0]).toBe("runtime container: given with --runtime");
    // In a container the SQLite file lives in a named volume, mounted where the env var points.
    expect(detection.database).toEqual({ engine: "sqlite", path: "notes.db", volume: "notes-data" });
    expect(detection.services[0]?.volumes).toEqual(["notes-data:/app/data"]);
    expect(detection.services[0]?.env).toEqual({ DATABASE_PATH: "/app/data/notes.db" });
  });

  it("one service per subdirectory with a Dockerfile, backend first (examples/harvest's layout)", () => {
    const detection = detectApp(
      tree({
        "frontend/Dockerfile": "FROM python:3.12\nEXPOSE 8050\n",
        "frontend/app.py": "from flask import Flask\napp = Flask(__name__)\n",
        "backend/Dockerfile": "FROM python:3.12\nEXPOSE 5001\n",
        "backend/api.py": "from flask import Flask\napi = Flask(__name__)\n",
        "docs/README.md": "",
      }),
      "harvest",
    );
    expect(detection.runtime).toBe("container");
    expect(detection.services.map((s) => [s.name, s.context, s.port, s.appModule])).toEqual([
      ["backend", "backend", 5001, "api:api"],
      ["frontend", "frontend", 8050, "app:app"],
    ]);
  });

  it("no framework, no Dockerfile: still a service, with the gaps said", () => {
    const detection = detectApp(tree({ "README.md": "hello" }), "x");
    expect(detection.services[0]).toMatchObject({ name: "web", context: ".", port: 8000 });
    expect(detection.reasons).toContain(
      "service web (.): no Python framework found, port 8000, health / (no health route found)",
    );
  });

  it("app names: lower-case letters, digits and dashes, starting with a letter", () => {
    expect([appNameOf("My App"), appNameOf("2048"), appNameOf("__"), appNameOf("shop.v2")]).toEqual([
      "my-app",
      "app-2048",
      "app-1",
      "shop-v2",
    ]);
  });
});
