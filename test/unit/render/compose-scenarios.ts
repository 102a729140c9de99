/** Compose models for seed 001 (Flask + SQLAlchemy instance volume) and seed 003 (FastAPI + Flask + DuckDB). */
import type { ComposeModel } from "../../../src/render/model.js";

const digest = (n: string) => n.repeat(64).slice(0, 64);

export const composeScenarios: Record<string, ComposeModel> = {
  /** Seed 001: one gunicorn web service, env_file, the `instance/` volume that must survive deploys. */
  "flask-instance-volume": {
    app: "frostbyte",
    color: "green",
    services: [
      {
        name: "web",
        image: `10.213.0.1:5000/frostbyte@sha256:${digest("a1")}`,
        ports: [{ hostPort: 18102, containerPort: 8102 }],
        envFile: "/etc/slipway/frostbyte/web-green.env",
        environment: { GUNICORN_CMD_ARGS: "--workers=1 --bind=0.0.0.0:8102", FLASK_ENV: "production" },
        volumes: [{ volume: "instance", target: "/instance" }],
        healthcheck: {
          test: ["CMD", "python3", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8102/')"],
          interval: "10s",
          timeout: "5s",
          retries: 3,
          startPeriod: "20s",
        },
        dependsOn: [],
        restart: "unless-stopped",
        memoryLimit: "512m",
        cpus: 1,
      },
    ],
    volumes: [{ key: "instance", name: "frostbyte_instance", external: true }],
  },

  /** Seed 003: backend healthy before the frontend starts; DuckDB's /app/data on a volume named for the app. */
  "fastapi-flask-duckdb": {
    app: "duckapp",
    color: "blue",
    services: [
      {
        name: "backend",
        image: `10.213.0.1:5000/duckapp-backend@sha256:${digest("b2")}`,
        command: ["uvicorn", "main:app", "--host", "0.0.0.0", "--port", "12015"],
        ports: [{ hostPort: 22015, containerPort: 12015 }],
        envFile: "/etc/slipway/duckapp/backend-blue.env",
        environment: { DUCKDB_PATH: "/app/data/app.db" },
        volumes: [{ volume: "data", target: "/app/data" }],
        healthcheck: {
          test: ["CMD-SHELL", "curl -fsS http://127.0.0.1:12015/health || exit 1"],
          interval: "10s",
          timeout: "3s",
          retries: 5,
          startPeriod: "15s",
        },
        dependsOn: [],
        restart: "unless-stopped",
        memoryLimit: "1g",
        cpus: 1.5,
        user: "1000:1000",
      },
      {
        name: "frontend",
        image: `10.213.0.1:5000/duckapp-frontend@sha256:${digest("c3")}`,
        ports: [{ hostPort: 22016, containerPort: 12016 }],
        environment: { BACKEND_URL: "http://backend:12015", SECRET_HINT: 'costs $5 "quoted" \\ back' },
        volumes: [],
        dependsOn: [{ service: "backend", condition: "service_healthy" }],
        restart: "unless-stopped",
        memoryLimit: "512m",
      },
    ],
    volumes: [{ key: "data", name: "duckapp_data", external: false }],
  },
};
