/** Every example config (paths relative to the repository root, where vitest runs). */
export const EXAMPLES = {
  harvest: "examples/harvest/slipway.yml",
  "harvest-subpath": "examples/harvest/slipway.subpath.yml",
  "duckdb-compose": "examples/duckdb-compose/slipway.yml",
  "flask-docker": "examples/flask-docker/slipway.yml",
} as const;
