/** uncommittedPaths and uncommittedId against a real git repository in a temporary directory (git is their reader). */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { uncommittedPaths } from "../../../src/build/git_info.js";
import { recordedCommit, uncommittedId } from "../../../src/deploy/uncommitted.js";

const repo = mkdtempSync(join(tmpdir(), "slipway-git-"));
const app = join(repo, "app");
const git = (...args: string[]) =>
  execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@t", ...args], { cwd: repo, stdio: "pipe" });
const noActions = {};

mkdirSync(app);
writeFileSync(join(app, "main.py"), "print(1)\n");
writeFileSync(join(repo, ".gitignore"), "*.log\n");
writeFileSync(join(app, "debug.log"), "ignored by git\n");
writeFileSync(join(repo, "README"), "top\n");
git("init", "-q");
git("add", "-A");
git("commit", "-q", "-m", "one");

afterAll(() => rmSync(repo, { recursive: true, force: true }));

describe("uncommittedId", () => {
  it("null for a clean tree, and outside git", async () => {
    expect(await uncommittedId(app, noActions)).toBeNull();
    expect(await uncommittedId(tmpdir(), noActions)).toBeNull();
  });

  it("the same id for the same edits, another for another edit; ignored files and other directories do not count", async () => {
    writeFileSync(join(app, "main.py"), "print(2)\n");
    const first = await uncommittedId(app, noActions);
    expect(first).toMatch(/^[0-9a-f]{12}$/);
    expect(await uncommittedId(app, noActions)).toBe(first);
    // A local database is untracked and not ignored by git, but never shipped: it does not count.
    writeFileSync(join(app, "local.db"), "x");
    writeFileSync(join(repo, "README"), "edited outside the release directory\n");
    expect(await uncommittedId(app, noActions)).toBe(first);
    writeFileSync(join(app, "new.py"), "print(3)\n");
    const second = await uncommittedId(app, noActions);
    expect(second).not.toBe(first);
    writeFileSync(join(app, "new.py"), "print(4)\n");
    expect(await uncommittedId(app, noActions)).not.toBe(second);
  });

  it("uncommittedPaths: every changed or untracked path under the directory, relative to it; ignored ones not", async () => {
    expect(await uncommittedPaths(app, noActions)).toEqual(["local.db", "main.py", "new.py"]);
  });

  it("null inside GitHub Actions: the checkout is GITHUB_SHA", async () => {
    expect(await uncommittedId(app, { GITHUB_ACTIONS: "true", GITHUB_SHA: "a".repeat(40) })).toBeNull();
  });
});

describe("recordedCommit", () => {
  it("the sha for a clean tree, <sha>-dirty.<id> otherwise", () => {
    expect(recordedCommit("0123abc", null)).toBe("0123abc");
    expect(recordedCommit("0123abc", "a1b2c3d4e5f6")).toBe("0123abc-dirty.a1b2c3d4e5f6");
  });
});
