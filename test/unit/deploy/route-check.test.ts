import { describe, expect, it } from "vitest";
import { parseRouteCheck, routeCheckArgv } from "../../../src/deploy/nginx.js";
import { answerMismatch } from "../../../src/verify/judge.js";

const MARK = "__SLIPWAY_STATUS__:%{http_code}";

describe("route checks through nginx", () => {
  it("HTTPS with the site's name as SNI once the certificate exists; no redirect is followed", () => {
    expect(routeCheckArgv("/api/", "shop.example", { kind: "public", https: true })).toEqual([
      "curl",
      "--silent",
      "--show-error",
      "--max-time",
      "10",
      "--dump-header",
      "-",
      "--output",
      "-",
      "--write-out",
      `\n${MARK}`,
      "--resolve",
      "shop.example:443:127.0.0.1",
      "--insecure",
      "--",
      "https://shop.example/api/",
    ]);
  });

  it("plain HTTP with the Host header, on port 80 or the preview listener", () => {
    expect(routeCheckArgv("/", "shop.example", { kind: "public", https: false }).slice(-4)).toEqual([
      "--header",
      "Host: shop.example",
      "--",
      "http://127.0.0.1/",
    ]);
    expect(routeCheckArgv("/", "shop.example", { kind: "preview", port: 31234 }).slice(-2)).toEqual([
      "--",
      "http://127.0.0.1:31234/",
    ]);
  });

  it("reads status, the color header and the body", () => {
    const out =
      'HTTP/1.1 200 OK\r\nServer: nginx\r\nx-slipway-color: shop/green\r\n\r\n{"ok":1}\n__SLIPWAY_STATUS__:200';
    expect(parseRouteCheck(out, "shop")).toEqual({ status: 200, color: "green", foreign: null, body: '{"ok":1}' });
    expect(parseRouteCheck("curl: (7) refused", "shop")).toEqual({ status: 0, color: null, foreign: null, body: "" });
  });

  it("another app's color header is no color: the answer is that app's (D84)", () => {
    const out = "HTTP/1.1 200 OK\r\nX-Slipway-Color: blog/green\r\n\r\nhi\n__SLIPWAY_STATUS__:200";
    expect(parseRouteCheck(out, "shop")).toEqual({ status: 200, color: null, foreign: "blog", body: "hi" });
  });

  it("a bare color (a site rendered by an older Slipway) is read as before", () => {
    const out = "HTTP/1.1 200 OK\r\nX-Slipway-Color: blue\r\n\r\nhi\n__SLIPWAY_STATUS__:200";
    expect(parseRouteCheck(out, "shop")).toEqual({ status: 200, color: "blue", foreign: null, body: "hi" });
  });

  it("exactly the expected status passes: a redirect, a 404 or a 204 where 200 is expected fail", () => {
    const expected = { status: 200 };
    expect([200, 204, 301, 302, 308, 404, 403, 500, 502].map((code) => answerMismatch(expected, code, ""))).toEqual([
      null,
      "expected status 200, got 204",
      "expected status 200, got 301",
      "expected status 200, got 302",
      "expected status 200, got 308",
      "expected status 200, got 404",
      "expected status 200, got 403",
      "expected status 200, got 500",
      "expected status 200, got 502",
    ]);
    expect(answerMismatch({ status: 401 }, 401, "")).toBeNull();
    expect(answerMismatch({ status: 200, bodyContains: "ok" }, 200, "not here")).toBe(
      'status 200 but the body lacks "ok"',
    );
  });
});
