import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { ResolvedHost } from "../../../src/config/inventory.js";
import type { SlipwayConfig } from "../../../src/config/schema.js";
import { redactorFor, secretValues } from "../../../src/config/secret-redactor.js";
import { keyPlacement, placeKey } from "../../../src/github/ssh-key.js";

const KEY =
  "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\nQyNTUxOQAAACA4WqNDrx\n-----END OPENSSH PRIVATE KEY-----\n";

describe("secretValues", () => {
  it("the key, the token, and every resolved config secret; the redactor masks the key line by line", () => {
    const config = {
      image: {},
      services: { api: { secrets: ["DB_PASSWORD"], build: { secrets: [] } } },
      inventory: { ssh: {}, hosts: {} },
    } as unknown as SlipwayConfig;
    const env = { DB_PASSWORD: "pw-123456" };
    expect(secretValues(config, [KEY, "ghs_token123", undefined, ""], env)).toEqual([KEY, "ghs_token123", "pw-123456"]);
    const forms = redactorFor(config, [KEY, "ghs_token123"], env).forms();
    expect(forms).toEqual(expect.arrayContaining(["b3BlbnNzaC1rZXktdjEAAAAA", "QyNTUxOQAAACA4WqNDrx", "pw-123456"]));
    expect(forms).not.toContain("-----END OPENSSH PRIVATE KEY-----");
  });
});

const host = (name: string, extra: Partial<ResolvedHost>) => ({ name, ...extra }) as ResolvedHost;

describe("SSH key placement", () => {
  it("env var for private_key_secret, file for identity_file, hosts with neither reported", () => {
    expect(
      keyPlacement(
        [
          host("a", { privateKeySecret: "DEPLOY_KEY" }),
          host("b", { identityFile: "keys/deploy" }),
          host("c", { identityFile: "keys/deploy" }),
          host("d", {}),
        ],
        "/repo",
      ),
    ).toEqual({ envNames: ["DEPLOY_KEY"], files: ["/repo/keys/deploy"], hostsWithoutKey: ["d"] });
  });

  it("writes a missing key file 0600, never overwrites one, sets only unset env vars", async () => {
    const dir = mkdtempSync(join(tmpdir(), "slipway-key-"));
    writeFileSync(join(dir, "existing"), "mine");
    const env: NodeJS.ProcessEnv = { PRESET: "kept" };
    const written = await placeKey(
      KEY,
      { envNames: ["DEPLOY_KEY", "PRESET"], files: [join(dir, "new/id"), join(dir, "existing")], hostsWithoutKey: [] },
      env,
    );
    expect(written).toEqual([join(dir, "new/id")]);
    expect(readFileSync(join(dir, "new/id"), "utf8")).toBe(KEY);
    expect(statSync(join(dir, "new/id")).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(dir, "existing"), "utf8")).toBe("mine");
    expect(env).toEqual({ PRESET: "kept", DEPLOY_KEY: KEY });
  });
});
