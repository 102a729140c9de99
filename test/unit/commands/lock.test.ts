import { describe, expect, it } from "vitest";
import { lockHeldArgv, takeLockArgv } from "../../../src/commands/lock.js";

describe("lock builders", () => {
  it("takes the lock with a plain mkdir (no -p: it must fail when held)", () => {
    expect(takeLockArgv("/opt/shop/.slipway-lock")).toEqual(["mkdir", "--", "/opt/shop/.slipway-lock"]);
    expect(lockHeldArgv("/opt/shop/.slipway-lock")).toEqual(["test", "-d", "/opt/shop/.slipway-lock"]);
  });
});
