import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { LOCK_RECORD_FAILED, lockHeldArgv, releaseLockArgv, takeLockArgv } from "../../../src/commands/lock.js";

/** Runs a builder's argv with the real sh; exit code and stdout/stderr. */
function sh(argv: readonly string[]) {
  const [program, ...args] = argv;
  try {
    return { code: 0, out: execFileSync(program as string, args, { encoding: "utf8", stdio: "pipe" }) };
  } catch (e) {
    const error = e as { status: number; stdout: string; stderr: string };
    return { code: error.status, out: error.stdout, err: error.stderr };
  }
}

const RECORD = JSON.stringify({ holder: "bob", commit: "c", since: "s", run_id: "42-1" });

describe("lock builders", () => {
  it("take: a plain mkdir (no -p: it must fail when held) and the record, in one sh script", () => {
    expect(takeLockArgv("/opt/shop/.slipway-lock", RECORD)).toEqual([
      "sh",
      "-c",
      [
        'mkdir -- "$1" || exit 1',
        "umask 022",
        `printf '%s\\n' "$2" > "$1/.holder.tmp" && mv -fT -- "$1/.holder.tmp" "$1/holder" && exit 0`,
        `rm -f -- "$1/.holder.tmp"; rmdir -- "$1"; exit 4`,
      ].join("\n"),
      "slipway-lock",
      "/opt/shop/.slipway-lock",
      RECORD,
    ]);
    expect(lockHeldArgv("/opt/shop/.slipway-lock")).toEqual(["test", "-d", "/opt/shop/.slipway-lock"]);
  });

  it("take (run by sh): the first run gets the lock with its record (0644), the second fails with mkdir's words", () => {
    const lock = join(mkdtempSync(join(tmpdir(), "lock-")), ".slipway-lock");
    expect(sh(takeLockArgv(lock, RECORD)).code).toBe(0);
    expect(readFileSync(join(lock, "holder"), "utf8")).toBe(`${RECORD}\n`);
    expect(statSync(join(lock, "holder")).mode & 0o777).toBe(0o644);
    const second = sh(takeLockArgv(lock, "{}"));
    expect(second.code).toBe(1);
    expect(second.err).toContain("File exists");
    expect(readFileSync(join(lock, "holder"), "utf8")).toBe(`${RECORD}\n`);
  });

  it("take (run by sh): a record that cannot be written fails with its own code, no record in place", () => {
    const lock = join(mkdtempSync(join(tmpdir(), "lock-")), ".slipway-lock");
    // The write fails (here: its temp name is taken by a directory, made right after the lock's mkdir).
    const [, , script = "", ...rest] = takeLockArgv(lock, RECORD);
    const failing = script.replace("umask 022", 'mkdir -- "$1/.holder.tmp"; umask 022');
    const failed = sh(["sh", "-c", failing, ...rest]);
    expect(failed.code).toBe(LOCK_RECORD_FAILED);
    expect(existsSync(join(lock, "holder"))).toBe(false);
  });

  it("release (run by sh): removes only a lock whose record names the run", () => {
    const dir = mkdtempSync(join(tmpdir(), "unlock-"));
    const lock = join(dir, ".slipway-lock");
    expect(sh(releaseLockArgv(lock, "42-1")).out).toBe("not-held\n");
    sh(takeLockArgv(lock, RECORD));
    expect(sh(releaseLockArgv(lock, "42")).out).toBe("held-by-other\n");
    expect(sh(releaseLockArgv(lock, "42-")).out).toBe("held-by-other\n");
    expect(existsSync(lock)).toBe(true);
    expect(sh(releaseLockArgv(lock, "42-1")).out).toBe("released\n");
    expect(existsSync(lock)).toBe(false);
    // A lock directory without a record (its holder died between mkdir and record) is someone else's.
    sh(["mkdir", lock]);
    expect(sh(releaseLockArgv(lock, "42-1")).out).toBe("held-by-other\n");
    writeFileSync(join(lock, "holder"), "alice\n");
    expect(sh(releaseLockArgv(lock, "42-1")).out).toBe("held-by-other\n");
  });
});
