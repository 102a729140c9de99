import { describe, expect, it } from "vitest";
import { codeCachePath } from "../../../src/cli/_launch.js";

const sha = "eff9d0e87c51b67f0123456789abcdef0123456789abcdef0123456789abcdef";
const node = { version: "v20.20.2", arch: "x64" };

describe("codeCachePath", () => {
  it("keys the cache by bundle, Node version and CPU under ~/.cache/slipway", () => {
    expect(codeCachePath(sha, {}, "/home/ci", node)).toBe(
      "/home/ci/.cache/slipway/cli-eff9d0e87c51b67f-v20.20.2-x64.v8cache",
    );
  });

  it("follows XDG_CACHE_HOME when set", () => {
    expect(codeCachePath(sha, { XDG_CACHE_HOME: "/var/cache/u1" }, "/home/ci", node)).toBe(
      "/var/cache/u1/slipway/cli-eff9d0e87c51b67f-v20.20.2-x64.v8cache",
    );
  });

  it("an empty XDG_CACHE_HOME is unset, as the XDG spec says", () => {
    expect(codeCachePath(sha, { XDG_CACHE_HOME: "" }, "/root", node)).toBe(
      "/root/.cache/slipway/cli-eff9d0e87c51b67f-v20.20.2-x64.v8cache",
    );
  });

  it("another bundle or another Node gets its own file (V8 itself checks only the source's length)", () => {
    const other = codeCachePath(`0${sha.slice(1)}`, {}, "/h", node);
    expect(other).toBe("/h/.cache/slipway/cli-0ff9d0e87c51b67f-v20.20.2-x64.v8cache");
    expect(codeCachePath(sha, {}, "/h", { version: "v24.1.0", arch: "arm64" })).toBe(
      "/h/.cache/slipway/cli-eff9d0e87c51b67f-v24.1.0-arm64.v8cache",
    );
  });

  it("no home and no XDG_CACHE_HOME: no cache", () => {
    expect(codeCachePath(sha, {}, "", node)).toBeNull();
  });
});
