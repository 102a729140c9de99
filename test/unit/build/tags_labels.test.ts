import { describe, expect, it } from "vitest";
import { gitInfoFromEnv } from "../../../src/build/git_info.js";
import { ociLabels, stripCredentials } from "../../../src/build/labels.js";
import { runnerCredentials } from "../../../src/build/login.js";
import { branchToTag, imageTags } from "../../../src/build/tags.js";

const SHA = "0123456789abcdef0123456789abcdef01234567";

describe("imageTags", () => {
  it("tags with the full SHA, the branch and optionally latest", () => {
    expect(imageTags({ commitSha: SHA, branch: "main" })).toEqual([SHA, "main"]);
    expect(imageTags({ commitSha: SHA, branch: "feature/Login-v2", latest: true })).toEqual([
      SHA,
      "feature-Login-v2",
      "latest",
    ]);
    expect(imageTags({ commitSha: SHA, branch: null, latest: true })).toEqual([SHA, "latest"]);
    expect(imageTags({ commitSha: SHA, branch: "latest", latest: true })).toEqual([SHA, "latest"]);
  });

  it("refuses a short SHA", () => {
    expect(() => imageTags({ commitSha: "0123456" })).toThrow(/full 40/);
    expect(() => imageTags({ commitSha: `${SHA}-dirty.x` })).toThrow(/full 40/);
  });

  it("tags a build of uncommitted changes with its `<sha>-dirty.<id>` alone, never the branch or latest (D41)", () => {
    const dirty = `${SHA}-dirty.bed5e4e8f61b`;
    expect(imageTags({ commitSha: dirty, branch: "main", latest: true })).toEqual([dirty]);
  });
});

describe("branchToTag", () => {
  it.each([
    ["main", "main"],
    ["refs/heads/release/1.2", "release-1.2"],
    ["feature//weird  name!", "feature-weird-name"],
    ["-.hidden", "hidden"],
    ["dependabot/npm_and_yarn/zod-4.1", "dependabot-npm_and_yarn-zod-4.1"],
    ["ünïcode", "n-code"],
    ["///", null],
    ["x".repeat(300), "x".repeat(128)],
  ])("%s -> %s", (branch, tag) => {
    expect(branchToTag(branch)).toBe(tag);
  });
});

describe("ociLabels", () => {
  it("stamps source, revision and created (RFC 3339, seconds)", () => {
    expect(
      ociLabels({
        source: "https://x-access-token:ghs_secret@github.com/acme/shop.git",
        revision: SHA,
        created: new Date("2026-01-02T03:04:05.678Z"),
      }),
    ).toEqual({
      "org.opencontainers.image.source": "https://github.com/acme/shop",
      "org.opencontainers.image.revision": SHA,
      "org.opencontainers.image.created": "2026-01-02T03:04:05Z",
    });
  });

  it("turns scp-style remotes into https and omits an unknown source", () => {
    expect(stripCredentials("git@github.com:acme/shop.git")).toBe("https://github.com/acme/shop");
    expect(ociLabels({ revision: SHA, created: new Date(0) })).toEqual({
      "org.opencontainers.image.revision": SHA,
      "org.opencontainers.image.created": "1970-01-01T00:00:00Z",
    });
  });
});

describe("gitInfoFromEnv", () => {
  it("reads a push and a pull request in Actions", () => {
    const base = {
      GITHUB_ACTIONS: "true",
      GITHUB_SHA: SHA,
      GITHUB_SERVER_URL: "https://github.com",
      GITHUB_REPOSITORY: "acme/shop",
    };
    expect(gitInfoFromEnv({ ...base, GITHUB_REF_TYPE: "branch", GITHUB_REF_NAME: "main" })).toEqual({
      commitSha: SHA,
      branch: "main",
      source: "https://github.com/acme/shop",
    });
    expect(gitInfoFromEnv({ ...base, GITHUB_HEAD_REF: "fix/x", GITHUB_REF_NAME: "12/merge" }).branch).toBe("fix/x");
    expect(gitInfoFromEnv({ ...base, GITHUB_REF_TYPE: "tag", GITHUB_REF_NAME: "v1" }).branch).toBeNull();
    expect(gitInfoFromEnv({ GITHUB_SHA: SHA })).toEqual({});
  });
});

describe("runnerCredentials", () => {
  it("prefers explicit credentials, then GITHUB_TOKEN for ghcr.io", () => {
    expect(runnerCredentials("r:5000", { username: "u", password: "p" }, {})).toEqual({ username: "u", password: "p" });
    expect(runnerCredentials("ghcr.io", undefined, { GITHUB_TOKEN: "ghs_x", GITHUB_ACTOR: "octocat" })).toEqual({
      username: "octocat",
      password: "ghs_x",
    });
    expect(runnerCredentials("r:5000", undefined, { GITHUB_TOKEN: "ghs_x" })).toBeNull();
  });
});
