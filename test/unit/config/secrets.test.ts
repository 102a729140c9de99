import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { MissingSecretsError } from "../../../src/config/errors.js";
import { loadConfig } from "../../../src/config/load.js";
import { requireSecrets, resolveSecrets, secretReferences } from "../../../src/config/secrets.js";

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
});
