import { describe, expect, it } from "vitest";
import { dockerBuildCommand, dockerPushArgv, ghaCacheAvailable } from "../../../src/build/commands.js";
import {
  registryLoginArgv as dockerLoginArgv,
  registryLogoutArgv as dockerLogoutArgv,
} from "../../../src/commands/docker-image.js";

const spec = {
  repository: "10.213.0.1:5000/shop/web",
  context: "examples/shop/web",
  dockerfile: "examples/shop/web/Dockerfile",
  tags: ["0123456789abcdef0123456789abcdef01234567", "main", "latest"],
  labels: {
    "org.opencontainers.image.source": "https://github.com/acme/shop",
    "org.opencontainers.image.revision": "0123456789abcdef0123456789abcdef01234567",
    "org.opencontainers.image.created": "2026-01-02T03:04:05Z",
  },
  buildArgs: { PYTHON: "3.11" },
};

describe("dockerBuildCommand", () => {
  it("uses the classic builder with DOCKER_BUILDKIT=0 when buildx is absent", () => {
    expect(dockerBuildCommand(spec, { buildx: false, ghaCache: false, push: true })).toEqual({
      argv: [
        "docker",
        "build",
        "--file",
        "examples/shop/web/Dockerfile",
        "--tag",
        "10.213.0.1:5000/shop/web:0123456789abcdef0123456789abcdef01234567",
        "--tag",
        "10.213.0.1:5000/shop/web:main",
        "--tag",
        "10.213.0.1:5000/shop/web:latest",
        "--label",
        "org.opencontainers.image.created=2026-01-02T03:04:05Z",
        "--label",
        "org.opencontainers.image.revision=0123456789abcdef0123456789abcdef01234567",
        "--label",
        "org.opencontainers.image.source=https://github.com/acme/shop",
        "--build-arg",
        "PYTHON=3.11",
        "examples/shop/web",
      ],
      env: { DOCKER_BUILDKIT: "0" },
    });
  });

  it("uses buildx with gha cache, secrets and platforms inside Actions", () => {
    const command = dockerBuildCommand(
      {
        ...spec,
        labels: {},
        buildArgs: {},
        dockerfile: undefined,
        tags: ["0123456789abcdef0123456789abcdef01234567"],
        secrets: [
          { id: "npmrc", src: "/home/runner/.npmrc" },
          { id: "token", env: "PIP_TOKEN" },
        ],
        platforms: ["linux/amd64", "linux/arm64"],
      },
      { buildx: true, ghaCache: true, cacheScope: "web", push: true },
    );
    expect(command).toEqual({
      argv: [
        "docker",
        "buildx",
        "build",
        "--tag",
        "10.213.0.1:5000/shop/web:0123456789abcdef0123456789abcdef01234567",
        "--platform",
        "linux/amd64,linux/arm64",
        "--secret",
        "id=npmrc,src=/home/runner/.npmrc",
        "--secret",
        "id=token,env=PIP_TOKEN",
        "--cache-from",
        "type=gha,scope=web",
        "--cache-to",
        "type=gha,scope=web,mode=max",
        "--push",
        "examples/shop/web",
      ],
      env: {},
    });
  });

  it("loads into the local store with buildx when not pushing, without gha cache outside Actions", () => {
    const command = dockerBuildCommand(
      { repository: "web", context: ".", tags: ["x"], labels: {}, target: "prod" },
      { buildx: true, ghaCache: false, push: false },
    );
    expect(command.argv).toEqual(["docker", "buildx", "build", "--target", "prod", "--tag", "web:x", "--load", "."]);
  });

  it("refuses what the classic builder cannot do", () => {
    const classic = { buildx: false, ghaCache: false, push: true };
    expect(() => dockerBuildCommand({ ...spec, secrets: [{ id: "a", env: "A" }] }, classic)).toThrow(/BuildKit/);
    expect(() => dockerBuildCommand({ ...spec, platforms: ["linux/amd64", "linux/arm64"] }, classic)).toThrow(/buildx/);
    expect(() =>
      dockerBuildCommand(
        { ...spec, platforms: ["linux/amd64", "linux/arm64"] },
        { buildx: true, ghaCache: false, push: false },
      ),
    ).toThrow(/pushed/);
  });

  it("keeps a single platform for the classic builder", () => {
    const command = dockerBuildCommand(
      { repository: "web", context: ".", tags: ["x"], labels: {}, platforms: ["linux/amd64"] },
      { buildx: false, ghaCache: false, push: true },
    );
    expect(command.argv).toEqual(["docker", "build", "--tag", "web:x", "--platform", "linux/amd64", "."]);
  });
});

describe("login, logout, push", () => {
  it("passes the password through stdin only", () => {
    expect(dockerLoginArgv("ghcr.io", "octocat")).toEqual([
      "docker",
      "login",
      "--username",
      "octocat",
      "--password-stdin",
      "ghcr.io",
    ]);
    expect(dockerLogoutArgv("ghcr.io")).toEqual(["docker", "logout", "ghcr.io"]);
    expect(dockerPushArgv("ghcr.io/acme/web", "main")).toEqual(["docker", "push", "ghcr.io/acme/web:main"]);
  });
});

describe("ghaCacheAvailable", () => {
  it("needs Actions, the runtime token and a cache URL", () => {
    expect(ghaCacheAvailable({})).toBe(false);
    expect(ghaCacheAvailable({ GITHUB_ACTIONS: "true", ACTIONS_RUNTIME_TOKEN: "t" })).toBe(false);
    expect(ghaCacheAvailable({ GITHUB_ACTIONS: "true", ACTIONS_RUNTIME_TOKEN: "t", ACTIONS_CACHE_URL: "u" })).toBe(
      true,
    );
    expect(ghaCacheAvailable({ GITHUB_ACTIONS: "true", ACTIONS_RUNTIME_TOKEN: "t", ACTIONS_RESULTS_URL: "u" })).toBe(
      true,
    );
  });
});
