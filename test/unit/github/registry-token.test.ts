import { describe, expect, it } from "vitest";
import { runnerCredentials } from "../../../src/build/login.js";
import { exportRegistryToken } from "../../../src/github/deploy-action.js";

describe("github-token for the runner's push to ghcr.io", () => {
  it("the input becomes the ghcr.io login of the image push (the runner sets no GITHUB_TOKEN for an action)", () => {
    const env: NodeJS.ProcessEnv = { GITHUB_ACTOR: "octocat" };
    expect(runnerCredentials("ghcr.io", undefined, env)).toBeNull();
    exportRegistryToken(env, "ghs_input");
    expect(runnerCredentials("ghcr.io", undefined, env)).toEqual({ username: "octocat", password: "ghs_input" });
  });

  it("an explicit GITHUB_TOKEN in the step's env wins; other registries never get the token", () => {
    const env: NodeJS.ProcessEnv = { GITHUB_TOKEN: "ghp_explicit" };
    exportRegistryToken(env, "ghs_input");
    expect(env.GITHUB_TOKEN).toBe("ghp_explicit");
    expect(runnerCredentials("registry.example:5000", undefined, env)).toBeNull();
  });

  it("no token input (github-token: ''), nothing set", () => {
    const env: NodeJS.ProcessEnv = {};
    exportRegistryToken(env, undefined);
    expect(env).toEqual({});
  });
});
