// The e2e lanes: which files run side by side (node scripts/e2e-lanes.mjs [--list | --targets]).
// Every lane has sandbox targets of its own: lane i runs its files with SLIPWAY_E2E_TARGET_OFFSET=9*i, so a test's "t1"
// is the sandbox's t1 in the first lane, t10 in the second (test/e2e/support/sandbox.ts). Files of one
// lane run one at a time; the lanes run at once. Files are dealt to lanes longest first, each to the lane with the
// least time so far, by the seconds test/e2e/durations.json records for them (written by scripts/e2e-durations.mjs
// from a run's JSON report; a file not in it counts as DEFAULT_SECONDS). A file that names no target of the sandbox
// (it uses this machine's docker, registry or the whole inventory: it cannot be moved by an offset) runs "solo",
// alone, after the lanes. A file's targets are the quoted names ("t1") in it and in the test/e2e modules it imports,
// unless it says them itself in a line `// e2e-targets: t1 t2` (`// e2e-targets: none`: it reaches no target, and
// runs in a lane).
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const E2E = join(ROOT, "test/e2e");
const DURATIONS = join(E2E, "durations.json");
/** Targets each lane owns: the highest a test names (t9, scripts/test.sh says which file wants which). */
export const TARGETS_PER_LANE = 9;
/**
 * Lanes when SLIPWAY_E2E_LANES is not set. Two: CI's two cores are busy with two (a deploy's own docker, ssh and Python
 * work); a third lane on the same cores made 10-30 s health timeouts fail in a trial, and saved no time.
 */
const DEFAULT_LANES = 2;
/** Seconds assumed for a file durations.json does not know yet. */
const DEFAULT_SECONDS = 60;
const QUOTED_TARGET = /["'`](t\d+)["'`]/g;
const PRAGMA = /^\/\/ e2e-targets: (.+)$/m;

/** How many lanes run at once: SLIPWAY_E2E_LANES (a whole number ≥ 1), else DEFAULT_LANES. */
export function laneCount() {
  const raw = process.env.SLIPWAY_E2E_LANES;
  if (raw === undefined || raw === "") return DEFAULT_LANES;
  if (!/^[1-9]\d*$/.test(raw)) throw new Error(`SLIPWAY_E2E_LANES=${raw}: expected a whole number of lanes, 1 or more`);
  return Number(raw);
}

/** How many sandbox targets the lanes need (`sandbox up --targets N`). */
export function sandboxTargetCount() {
  return TARGETS_PER_LANE * laneCount();
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
 * `{ lanes: [{ offset, files, seconds }], solo: [...] }`: paths relative to the repository, `offset` the lane's
 * SLIPWAY_E2E_TARGET_OFFSET, `seconds` the sum of its files' recorded durations. Same input, same split.
 */
export function lanes(count = laneCount()) {
  const durations = knownDurations();
  const seconds = (file) => durations[file] ?? DEFAULT_SECONDS;
  const out = {
    lanes: Array.from({ length: count }, (_, i) => ({ offset: i * TARGETS_PER_LANE, files: [], seconds: 0 })),
    solo: [],
  };
  const movable = [];
  for (const file of testFiles(E2E).map((f) => relative(ROOT, f))) {
    if (fileTargets(join(ROOT, file)) === undefined) out.solo.push(file);
    else movable.push(file);
  }
  movable.sort((x, y) => seconds(y) - seconds(x) || x.localeCompare(y));
  for (const file of movable) {
    const lane = out.lanes.reduce((least, l) => (l.seconds < least.seconds ? l : least));
    lane.files.push(file);
    lane.seconds += seconds(file);
  }
  for (const lane of out.lanes) lane.files.sort();
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv.includes("--targets")) {
    console.log(sandboxTargetCount());
  } else {
    const all = lanes();
    const names = all.lanes.map((_, i) => String.fromCharCode(97 + i));
    if (process.argv.includes("--list")) {
      all.lanes.forEach((lane, i) => {
        for (const file of lane.files) console.log(`${names[i]} ${file}`);
      });
      for (const file of all.solo) console.log(`solo ${file}`);
    } else {
      all.lanes.forEach((lane, i) => {
        console.log(`${names[i]}: ${lane.files.length} files, ~${Math.round(lane.seconds)} s, offset ${lane.offset}`);
      });
      console.log(`solo: ${all.solo.length} files`);
    }
  }
}
