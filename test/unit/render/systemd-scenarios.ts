/** Systemd units for the seed 000 (gunicorn, HARVEST) and seed 003 (uvicorn, FastAPI) scenarios. */
import type { SystemdUnitModel } from "../../../src/render/model.js";

const harvestBackend: SystemdUnitModel = {
  app: "harvest",
  service: "backend",
  description: "HARVEST Backend API Service (Gunicorn)",
  user: "harvest",
  group: "harvest",
  workingDirectory: "/opt/harvest/harvest",
  bindHost: "127.0.0.1",
  server: {
    kind: "gunicorn",
    binary: "/opt/harvest/venv/bin/gunicorn",
    app: "wsgi_be:app",
    workers: 4,
    timeoutSeconds: 120,
  },
  environmentFileDir: "/etc/slipway/harvest",
  environment: {
    HARVEST_DB: "/var/lib/harvest/harvest.db",
    HARVEST_DEPLOYMENT_MODE: "nginx",
    HARVEST_BACKEND_PUBLIC_URL: "https://yourdomain.com/api",
  },
  restart: "always",
  restartSeconds: 10,
  readWritePaths: ["/var/lib/harvest", "/opt/harvest/harvest/project_pdfs"],
  memoryMax: "2G",
  cpuQuota: "200%",
  limitNofile: 65535,
  after: [],
  wants: [],
};

export const systemdScenarios: Record<string, SystemdUnitModel> = {
  /** Internal mode: no nginx, the backend answers on 127.0.0.1 only. */
  "internal-backend": {
    ...harvestBackend,
    environment: { HARVEST_DEPLOYMENT_MODE: "internal" },
    readWritePaths: ["/opt/harvest/harvest"],
  },
  /** nginx mode with data outside the repository (seed 000 "Custom Paths"). */
  "harvest-backend": harvestBackend,
  /** The Dash frontend, ordered after the same color's backend. */
  "harvest-frontend": {
    ...harvestBackend,
    service: "frontend",
    description: "HARVEST Frontend Service (Gunicorn)",
    server: {
      kind: "gunicorn",
      binary: "/opt/harvest/venv/bin/gunicorn",
      app: "wsgi_fe:server",
      workers: 4,
      timeoutSeconds: 120,
    },
    environment: { PYTHONDONTWRITEBYTECODE: "1" },
    readWritePaths: [],
    after: ["harvest-backend@%i.service"],
    wants: ["harvest-backend@%i.service"],
  },
  /** Load-balanced backend: a load balancer on another host connects, so it binds all addresses. */
  "load-balanced-backend": { ...harvestBackend, bindHost: "0.0.0.0", environment: {} },
  /** Seed 003's FastAPI backend under uvicorn. */
  "uvicorn-backend": {
    ...harvestBackend,
    app: "duckapp",
    description: "DuckDB API (FastAPI)",
    user: "duckapp",
    group: "duckapp",
    workingDirectory: "/opt/duckapp/app",
    server: {
      kind: "uvicorn",
      binary: "/opt/duckapp/venv/bin/uvicorn",
      app: "main:app",
      workers: 1,
      extraArgs: ["--proxy-headers"],
    },
    environment: { DUCKDB_PATH: "/var/lib/duckapp/app.db" },
    environmentFileDir: "/etc/slipway/duckapp",
    readWritePaths: ["/var/lib/duckapp"],
    memoryMax: "1G",
    cpuQuota: null,
  },
};
