import { describe, expect, it } from "vitest";
import { curlArgv, curlFailure, healthy, parseCurl, requestSeconds } from "../../../src/verify/probe.js";

describe("the HTTP probe on a host (deploy health gate and http_wait)", () => {
  it("builds curl's argv and reads status and body back", () => {
    const wait = {
      url: "http://127.0.0.1:8001/health",
      status: 200,
      body_contains: "ok",
      timeout_s: 5,
      interval_s: 1,
      successes: 1,
    };
    expect(curlArgv(wait)).toEqual([
      "curl",
      "--silent",
      "--show-error",
      "--max-time",
      "5",
      "--output",
      "-",
      "--write-out",
      "\n__SLIPWAY_STATUS__:%{http_code}",
      "--",
      "http://127.0.0.1:8001/health",
    ]);
    expect(healthy(wait, parseCurl('{"ok":true}\n__SLIPWAY_STATUS__:200'))).toBe(true);
    expect(healthy(wait, parseCurl("down\n__SLIPWAY_STATUS__:503"))).toBe(false);
  });

  it("sends a Host header when asked and caps each try at 5 intervals", () => {
    const probe = {
      url: "http://127.0.0.1:80/",
      status: 200,
      timeout_s: 30,
      interval_s: 2,
      successes: 2,
      host_header: "example.com",
    };
    expect(curlArgv(probe).slice(3, 5)).toEqual(["--max-time", "10"]);
    expect(curlArgv(probe).slice(-4)).toEqual(["--header", "Host: example.com", "--", "http://127.0.0.1:80/"]);
  });

  it("is healthy only on exactly the expected status with the body substring; no answer is status 0", () => {
    const probe = {
      url: "http://127.0.0.1:8001/",
      status: 200,
      body_contains: "ok",
      timeout_s: 5,
      interval_s: 1,
      successes: 1,
    };
    expect(parseCurl("curl: (7) refused")).toEqual({ status: 0, body: "curl: (7) refused" });
    expect(healthy(probe, { status: 200, body: "all ok" })).toBe(true);
    expect(healthy(probe, { status: 200, body: "starting" })).toBe(false);
    expect(healthy(probe, { status: 301, body: "ok" })).toBe(false);
    expect(healthy({ ...probe, body_contains: undefined }, { status: 200, body: "" })).toBe(true);
  });

  it("bounds each request by request_timeout_s (0.1 s resolution), else five intervals, at least 1 s", () => {
    const probe = { url: "http://127.0.0.1:8001/", status: 200, timeout_s: 30, interval_s: 0.1, successes: 1 };
    expect(requestSeconds(probe)).toBe(1);
    expect(requestSeconds({ ...probe, interval_s: 2 })).toBe(10);
    expect(requestSeconds({ ...probe, request_timeout_s: 0.25 })).toBe(0.3);
    expect(curlArgv({ ...probe, request_timeout_s: 3 }).slice(3, 5)).toEqual(["--max-time", "3"]);
  });
});

describe("curlFailure", () => {
  it("names curl's exit codes a probe meets; an answer, a kill or another code is none", () => {
    expect([6, 7, 28, 35, 52, 56, 60].map(curlFailure)).toEqual([
      "resolve",
      "refused",
      "timeout",
      "tls",
      "empty reply",
      "reset",
      "tls",
    ]);
    expect([0, null, 22, 1].map(curlFailure)).toEqual([undefined, undefined, undefined, undefined]);
  });
});
