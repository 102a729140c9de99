import { describe, expect, it } from "vitest";
import { parseImagesInput, readInputs } from "../../../src/github/inputs.js";

const getter = (values: Record<string, string>) => (name: string) => values[name] ?? "";

describe("readInputs", () => {
  it("defaults: deploy slipway.yml, no restore", () => {
    expect(readInputs(getter({}))).toEqual({
      config: "slipway.yml",
      environment: undefined,
      command: "deploy",
      release: undefined,
      restoreDb: false,
      limit: [],
      versionEnv: {},
      forceUnlock: false,
      sshPrivateKey: undefined,
      githubToken: undefined,
    });
  });

  it("config and lock-wait: the merged-config command; the wait in seconds, a bare number refused", () => {
    expect(readInputs(getter({ command: "config" })).command).toBe("config");
    expect(readInputs(getter({ "lock-wait": "10m" })).lockWaitSeconds).toBe(600);
    expect(() => readInputs(getter({ "lock-wait": "10" }))).toThrow("input lock-wait: 10: expected a duration");
  });

  it("rollback with release and restore-db; the key keeps a final newline", () => {
    expect(
      readInputs(
        getter({
          command: "Rollback",
          release: " abc-1 ",
          "restore-db": "true",
          "ssh-private-key": "-----BEGIN KEY-----\nAAA\n-----END KEY-----",
          environment: "production",
        }),
      ),
    ).toMatchObject({
      command: "rollback",
      release: "abc-1",
      restoreDb: true,
      environment: "production",
      sshPrivateKey: "-----BEGIN KEY-----\nAAA\n-----END KEY-----\n",
    });
  });

  it("rejects an unknown command, a release outside rollback and a non-boolean restore-db", () => {
    expect(() => readInputs(getter({ command: "destroy" }))).toThrow(
      'input command: "destroy" is not one of deploy, plan, rollback, validate, config, maintenance-on, maintenance-off',
    );
    expect(() => readInputs(getter({ release: "x" }))).toThrow("input release is only for command rollback");
    expect(() => readInputs(getter({ "restore-db": "yes" }))).toThrow('input restore-db: "yes" is not a boolean');
  });

  it("limit, version-env and force-unlock as a workflow writes them", () => {
    expect(
      readInputs(
        getter({
          limit: "web1, web-*\nworker1\n",
          "version-env": "APP_VERSION=2.0.0\n# a comment\n\nFEATURE=a=b\n",
          "force-unlock": "true",
        }),
      ),
    ).toMatchObject({
      limit: ["web1", "web-*", "worker1"],
      versionEnv: { APP_VERSION: "2.0.0", FEATURE: "a=b" },
      forceUnlock: true,
    });
  });

  it("a version-env line without = names the line and the form", () => {
    expect(() => readInputs(getter({ "version-env": "APP_VERSION" }))).toThrow(
      "input version-env: APP_VERSION: expected KEY=VALUE",
    );
  });

  it("force-unlock must be a boolean", () => {
    expect(() => readInputs(getter({ "force-unlock": "yes" }))).toThrow('input force-unlock: "yes" is not a boolean');
  });
});

describe("images input", () => {
  const digest = `sha256:${"a".repeat(64)}`;

  it("service=reference lines, as a build job's outputs compose them", () => {
    expect(parseImagesInput(`web=ghcr.io/acme/web@${digest}\nworker=ghcr.io/acme/worker:1.2@${digest}\n`)).toEqual({
      web: `ghcr.io/acme/web@${digest}`,
      worker: `ghcr.io/acme/worker:1.2@${digest}`,
    });
  });

  it("a JSON object", () => {
    expect(parseImagesInput(`{"web": "ghcr.io/acme/web@${digest}"}`)).toEqual({ web: `ghcr.io/acme/web@${digest}` });
  });

  it("a tag without a digest is refused: a tag can move between the build job and the deploy job", () => {
    expect(() => parseImagesInput("web=ghcr.io/acme/web:latest")).toThrow(
      'input images: web: "ghcr.io/acme/web:latest" has no digest',
    );
  });

  it("a truncated digest (a copy-paste that lost characters) is refused", () => {
    expect(() => parseImagesInput("web=ghcr.io/acme/web@sha256:abc")).toThrow("input images: web: invalid digest");
  });

  it("broken JSON and non-string values say what is expected", () => {
    expect(() => parseImagesInput('{"web": ')).toThrow("input images: not valid JSON");
    expect(() => parseImagesInput('{"web": 1}')).toThrow("input images: every value must be an image reference string");
  });

  it("the bare digest output (no service name) is refused with the form to use", () => {
    expect(() => parseImagesInput(digest)).toThrow(`input images: ${digest}: expected KEY=VALUE`);
  });
});
