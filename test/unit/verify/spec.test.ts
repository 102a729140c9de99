import { describe, expect, it } from "vitest";
import { joinUrl, parseList, parseRouteChecks } from "../../../src/verify/spec.js";

describe("parseRouteChecks", () => {
  it("reads path, status and body substring, defaulting to 200", () => {
    expect(parseRouteChecks('/\n# comment\n/api/health 200 "ok"\n\n/missing 404')).toEqual([
      { path: "/", status: 200 },
      { path: "/api/health", status: 200, bodyContains: '"ok"' },
      { path: "/missing", status: 404 },
    ]);
  });

  it("rejects a line without a path and names the line", () => {
    expect(() => parseRouteChecks("/\napi/health")).toThrow(/routes line 2: "api\/health" must start with a path/);
  });

  it("rejects a status that is not an HTTP code", () => {
    expect(() => parseRouteChecks("/ 2000")).toThrow(/"2000" is not an HTTP status code/);
  });
});

describe("helpers", () => {
  it("joins URLs with exactly one slash", () => {
    expect(joinUrl("https://a.test/", "/x")).toBe("https://a.test/x");
    expect(joinUrl("https://a.test/harvest", "api")).toBe("https://a.test/harvest/api");
  });
  it("splits lists and drops blanks", () => {
    expect(parseList(" Strict-Transport-Security \n\nX-Frame-Options")).toEqual([
      "Strict-Transport-Security",
      "X-Frame-Options",
    ]);
    expect(parseList(undefined)).toEqual([]);
  });
});
