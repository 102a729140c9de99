import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { MissingSecretsError } from "../../../src/config/errors.js";
import { loadConfig } from "../../../src/config/load.js";
import { missingRunSecrets, requireSecrets, resolveSecrets, secretReferences } from "../../../src/config/secrets.js";
import { configWith } from "../render/from-config/config.js";

const full = fileURLToPath(new URL("../../fixtures/config/valid/full.yml", import.meta.url));

describe("secrets by name", () => {
  it("lists every referenced name with the keys using it", async () => {
    const config = await loadConfig(full);
    expect(secretReferences(config)).toEqual([
      { name: "REGISTRY_PASSWORD", usedBy: ["image.password_secret"] },
      { name: "SECRET_KEY", usedBy: ["services.backend.secrets"] },
      { name: "DB_PASSWORD", usedBy: ["services.backend.secrets", "database.password_secret"] },
      { name: "PIP_INDEX_TOKEN", usedBy: ["services.backend.build.secrets"] },
      { name: "APP2_SSH_KEY", usedBy: ["inventory.hosts.app2.private_key_secret"] },
      { name: "DATABASE_URL", usedBy: ["database.url_secret"] },
    ]);
  });

  it("resolves values from the environment and reports the missing ones (empty counts as missing)", async () => {
    const config = await loadConfig(full);
    const env = {
      REGISTRY_PASSWORD: "r",
      SECRET_KEY: "s",
      DB_PASSWORD: "",
      PIP_INDEX_TOKEN: "t",
      DATABASE_URL: "postgres://db/harvest",
    };
    const { values, missing } = resolveSecrets(config, env);
    expect(values).toEqual({
      REGISTRY_PASSWORD: "r",
      SECRET_KEY: "s",
      PIP_INDEX_TOKEN: "t",
      DATABASE_URL: "postgres://db/harvest",
    });
    expect(missing.map((m) => m.name)).toEqual(["DB_PASSWORD", "APP2_SSH_KEY"]);
  });

  it("requireSecrets throws one error naming every missing secret and where it is used", async () => {
    const config = await loadConfig(full);
    let error: unknown;
    try {
      requireSecrets(config, { REGISTRY_PASSWORD: "r", SECRET_KEY: "s", PIP_INDEX_TOKEN: "t", DATABASE_URL: "x" });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(MissingSecretsError);
    expect((error as MissingSecretsError).message).toBe(
      "missing secrets in the environment: DB_PASSWORD (services.backend.secrets, database.password_secret), APP2_SSH_KEY (inventory.hosts.app2.private_key_secret)",
    );
    expect((error as MissingSecretsError).hint).toContain("export");
  });

  it("a deploy's missing secrets come all at once: every service's and the database's (seed 004, D16)", () => {
    const config = configWith({
      runtime: "compose",
      services: {
        api: { build: { context: "api" }, port: 5000, secrets: ["VAULT_TOKEN", "MONGO_PASSWORD"] },
        query: { image_from: "api", port: 5001, secrets: ["VAULT_TOKEN", "MONGO_PASSWORD"] },
      },
      proxy: { routes: [{ path: "/", service: "api" }] },
      database: { engine: "mongodb", url_secret: "MONGO_URL", name: "cv3" },
    });
    const missing = missingRunSecrets(config, {}, {});
    expect(missing).toEqual([
      { name: "VAULT_TOKEN", usedBy: ["services.api.secrets", "services.query.secrets"] },
      { name: "MONGO_PASSWORD", usedBy: ["services.api.secrets", "services.query.secrets"] },
      { name: "MONGO_URL", usedBy: ["database.url_secret"] },
    ]);
    expect(new MissingSecretsError(missing).message).toBe(
      "missing secrets in the environment: VAULT_TOKEN (services.api.secrets, services.query.secrets), MONGO_PASSWORD (services.api.secrets, services.query.secrets), MONGO_URL (database.url_secret)",
    );
    // A host that runs only `query` needs query's and the database's; values or the environment satisfy a name.
    expect(missingRunSecrets(config, { VAULT_TOKEN: "v" }, { MONGO_URL: "mongodb://m/cv3" }, ["query"])).toEqual([
      { name: "MONGO_PASSWORD", usedBy: ["services.query.secrets"] },
    ]);
  });
});
