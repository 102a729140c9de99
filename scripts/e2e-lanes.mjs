// Which sandbox targets each e2e file uses, and the lanes they run in (node scripts/e2e-lanes.mjs [--list]).
// Files of one lane run one at a time (they share its targets); the two lanes run side by side, on disjoint targets;
// a file whose targets span both lanes, or cannot be told, runs in the "shared" lane after both. The targets of a file
// are the quoted names ("t1") in it and in the test/e2e modules it imports, unless it says them itself in a line
// `// e2e-targets: t1 t2` (`// e2e-targets: none` for a file that reaches no target).
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const E2E = join(ROOT, "test/e2e");
/** The targets of each lane (keep in step with `sandbox up --targets` in scripts/test.sh and .ci/run). */
export const LANES = {
  a: ["t1", "t3", "t7", "t8"],
  b: ["t2", "t4", "t5", "t6", "t9"],
};
const QUOTED_TARGET = /["'`](t\d+)["'`]/g;
const PRAGMA = /^\/\/ e2e-targets: (.+)$/m;

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

/** `{ a: [...], b: [...], shared: [...] }`: paths relative to the repository. */
export function lanes() {
  const out = { a: [], b: [], shared: [] };
  for (const file of testFiles(E2E)) {
    const targets = fileTargets(file);
    const lane =
      targets === undefined
        ? "shared"
        : targets.length === 0
          ? "a"
          : (Object.keys(LANES).find((name) => targets.every((t) => LANES[name].includes(t))) ?? "shared");
    out[lane].push(relative(ROOT, file));
  }
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const all = lanes();
  if (process.argv.includes("--list")) {
    for (const [name, files] of Object.entries(all)) for (const file of files) console.log(`${name} ${file}`);
  } else {
    for (const [name, files] of Object.entries(all)) console.log(`${name}: ${files.length} files`);
  }
}
