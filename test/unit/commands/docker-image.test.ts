import { describe, expect, it } from "vitest";
import {
  containerImagesArgv,
  imageIdArgv,
  inspectImagesArgv,
  listContainersArgv,
  listRepositoryImagesArgv,
  loadArgv,
  pullArgv,
  pullQuietArgv,
  registryLoginArgv,
  registryLogoutArgv,
  removeImageArgv,
  saveArgv,
  tagArgv,
} from "../../../src/commands/docker-image.js";

const DIGEST = `reg/shop@sha256:${"a".repeat(64)}`;

describe("docker image builders", () => {
  it("pulls by digest only", () => {
    expect(pullArgv(DIGEST)).toEqual(["docker", "pull", DIGEST]);
    expect(() => pullArgv("reg/shop:latest")).toThrow(/by digest/);
    expect(pullQuietArgv("nginx:1.27")).toEqual(["docker", "pull", "--quiet", "nginx:1.27"]);
  });

  it("image id, with `--` before a reference from user input", () => {
    expect(imageIdArgv("reg/shop:1")).toEqual(["docker", "image", "inspect", "--format", "{{.Id}}", "reg/shop:1"]);
    expect(imageIdArgv("-x", true)).toEqual(["docker", "image", "inspect", "--format", "{{.Id}}", "--", "-x"]);
  });

  it("tag, load, save, login (password on stdin), logout", () => {
    expect(tagArgv("a", "b")).toEqual(["docker", "image", "tag", "a", "b"]);
    expect(loadArgv()).toEqual(["docker", "image", "load"]);
    expect(saveArgv(["a", "b"])).toEqual(["docker", "image", "save", "a", "b"]);
    expect(registryLoginArgv("ghcr.io", "octocat")).toEqual([
      "docker",
      "login",
      "--username",
      "octocat",
      "--password-stdin",
      "ghcr.io",
    ]);
    expect(registryLogoutArgv("ghcr.io")).toEqual(["docker", "logout", "ghcr.io"]);
  });

  it("prune's listings and removal", () => {
    expect(listRepositoryImagesArgv("reg/shop")).toEqual([
      "docker",
      "image",
      "ls",
      "--no-trunc",
      "--format",
      "{{.ID}}",
      "reg/shop",
    ]);
    expect(inspectImagesArgv(["sha256:1"])).toEqual(["docker", "image", "inspect", "sha256:1"]);
    expect(listContainersArgv()).toEqual(["docker", "container", "ls", "--all", "--quiet", "--no-trunc"]);
    expect(containerImagesArgv(["c1"])).toEqual(["docker", "container", "inspect", "--format", "{{.Image}}", "c1"]);
    expect(removeImageArgv(["a", "b"])).toEqual(["docker", "image", "rm", "a", "b"]);
  });
});
