/**
 * scripts/e2e-lanes.mjs: which e2e file runs first, in which lane at which target offset, or solo. run-tests.mjs runs
 * what it says and test.sh starts as many sandbox targets as it counts, so a wrong split is two files racing on one host.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../../..");
const SCRIPT = join(ROOT, "scripts/e2e-lanes.mjs");

interface Split {
  lanes: { name: string; runs: { offset: number; files: string[] }[]; seconds: number }[];
  first: string[];
  solo: string[];
}
// A plain .mjs: tsc reads no types from it (no allowJs), so its exports are declared here.
const script: {
  LANES: Record<string, string[]>;
  TARGETS_PER_LANE: number;
  fileTargets(file: string): string[] | undefined;
  lanes(): Split;
  splitLanes(targets: Record<string, string[] | undefined>, durations: Record<string, number>): Split;
  listLines(split: Split): string[];
  sandboxTargetCount(split?: Split): number;
} = await import(pathToFileURL(SCRIPT).href);
const { LANES, TARGETS_PER_LANE, fileTargets, lanes, splitLanes, listLines, sandboxTargetCount } = script;

const lane = (name: string, own: string[], offset: number, spanning: string[], seconds: number) => ({
  name,
  runs: [
    { offset: 0, files: own },
    { offset, files: spanning },
  ],
  seconds,
});

describe("splitLanes", () => {
  // Unknown durations (span-unknown, foundation/inventory) count 60 s: at 0 s the dealing below would differ.
  const targets = {
    "test/e2e/foundation/sandbox.test.ts": undefined,
    "test/e2e/x/span-unknown.test.ts": ["t2", "t3"],
    "test/e2e/x/span-short.test.ts": ["t1", "t4"],
    "test/e2e/build/push.test.ts": undefined,
    "test/e2e/x/b-only.test.ts": ["t4", "t5", "t6"],
    "test/e2e/x/span-long.test.ts": ["t1", "t2"],
    "test/e2e/foundation/inventory.test.ts": [],
    "test/e2e/x/a-only.test.ts": ["t1", "t8"],
    "test/e2e/examples/build.test.ts": undefined,
  };
  const durations = {
    "test/e2e/x/a-only.test.ts": 100,
    "test/e2e/x/b-only.test.ts": 200,
    "test/e2e/x/span-long.test.ts": 90,
    "test/e2e/x/span-short.test.ts": 50,
    "test/e2e/gone.test.ts": 999,
  };
  const split = splitLanes(targets, durations);

  it("puts target-less foundation files first, other target-less files solo, `none` in lane a, and deals the spanning files longest first to the least loaded lane", () => {
    // a: 100 + 60 own; span-long 90 -> a (160 < 200); span-unknown 60 -> b (200 < 250); span-short 50 -> a (250 < 260).
    expect(split).toEqual({
      lanes: [
        lane(
          "a",
          ["test/e2e/foundation/inventory.test.ts", "test/e2e/x/a-only.test.ts"],
          9,
          ["test/e2e/x/span-long.test.ts", "test/e2e/x/span-short.test.ts"],
          300,
        ),
        lane("b", ["test/e2e/x/b-only.test.ts"], 18, ["test/e2e/x/span-unknown.test.ts"], 260),
      ],
      first: ["test/e2e/foundation/sandbox.test.ts"],
      solo: ["test/e2e/build/push.test.ts", "test/e2e/examples/build.test.ts"],
    });
    expect(sandboxTargetCount(split)).toBe(27);
  });

  it("gives the first nine spare targets to whichever lane alone runs spanning files", () => {
    const only = splitLanes(
      { "test/e2e/a.test.ts": ["t1"], "test/e2e/b.test.ts": ["t2"], "test/e2e/ab.test.ts": ["t1", "t2"] },
      { "test/e2e/a.test.ts": 500, "test/e2e/b.test.ts": 10, "test/e2e/ab.test.ts": 20 },
    );
    expect(only.lanes).toEqual([
      lane("a", ["test/e2e/a.test.ts"], 0, [], 500),
      lane("b", ["test/e2e/b.test.ts"], 9, ["test/e2e/ab.test.ts"], 30),
    ]);
    expect(sandboxTargetCount(only)).toBe(18);
    expect(sandboxTargetCount(splitLanes({ "test/e2e/a.test.ts": ["t1"] }, {}))).toBe(9);
  });

  it("breaks ties by name among equal spanning files and towards lane a among equal lanes", () => {
    const tied = splitLanes({ "test/e2e/z.test.ts": ["t1", "t2"], "test/e2e/y.test.ts": ["t1", "t2"] }, {});
    expect(tied.lanes).toEqual([
      lane("a", [], 9, ["test/e2e/y.test.ts"], 60),
      lane("b", [], 18, ["test/e2e/z.test.ts"], 60),
    ]);
  });

  it("refuses a target outside t1..t9, named or in a pragma, with the file", () => {
    expect(() => splitLanes({ "test/e2e/x.test.ts": ["t1", "t10"] }, {})).toThrow(
      "test/e2e/x.test.ts names t10: a test names t1..t9 (a lane's run shifts them by its offset)",
    );
    expect(() => splitLanes({ "test/e2e/y.test.ts": ["t1,t3"] }, {})).toThrow("test/e2e/y.test.ts names t1,t3");
    const file = join(mkdtempSync(join(tmpdir(), "slipway-lanes-")), "z.test.ts");
    writeFileSync(file, "// e2e-targets: none t1\n");
    expect(() => fileTargets(file)).toThrow(`${file}: "e2e-targets: none" names targets too`);
  });

  it("lists each lane's runs in order, then first, then solo, one `<where> <file>` a line", () => {
    expect(listLines(split)).toEqual([
      "a test/e2e/foundation/inventory.test.ts",
      "a test/e2e/x/a-only.test.ts",
      "a test/e2e/x/span-long.test.ts",
      "a test/e2e/x/span-short.test.ts",
      "b test/e2e/x/b-only.test.ts",
      "b test/e2e/x/span-unknown.test.ts",
      "first test/e2e/foundation/sandbox.test.ts",
      "solo test/e2e/build/push.test.ts",
      "solo test/e2e/examples/build.test.ts",
    ]);
  });
});

describe("the split of test/e2e", () => {
  const split = lanes();
  const targetsOf = (file: string) => fileTargets(join(ROOT, file));
  const e2eFiles = readdirSync(join(ROOT, "test/e2e"), { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".test.ts"))
    .map((f) => `test/e2e/${f}`);

  it("runs first only the foundation files that name no target, solo the other target-less ones", () => {
    expect(split.first).toEqual(["test/e2e/foundation/targets.test.ts"]);
    expect(split.first).toEqual(e2eFiles.filter((f) => f.startsWith("test/e2e/foundation/") && !targetsOf(f)).sort());
    expect(split.solo).toEqual([
      "test/e2e/build/build_push_pull.test.ts",
      "test/e2e/build/cli_build.test.ts",
      "test/e2e/build/credentials.test.ts",
      "test/e2e/build/prune.test.ts",
      "test/e2e/build/stream_delivery.test.ts",
      "test/e2e/examples/build.test.ts",
    ]);
  });

  it("places every e2e file exactly once", () => {
    const placed = [...split.lanes.flatMap((l) => l.runs.flatMap((r) => r.files)), ...split.first, ...split.solo];
    expect(placed.sort()).toEqual(e2eFiles.sort());
  });

  it("never lets two lanes use the same sandbox target", () => {
    expect(Object.values(LANES).flat().sort()).toEqual(["t1", "t2", "t3", "t4", "t5", "t6", "t7", "t8", "t9"]);
    const inOneLane = (ts: string[]) => Object.values(LANES).some((own) => ts.every((t) => own.includes(t)));
    const number = (t: string) => Number(t.slice(1));
    const used = split.lanes.map(({ name, runs: [own, spanning] }) => {
      for (const file of own!.files) expect(LANES[name], file).toEqual(expect.arrayContaining(targetsOf(file)!));
      // Shifted by the offset, a spanning file's names above t9 would land on the next lane's targets.
      for (const file of spanning!.files) {
        expect(inOneLane(targetsOf(file)!), file).toBe(false);
        expect(Math.max(...targetsOf(file)!.map(number)), file).toBeLessThanOrEqual(TARGETS_PER_LANE);
      }
      return [
        ...own!.files.flatMap((f) => targetsOf(f)!),
        ...spanning!.files.flatMap((f) => targetsOf(f)!.map((t) => `t${number(t) + spanning!.offset}`)),
      ];
    });
    const [a, b] = used.map((ts) => new Set(ts));
    expect([...a!].filter((t) => b!.has(t))).toEqual([]);
    expect(Math.max(...used.flat().map(number))).toBeLessThanOrEqual(sandboxTargetCount(split));
  });

  it("prints the same lines from the CLI's --list", () => {
    const run = spawnSync(process.execPath, [SCRIPT, "--list"], { cwd: ROOT, encoding: "utf8" });
    expect(run.stdout).toBe(`${listLines(split).join("\n")}\n`);
  });
});
