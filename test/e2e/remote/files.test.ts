import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConnectionPool, type SshRemoteHost } from "../../../src/remote/index.js";
import { target, uniqueToken } from "./sandbox-targets.js";

const pool = new ConnectionPool();
let t1: SshRemoteHost;
let dir: string;

beforeAll(async () => {
  t1 = await pool.get(target("t1"));
  dir = `/tmp/slipway-files-${uniqueToken()}`;
  await t1.mkdir(`${dir}/nested/deeper`);
});
afterAll(async () => {
  await t1.remove(dir, { recursive: true, become: true });
  await pool.closeAll();
});

const stat = async (path: string, become = false) =>
  (await t1.exec(["stat", "-c", "%y %a %U %G", "--", path], { become })).stdout.trim();

describe("putFile", () => {
  it("creates, then leaves unchanged content alone (mtime kept), then replaces and returns the previous", async () => {
    const path = `${dir}/app.conf`;
    const created = await t1.putFile(path, "v1\n");
    expect(created).toEqual({ changed: true, sha256: createHash("sha256").update("v1\n").digest("hex") });
    const before = await stat(path);
    expect(before).toMatch(/ 644 deploy deploy$/);

    const again = await t1.putFile(path, Buffer.from("v1\n"));
    expect(again).toMatchObject({ changed: false, previous: "v1\n" });
    expect(await stat(path)).toBe(before);

    const replaced = await t1.putFile(path, "v2\n", { backup: true });
    expect(replaced).toMatchObject({ changed: true, previous: "v1\n" });
    expect((await t1.readFile(path))?.toString()).toBe("v2\n");
    expect((await t1.readFile(`${path}.slipway-prev`))?.toString()).toBe("v1\n");
    const leftovers = await t1.exec(["sh", "-c", 'ls -A "$1" | grep slipway- || true', "sh", dir]);
    expect(leftovers.stdout).toBe("app.conf.slipway-prev\n");
  });

  it("sets mode and owner with become, and fixes metadata alone without rewriting", async () => {
    const path = `${dir}/secret.env`;
    expect(
      await t1.putFile(path, "A=1\n", { mode: 0o640, owner: "root", group: "www-data", become: true }),
    ).toMatchObject({ changed: true });
    const first = await stat(path, true);
    expect(first).toMatch(/ 640 root www-data$/);
    expect(
      await t1.putFile(path, "A=1\n", { mode: 0o640, owner: "root", group: "www-data", become: true }),
    ).toMatchObject({ changed: false });
    const fixed = await t1.putFile(path, "A=1\n", { mode: 0o600, owner: "root", become: true });
    expect(fixed).toMatchObject({ changed: true, previous: "A=1\n" });
    const after = await stat(path, true);
    expect(after).toMatch(/ 600 root www-data$/);
    expect(after.split(" ").slice(0, 3)).toEqual(first.split(" ").slice(0, 3));
  });

  it("keeps the existing mode when none is given", async () => {
    const path = `${dir}/script.sh`;
    await t1.putFile(path, "#!/bin/sh\n", { mode: 0o755 });
    await t1.putFile(path, "#!/bin/sh\necho hi\n");
    expect(await stat(path)).toMatch(/ 755 deploy deploy$/);
  });

  it("a reader polling during uploads only ever sees a whole old or whole new file", async () => {
    const path = `${dir}/big.bin`;
    const size = 4 * 1024 * 1024;
    const versions = ["A", "B", "C", "D"].map((c) => Buffer.alloc(size, c));
    await t1.putFile(path, versions[0] as Buffer);
    const hashes = versions.map((v) => createHash("sha256").update(v).digest("hex"));
    const stopFile = `${dir}/stop-reader`;
    // The reader runs on the host, hashing the file as fast as it can until told to stop; it prints every hash.
    const reader = t1.exec([
      "sh",
      "-c",
      'n=0; while [ ! -e "$2" ]; do sha256sum < "$1" | cut -d" " -f1; n=$((n+1)); done; echo "reads=$n"',
      "sh",
      path,
      stopFile,
    ]);
    for (let round = 0; round < 3; round++) {
      for (const version of versions) await t1.putFile(path, version);
    }
    await t1.exec(["touch", stopFile]);
    const output = (await reader).stdout.trim().split("\n");
    const reads = output.pop();
    expect(reads).toMatch(/^reads=\d+$/);
    const unexpected = output.filter((hash) => !hashes.includes(hash));
    expect(unexpected).toEqual([]);
    expect(new Set(output).size).toBeGreaterThan(1);
  });
});

describe("readFile, mkdir, remove", () => {
  it("reads bytes exactly, returns undefined when absent, refuses to read without permission", async () => {
    const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => 255 - i));
    await t1.putFile(`${dir}/bytes`, bytes);
    expect((await t1.readFile(`${dir}/bytes`))?.equals(bytes)).toBe(true);
    expect(await t1.readFile(`${dir}/missing`)).toBeUndefined();
    await expect(t1.readFile("/etc/shadow")).rejects.toThrow(/exit code 1/);
    expect((await t1.readFile("/etc/shadow", { become: true }))?.toString()).toContain("root:");
  });

  it("mkdir -p with a mode, remove a tree", async () => {
    await t1.mkdir(`${dir}/a/b/c`, { mode: 0o750 });
    expect(await stat(`${dir}/a/b/c`)).toMatch(/ 750 deploy deploy$/);
    await t1.remove(`${dir}/a`, { recursive: true });
    expect(await t1.readFile(`${dir}/a/b/c`)).toBeUndefined();
    await t1.remove(`${dir}/never-existed`);
  });
});
