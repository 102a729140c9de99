import { describe, expect, it } from "vitest";
import { ConnectionError } from "../../../src/errors.js";
import {
  backoffDelay,
  connectionError,
  isAuthFailure,
  isTransientConnectError,
} from "../../../src/remote/connect-errors.js";

const err = (message: string, extra: Record<string, unknown> = {}) => Object.assign(new Error(message), extra);
const ctx = {
  name: "t1",
  host: "10.213.0.11",
  port: 22,
  user: "deploy",
  key: { source: "/keys/id_ed25519", fingerprint: "ssh-ed25519 SHA256:abc" },
  attempts: 1,
};

describe("isTransientConnectError", () => {
  it("retries refused, reset, unreachable and timeouts", () => {
    expect(isTransientConnectError(err("connect ECONNREFUSED", { code: "ECONNREFUSED" }))).toBe(true);
    expect(isTransientConnectError(err("x", { code: "EHOSTUNREACH" }))).toBe(true);
    expect(isTransientConnectError(err("Timed out while waiting for handshake", { level: "client-timeout" }))).toBe(
      true,
    );
    expect(isTransientConnectError(err("(SSH) Channel open failure: Connection refused"))).toBe(true);
  });

  it("never retries authentication or unknown failures", () => {
    const auth = err("All configured authentication methods failed", { level: "client-authentication" });
    expect(isTransientConnectError(auth)).toBe(false);
    expect(isAuthFailure(auth)).toBe(true);
    expect(isTransientConnectError(err("Host denied (verification failed)"))).toBe(false);
    expect(isTransientConnectError(err("getaddrinfo ENOTFOUND nohost", { code: "ENOTFOUND" }))).toBe(false);
  });
});

describe("connectionError", () => {
  it("says which user and which key were refused", () => {
    const error = connectionError(
      err("All configured authentication methods failed", { level: "client-authentication" }),
      ctx,
    );
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.message).toBe("permission denied (publickey) for deploy@10.213.0.11");
    expect(error.host).toBe("t1");
    expect(error.step).toBe("connect");
    expect(error.hint).toContain('user "deploy" with key /keys/id_ed25519 (ssh-ed25519 SHA256:abc)');
    expect(error.hint).toContain("~deploy/.ssh/authorized_keys on 10.213.0.11");
  });

  it("reports attempts and the route for network failures", () => {
    const error = connectionError(err("connect ECONNREFUSED 10.213.0.12:22", { code: "ECONNREFUSED" }), {
      ...ctx,
      host: "10.213.0.12",
      attempts: 3,
      via: "t1",
    });
    expect(error.message).toBe(
      "cannot connect to deploy@10.213.0.12 via t1 after 3 attempts: connect ECONNREFUSED 10.213.0.12:22",
    );
  });
});

describe("backoffDelay", () => {
  it("doubles from the base with jitter between 80% and 120%", () => {
    expect(backoffDelay(1, 500, () => 0.5)).toBe(500);
    expect(backoffDelay(2, 500, () => 0.5)).toBe(1000);
    expect(backoffDelay(3, 500, () => 0)).toBe(1600);
    expect(backoffDelay(3, 500, () => 1)).toBe(2400);
  });
});
