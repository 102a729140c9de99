import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConnectionPool, type SshRemoteHost } from "../../../src/remote/index.js";
import { target } from "./sandbox-targets.js";

const pool = new ConnectionPool();
let t1: SshRemoteHost;
beforeAll(async () => {
  t1 = await pool.get(target("t1"));
});
afterAll(() => pool.closeAll());

// Pieces that break naive quoting, mixed with arbitrary Unicode (no NUL: no shell argument can hold one).
const tricky = fc.constantFrom(
  "'",
  '"',
  "$",
  "`",
  "\\",
  "*",
  "?",
  "[a]",
  "{a,b}",
  "~",
  "!",
  "#",
  "&",
  ";",
  "|",
  "<",
  ">",
  "(",
  ")",
  " ",
  "\t",
  "\n",
  "\r",
  "-",
  "--",
  "-n",
  "$(id)",
  "${HOME}",
  "`id`",
  "'\\''",
  "é",
  "日本語",
  "😀",
  "\u00a0",
);
const chunk = fc.oneof(
  tricky,
  fc.string({ unit: "binary", maxLength: 6 }).map((s) => s.replaceAll("\0", "")),
);
const arg = fc.array(chunk, { maxLength: 6 }).map((parts) => parts.join(""));

describe("quoting round trip through the target's /bin/sh", () => {
  it("/bin/sh on the target is dash", async () => {
    expect((await t1.exec(["readlink", "-f", "/bin/sh"])).stdout.trim()).toBe("/usr/bin/dash");
  });

  it("1,000 random argv come back byte for byte", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(arg, { minLength: 1, maxLength: 5 }), async (argv) => {
        // exec quotes the argv with shJoin; the wrapper's /bin/sh (dash) parses it; printf echoes each argument.
        const { stdout } = await t1.exec(["printf", "%s\\0", ...argv]);
        expect(stdout).toBe(argv.map((a) => `${a}\0`).join(""));
      }),
      { numRuns: 1000 },
    );
  });
});
