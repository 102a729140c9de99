import { describe, expect, it } from "vitest";
import { acquireLock, describeHolder } from "../../../src/deploy/lock.js";
import type { ExecResult, RemoteHost } from "../../../src/remote/types.js";

const HOLDER = { holder: "alice", commit: "abc1234", since: "2026-11-20T10:00:00.000Z" };

/** A host where the lock directory already exists (held by HOLDER) until something removes it. */
function hostWithHeldLock() {
  let held = true;
  const commands: string[][] = [];
  const ok = (code: number): ExecResult => ({ code, signal: null, stdout: "", stderr: "", durationMs: 0 });
  const host = {
    name: "t9",
    async exec(argv: readonly string[]) {
      commands.push([...argv]);
      if (argv[0] === "mkdir") {
        if (held) return ok(1);
        held = true;
        return ok(0);
      }
      if (argv[0] === "rm") held = false;
      return ok(0);
    },
    async readFile() {
      return Buffer.from(JSON.stringify(HOLDER));
    },
    async putFile() {
      return { changed: true, sha256: "" };
    },
  } as unknown as RemoteHost;
  return { host, commands };
}

describe("deploy lock", () => {
  it("describes the holder with commit and time", () => {
    expect(describeHolder(HOLDER)).toBe("alice (commit abc1234) since 2026-11-20T10:00:00.000Z");
    expect(describeHolder(undefined)).toBe("an unknown holder");
  });

  it("a held lock fails naming holder, commit, time and --force-unlock, and is not removed", async () => {
    const { host, commands } = hostWithHeldLock();
    const error = await acquireLock(host, "/opt/x/.slipway-lock", "bob", "def5678").catch((e: unknown) => e);
    expect(String(error)).toContain("held by alice (commit abc1234) since 2026-11-20T10:00:00.000Z");
    expect((error as { hint?: string }).hint).toContain("--force-unlock");
    expect(commands.some((c) => c[0] === "rm")).toBe(false);
  });

  it("--force-unlock removes the held lock, says whose it was, and takes it", async () => {
    const { host, commands } = hostWithHeldLock();
    const said: string[] = [];
    await acquireLock(host, "/opt/x/.slipway-lock", "bob", "def5678", { force: true, say: (l) => said.push(l) });
    expect(said).toEqual([
      "--force-unlock: removing the lock /opt/x/.slipway-lock held by alice (commit abc1234) since 2026-11-20T10:00:00.000Z",
    ]);
    expect(commands).toEqual([
      ["mkdir", "--", "/opt/x/.slipway-lock"],
      ["rm", "-rf", "--", "/opt/x/.slipway-lock"],
      ["mkdir", "--", "/opt/x/.slipway-lock"],
    ]);
  });
});
