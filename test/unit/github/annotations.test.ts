import { describe, expect, it } from "vitest";
import type { ConfigIssue } from "../../../src/config/issues.js";
import { configAnnotations } from "../../../src/github/annotations.js";

const issue = (over: Partial<ConfigIssue>): ConfigIssue => ({
  file: "slipway.yml",
  line: 4,
  col: 11,
  path: ["services", "web", "port"],
  message: "expected a number, found a string",
  ...over,
});

describe("config problems as annotations", () => {
  it("one per problem, on its line and column, without a CLI hint", () => {
    expect(configAnnotations([issue({})], "/home/runner/work/shop/shop")).toEqual([
      {
        message: "services.web.port: expected a number, found a string",
        properties: { title: "slipway config", file: "slipway.yml", startLine: 4, startColumn: 11 },
      },
    ]);
  });

  it("the same problem reported twice is one annotation; the same message on two lines is two", () => {
    const twice = [issue({}), issue({}), issue({ line: 9 })];
    expect(configAnnotations(twice, undefined).map((a) => a.properties.startLine)).toEqual([4, 9]);
  });

  it("an absolute path inside the workspace becomes repository-relative (how GitHub places it on the diff)", () => {
    const [a] = configAnnotations(
      [issue({ file: "/home/runner/work/shop/shop/deploy/slipway.yml" })],
      "/home/runner/work/shop/shop",
    );
    expect(a?.properties.file).toBe("deploy/slipway.yml");
    const [b] = configAnnotations([issue({ file: "/etc/slipway.yml" })], "/home/runner/work/shop/shop");
    expect(b?.properties.file).toBe("/etc/slipway.yml");
  });

  it("a problem in an environment overlay names the overlay's path", () => {
    const [a] = configAnnotations([issue({ environment: "staging", path: ["proxy", "domains"] })], undefined);
    expect(a?.message).toBe("environments.staging.proxy.domains: expected a number, found a string");
  });
});
