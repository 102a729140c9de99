/** In-memory app directories for init's tests, written from how the seeds and real users lay their apps out. */
import type { AppTree } from "../../../../src/config/init/detect.js";

export function tree(files: Record<string, string>): AppTree {
  return { files: Object.keys(files).sort(), text: (path) => files[path] };
}

/** Seed 002's words: a Flask app under gunicorn, nginx serving static/ first, a SQLite file; no Docker. */
export const FLASK_SQLITE = {
  "requirements.txt": "Flask==3.0.3\ngunicorn>=22\n",
  "app.py": [
    "import os",
    "import sqlite3",
    "from flask import Flask, jsonify",
    "",
    'DB_PATH = os.environ.get("DATABASE_PATH", "notes.db")',
    'app = Flask(__name__, static_folder="static")',
    'app.secret_key = os.environ["SECRET_KEY"]',
    "",
    '@app.route("/health")',
    "def health():",
    '    return jsonify(status="ok")',
    "",
    'if __name__ == "__main__":',
    "    app.run(port=5000)",
    "",
  ].join("\n"),
  "static/style.css": "body { margin: 0 }\n",
  "templates/index.html": "<h1>notes</h1>\n",
  "tests/test_app.py": 'def test_health(): assert "/api/health"\n',
};

/** A FastAPI API with Postgres in docker compose, and the nginx container such stacks ship with. */
export const FASTAPI_POSTGRES_COMPOSE = {
  "compose.yaml": [
    "services:",
    "  api:",
    "    build: .",
    "    ports: ['8000:8000']",
    "    environment:",
    "      DATABASE_URL: postgresql://app:${POSTGRES_PASSWORD}@db:5432/app",
    "      LOG_LEVEL: info",
    "    depends_on:",
    "      db: { condition: service_healthy }",
    "  db:",
    "    image: postgres:16",
    "    environment:",
    "      - POSTGRES_USER=app",
    "      - POSTGRES_PASSWORD=changeme",
    "    volumes: ['pgdata:/var/lib/postgresql/data']",
    "  nginx:",
    "    image: nginx:1.27",
    "    ports: ['80:80']",
    "volumes:",
    "  pgdata: {}",
    "",
  ].join("\n"),
  Dockerfile:
    'FROM python:3.12-slim\nCOPY . /app\nCMD ["uvicorn", "main:app", "--host", "0.0.0.0", "--port", "8000"]\n',
  "requirements.txt": "fastapi\nuvicorn[standard]\npsycopg[binary]\n",
  "main.py":
    'from fastapi import FastAPI\n\napp = FastAPI()\n\n@app.get("/healthz")\ndef healthz():\n    return {"ok": True}\n',
};

/** A Dash dashboard served through its Flask server, port 8050 by Dash's default. */
export const DASH = {
  "pyproject.toml": '[project]\nname = "board"\ndependencies = ["dash>=2", "gunicorn"]\n',
  "board.py": "import dash\n\napp = dash.Dash(__name__)\nserver = app.server\n",
};

/** Seed 001: Flask in Docker, Flask-SQLAlchemy reading DATABASE_URL with a relative SQLite default (instance/). */
export const FLASK_DOCKER_URL = {
  Dockerfile: 'FROM python:3.12-slim\nWORKDIR /app\nCOPY . /app\nEXPOSE 8887\nCMD ["gunicorn", "main:app"]\n',
  "main.py": [
    "import os",
    "from flask import Flask",
    "from flask_sqlalchemy import SQLAlchemy",
    "",
    "app = Flask(__name__)",
    'app.config["SQLALCHEMY_DATABASE_URI"] = os.environ.get("DATABASE_URL") or "sqlite:///notes.db"',
    "",
    '@app.route("/api/health")',
    "def health():",
    '    return {"status": "ok"}',
    "",
  ].join("\n"),
};

/** Seed 000: a Flask backend and a Dash-like frontend, each with a Dockerfile; the frontend relays to BACKEND_URL. */
export const FRONT_BACK = {
  "backend/Dockerfile": 'FROM python:3.12-slim\nEXPOSE 5001\nCMD ["gunicorn", "be:app"]\n',
  "backend/be.py": [
    "import os",
    "from flask import Flask",
    "app = Flask(__name__)",
    'DB = os.environ.get("DATABASE_PATH", "harvest.db")',
    '@app.get("/api/health")',
    "def health():",
    '    return "ok"',
    "",
  ].join("\n"),
  "frontend/Dockerfile": 'FROM python:3.12-slim\nEXPOSE 8050\nCMD ["gunicorn", "fe:server"]\n',
  "frontend/fe.py": [
    "import os",
    "from flask import Flask",
    "server = Flask(__name__)",
    'MODE = os.environ.get("DEPLOYMENT_MODE") or "internal"',
    'BACKEND = os.environ.get("BACKEND_URL") or "http://127.0.0.1:5001"',
    'PUBLIC = os.environ.get("BACKEND_PUBLIC_URL")',
    '@server.get("/health")',
    "def health():",
    '    return "ok" if MODE in ("internal", "nginx") else "?"',
    "",
  ].join("\n"),
};
