/**
 * Issue 11 / seed 004: a database server beside a blue-green compose app runs once, outside the colors: its own
 * project and network, no published port, its secrets in its own env file; the colors join its network and never
 * list it (nor wait for it through depends_on, which compose cannot do across projects).
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseConfigText } from "../../../../src/config/load.js";
import { renderCompose } from "../../../../src/render/compose.js";
import {
  accessoriesComposeFromConfig,
  composeFromConfig,
  renderFromConfig,
} from "../../../../src/render/from-config/index.js";

const DIGEST = `@sha256:${"0".repeat(64)}`;
const images = { web: `r/web${DIGEST}`, db: `r/db${DIGEST}` };
const config = () =>
  parseConfigText(
    readFileSync("test/fixtures/config/valid/postgres-accessory-blue-green.yml", "utf8"),
    "/tmp/slipway.yml",
  );

describe("accessories (runtime compose)", () => {
  it("renders the accessories' project: no color, no published port, secrets from its own env file", () => {
    const model = accessoriesComposeFromConfig(config(), images);
    expect(model && renderCompose(model)).toBe(
      [
        "# Managed by Slipway: project shop-accessories.",
        "services:",
        "  db:",
        `    image: r/db${DIGEST}`,
        "    env_file:",
        "      - /opt/shop/env/db.env",
        "    volumes:",
        "      - pg-data:/var/lib/postgresql/data",
        "    cap_drop:",
        "      - ALL",
        "    security_opt:",
        "      - no-new-privileges:true",
        "    restart: unless-stopped",
        "    logging:",
        "      driver: json-file",
        "      options:",
        "        max-size: 10m",
        '        max-file: "5"',
        "volumes:",
        "  pg-data:",
        "    name: pg-data",
        "networks:",
        "  default:",
        "    name: shop-accessories",
        "",
      ].join("\n"),
    );
  });

  it("leaves the accessory out of each color, which joins the accessories' network", () => {
    for (const color of ["blue", "green"] as const) {
      const text = renderCompose(composeFromConfig(config(), { color, images }));
      expect(text).not.toContain("  db:");
      expect(text).not.toContain("depends_on");
      expect(text).toContain("    networks:\n      - default\n      - accessories\n");
      expect(text.endsWith("networks:\n  accessories:\n    name: shop-accessories\n    external: true\n")).toBe(true);
      expect(text).toContain("SLIPWAY_DB_URL=http://db:5432");
    }
  });

  it("slipway render shows the accessories' files once, whatever the colors", () => {
    const files = renderFromConfig(config(), {
      color: "blue",
      tlsReady: false,
      images,
      secrets: { POSTGRES_PASSWORD: "pa$w", DATABASE_URL: "postgres://u@db/shop" },
    });
    const paths = files.filter((f) => f.kind === "env-file" || f.kind === "compose").map((f) => f.path);
    expect(paths).toEqual([
      "/opt/shop/env/web-blue.env",
      "/opt/shop/compose/blue/compose.yml",
      "/opt/shop/env/web-green.env",
      "/opt/shop/compose/green/compose.yml",
      "/opt/shop/env/db.env",
      "/opt/shop/compose/accessories/compose.yml",
    ]);
    expect(files.find((f) => f.path === "/opt/shop/env/db.env")).toMatchObject({
      content: "# Managed by Slipway.\nPOSTGRES_PASSWORD='pa$w'\n",
      mode: 0o600,
    });
  });

  it("a config without accessories renders no network (unchanged compose files)", () => {
    const plain = config();
    delete plain.services.db;
    plain.services.web = { ...(plain.services.web as NonNullable<typeof plain.services.web>), depends_on: [] };
    expect(accessoriesComposeFromConfig(plain, images)).toBeNull();
    expect(renderCompose(composeFromConfig(plain, { color: "blue", images }))).not.toContain("networks");
  });
});
