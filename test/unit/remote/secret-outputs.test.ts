/**
 * Where secrets could leak besides log lines: validation errors that echo a value put where a secret's name belongs,
 * diffs of private files, and the CLI's --json result.
 */
import { describe, expect, it } from "vitest";
import { validateConfigText } from "../../../src/config/load.js";
import { unifiedDiff as taskDiff } from "../../../src/engine/reporter.js";
import { unifiedDiff } from "../../../src/install/validated.js";
import { isPrivateMode, Redactor, SECRET_CONTENT_CHANGED } from "../../../src/remote/redact.js";

const CONFIG = `app: demo
runtime: systemd
image:
  password_secret: "Sup3r$ecret value"
services:
  web:
    port: 8000
    secrets: ["s3cr3t-literal-pw", DB_URL]
inventory:
  hosts:
    h1: { address: 10.0.0.1, user: deploy }
database:
  engine: postgres
  url_secret: "postgres://u:pw@db/x"
`;

describe("validation errors never echo a value put where a secret's name belongs", () => {
  const result = validateConfigText(CONFIG, "slipway.yml");
  const text = result.issues.map((i) => `${i.line}:${i.col} ${i.message}`).join("\n");

  it("names the key and what is expected, without the value", () => {
    expect(result.ok).toBe(false);
    for (const leaked of ["Sup3r", "s3cr3t-literal-pw", "postgres://u:pw"]) expect(text).not.toContain(leaked);
    expect(text).toContain(
      "4:20 expected the name of an environment variable holding the secret (like DB_PASSWORD), not the secret itself",
    );
    expect(result.issues.map((i) => i.path.join("."))).toEqual(
      expect.arrayContaining(["image.password_secret", "services.web.secrets.0", "database.url_secret"]),
    );
  });
});

describe("private (0600) files are never diffed", () => {
  it("a mode without group/other bits is private", () => {
    expect([0o600, 0o400, 0o700, 0o640, 0o644, undefined].map(isPrivateMode)).toEqual([
      true,
      true,
      true,
      false,
      false,
      false,
    ]);
  });

  it("render installs and engine tasks say only that the content changed", () => {
    const env = {
      path: "/srv/app/env/web-blue.env",
      before: 'DB_PASSWORD="old-pw"\n',
      after: 'DB_PASSWORD="new-pw"\n',
    };
    expect(unifiedDiff([{ ...env, secret: true }])).toBe(
      `--- ${env.path}\n+++ ${env.path}\n${SECRET_CONTENT_CHANGED}\n`,
    );
    expect(taskDiff({ ...env, before: "", after: "", secret: true })).toBe(
      `--- ${env.path}\n+++ ${env.path}\n${SECRET_CONTENT_CHANGED}`,
    );
    // A public file still gets its diff.
    expect(unifiedDiff([env])).toContain('-DB_PASSWORD="old-pw"');
  });
});

describe("--json results", () => {
  it("are redacted value by value", () => {
    const result = { ok: false, hosts: [{ name: "t1", error: "curl -u bot:hunter2-pw failed" }] };
    expect(JSON.stringify(new Redactor(["hunter2-pw"]).redactValue(result))).toBe(
      '{"ok":false,"hosts":[{"name":"t1","error":"curl -u bot:*** failed"}]}',
    );
  });
});
