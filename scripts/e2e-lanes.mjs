// The e2e lanes: which files run side by side (node scripts/e2e-lanes.mjs [--list | --targets]).
// Lane "a" owns the sandbox's t1 t3 t7 t8, lane "b" t2 t4 t5 t6 t9: a file whose targets are all one lane's runs in
// that lane, as named (its "own" run). A file whose targets span both (lb-layout: t1 nginx, t2 and t3 the app) runs in
// either lane after its own files, on targets nobody else uses: SLIPWAY_E2E_TARGET_OFFSET=9 in the first lane that has
// such files (its "t1" is the sandbox's t10), 18 in the second (t19) (test/e2e/support/sandbox.ts). Those files are dealt longest first, each to the
// lane with the least time so far (its own files' included), by the seconds test/e2e/durations.json records (written
// by scripts/e2e-durations.mjs from a run's JSON report; a file not in it counts as DEFAULT_SECONDS). A file that
// names no target of the sandbox (it uses this machine's docker, registry or the whole inventory) runs "solo", alone,
// after the lanes; one in test/e2e/foundation/ runs "first", alone, before them (it checks the sandbox as set up:
// after the lanes, a unit another file's deploy broke would read as a broken sandbox). A file's targets are the quoted
// names ("t1") in it and in the test/e2e modules it imports, unless it says them itself in a line
// `// e2e-targets: t1 t2` (`// e2e-targets: none`: it reaches no target, and runs in lane a).
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const E2E = join(ROOT, "test/e2e");
const DURATIONS = join(E2E, "durations.json");
/** The targets each lane owns (keep in step with `sandbox up --targets` in scripts/test.sh and .ci/run). */
export const LANES = {
  a: ["t1", "t3", "t7", "t8"],
  b: ["t2", "t4", "t5", "t6", "t9"],
};
/** Targets a test names at most (t9): a lane's spanning files run on the nine after the first nine, or after those. */
export const TARGETS_PER_LANE = 9;
/** Seconds assumed for a file durations.json does not know yet. */
const DEFAULT_SECONDS = 60;
const QUOTED_TARGET = /["'`](t\d+)["'`]/g;
const PRAGMA = /^\/\/ e2e-targets: (.+)$/m;

/** How many sandbox targets the lanes need (`sandbox up --targets N`): the lanes' own nine, then nine per lane that runs spanning files. */
export function sandboxTargetCount(split = lanes()) {
  return TARGETS_PER_LANE * (1 + split.lanes.filter((l) => l.runs[1].files.length > 0).length);
}

function testFiles(dir) {
  return readdirSync(dir)
    .flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? testFiles(path) : path.endsWith(".test.ts") ? [path] : [];
    })
    .sort();
}

/** Quoted target names in `file` and in the test/e2e modules it imports (not the shared inventory loader). */
function namedTargets(file, seen = new Set()) {
  if (seen.has(file)) return new Set();
  seen.add(file);
  const text = readFileSync(file, "utf8");
  const found = new Set([...text.matchAll(QUOTED_TARGET)].map((m) => m[1]));
  for (const m of text.matchAll(/from "(\.[^"]+)\.js"/g)) {
    const imported = resolve(dirname(file), `${m[1]}.ts`);
    if (!imported.startsWith(E2E) || imported.endsWith("support/sandbox.ts") || !existsSync(imported)) continue;
    for (const target of namedTargets(imported, seen)) found.add(target);
  }
  return found;
}

/** The targets a file uses: its pragma's, else the named ones; undefined when it names none (cannot be told). */
export function fileTargets(file) {
  const pragma = PRAGMA.exec(readFileSync(file, "utf8"));
  if (pragma) {
    const words = pragma[1].trim().split(/\s+/);
    if (words[0] === "none" && words.length > 1) throw new Error(`${file}: "e2e-targets: none" names targets too`);
    return words[0] === "none" ? [] : words;
  }
  const named = [...namedTargets(file)];
  return named.length > 0 ? named.sort() : undefined;
}

/** Seconds per file (repository-relative path) from durations.json; {} when there is none. */
function knownDurations() {
  return existsSync(DURATIONS) ? JSON.parse(readFileSync(DURATIONS, "utf8")) : {};
}

/**
 * `{ lanes: [{ name, runs: [{ offset, files }], seconds }], first: [...], solo: [...] }`: paths relative to the
 * repository. A lane's runs go one after the other: its own files (offset 0), then its share of the spanning ones
 * (offset 9 or 18); `seconds` is the sum of its files' recorded durations. Same input, same split.
 */
export function lanes() {
  const files = testFiles(E2E).map((f) => relative(ROOT, f));
  return splitLanes(Object.fromEntries(files.map((f) => [f, fileTargets(join(ROOT, f))])), knownDurations());
}

/**
 * lanes()'s split of `targets` (repository-relative path -> fileTargets' answer, in run order for first and solo) by
 * `durations` (seconds per path); reads no file.
 */
export function splitLanes(targets, durations) {
  const seconds = (file) => durations[file] ?? DEFAULT_SECONDS;
  const names = Object.keys(LANES);
  const out = {
    lanes: names.map((name) => ({
      name,
      runs: [
        { offset: 0, files: [] },
        { offset: 0, files: [] },
      ],
      seconds: 0,
    })),
    first: [],
    solo: [],
  };
  const spanning = [];
  const owned = Object.values(LANES).flat();
  for (const [file, used] of Object.entries(targets)) {
    // A name outside t1..t9 (or "t1,t3") would read as spanning and be shifted onto the other lane's targets.
    const unknown = used?.filter((t) => !owned.includes(t)) ?? [];
    if (unknown.length > 0) {
      throw new Error(
        `${file} names ${unknown.join(", ")}: a test names t1..t9 (a lane's run shifts them by its offset)`,
      );
    }
    if (used === undefined) {
      (file.startsWith("test/e2e/foundation/") ? out.first : out.solo).push(file);
      continue;
    }
    const own = used.length === 0 ? 0 : names.findIndex((n) => used.every((t) => LANES[n].includes(t)));
    if (own < 0) {
      spanning.push(file);
      continue;
    }
    out.lanes[own].runs[0].files.push(file);
    out.lanes[own].seconds += seconds(file);
  }
  spanning.sort((x, y) => seconds(y) - seconds(x) || x.localeCompare(y));
  for (const file of spanning) {
    const lane = out.lanes.reduce((least, l) => (l.seconds < least.seconds ? l : least));
    lane.runs[1].files.push(file);
    lane.seconds += seconds(file);
  }
  // The lanes that run spanning files get the next nine targets each, in lane order (t10..t18, then t19..t27).
  let moved = 0;
  for (const lane of out.lanes) if (lane.runs[1].files.length > 0) lane.runs[1].offset = TARGETS_PER_LANE * ++moved;
  for (const lane of out.lanes) for (const run of lane.runs) run.files.sort();
  return out;
}

/** `--list`'s lines: "<lane> <file>" for each lane's runs in order, then "first <file>", then "solo <file>". */
export function listLines(split) {
  return [
    ...split.lanes.flatMap((lane) => lane.runs.flatMap((run) => run.files.map((file) => `${lane.name} ${file}`))),
    ...split.first.map((file) => `first ${file}`),
    ...split.solo.map((file) => `solo ${file}`),
  ];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv.includes("--targets")) {
    console.log(sandboxTargetCount());
  } else if (process.argv.includes("--list")) {
    for (const line of listLines(lanes())) console.log(line);
  } else {
    const all = lanes();
    for (const lane of all.lanes) {
      for (const run of lane.runs) console.log(`${lane.name} (offset ${run.offset}): ${run.files.length} files`);
      console.log(`${lane.name}: ~${Math.round(lane.seconds)} s in all`);
    }
    console.log(`first: ${all.first.length} files; solo: ${all.solo.length} files`);
  }
}
