import { describe, expect, it } from "vitest";
import { readInputs } from "../../../src/github/inputs.js";

const getter = (values: Record<string, string>) => (name: string) => values[name] ?? "";

describe("readInputs", () => {
  it("defaults: deploy slipway.yml, no restore", () => {
    expect(readInputs(getter({}))).toEqual({
      config: "slipway.yml",
      environment: undefined,
      command: "deploy",
      release: undefined,
      restoreDb: false,
      sshPrivateKey: undefined,
      githubToken: undefined,
    });
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
      'input command: "destroy" is not one of deploy, plan, rollback, validate',
    );
    expect(() => readInputs(getter({ release: "x" }))).toThrow("input release is only for command rollback");
    expect(() => readInputs(getter({ "restore-db": "yes" }))).toThrow('input restore-db: "yes" is not a boolean');
  });
});
