/**
 * D74: the deploy's and `slipway backup`'s database spec names the compose project of `database.compose_service`
 * (helper mode's docker gate lists the app's own projects only; without a project any app's `db` would match).
 */
import { describe, expect, it } from "vitest";
import { databaseSpec } from "../../../src/deploy/backup-step.js";
import { loadConfigText } from "../../support/config-text.js";

function yaml(accessory: boolean): string {
  return `app: shop
runtime: compose
${accessory ? "" : "strategy: stop-first\n"}deploy_dir: /opt/shop
image: { registry: "10.0.0.9:5000", repository: shop/app }
services:
  web:
    build: { context: web }
    port: 8000
  db:
    image: postgres:16
    port: 5432
${accessory ? "    accessory: true\n" : ""}    volumes: ["shop-pgdata:/var/lib/postgresql/data"]
database:
  engine: postgres
  compose_service: db
  name: shop
inventory:
  ssh: { user: deploy }
  hosts:
    t1: { address: 10.0.0.1 }
proxy:
  domains: [shop.example]
  routes: [{ path: /, service: web }]
`;
}

describe("databaseSpec: the compose project of the database's service", () => {
  it("an accessory: <app>-accessories, whatever color is live", async () => {
    const config = await loadConfigText(yaml(true));
    for (const live of [null, "blue", "green"] as const) {
      expect(databaseSpec(config, {}, live)?.location).toEqual({
        kind: "service",
        compose: { project: "shop-accessories", service: "db" },
      });
    }
  });

  it("a service of the colors (stop-first): the live color's project; before any deploy, none", async () => {
    const config = await loadConfigText(yaml(false));
    expect(databaseSpec(config, {}, "green")?.location).toEqual({
      kind: "service",
      compose: { project: "shop-green", service: "db" },
    });
    expect(databaseSpec(config, {}, null)?.location).toEqual({
      kind: "service",
      compose: { project: undefined, service: "db" },
    });
  });
});
