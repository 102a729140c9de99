// Records how long each e2e file took, for scripts/e2e-lanes.mjs to balance its lanes:
// node scripts/e2e-durations.mjs REPORT.json... (vitest JSON reports, e.g. CI's or `npm test -- --outputFile=F`).
// Writes test/e2e/durations.json: { "test/e2e/x.test.ts": seconds }, files sorted, whole seconds; files the reports
// do not name keep their old figure, so a partial run updates what it ran.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const DURATIONS = join(ROOT, "test/e2e/durations.json");

const reports = process.argv.slice(2);
if (reports.length === 0) {
  console.error("usage: node scripts/e2e-durations.mjs REPORT.json...");
  process.exit(2);
}
const durations = existsSync(DURATIONS) ? JSON.parse(readFileSync(DURATIONS, "utf8")) : {};
let updated = 0;
for (const report of reports) {
  for (const result of JSON.parse(readFileSync(report, "utf8")).testResults ?? []) {
    // vitest's JSON names files by absolute path; a run in another clone (CI's) still maps to this tree.
    const at = result.name.indexOf("test/e2e/");
    if (at < 0 || !(result.endTime > result.startTime)) continue;
    durations[relative(ROOT, join(ROOT, result.name.slice(at)))] = Math.round(
      (result.endTime - result.startTime) / 1000,
    );
    updated++;
  }
}
const sorted = Object.fromEntries(Object.entries(durations).sort(([a], [b]) => a.localeCompare(b)));
writeFileSync(DURATIONS, `${JSON.stringify(sorted, null, 2)}\n`);
console.log(`${updated} e2e files timed; ${Object.keys(sorted).length} in ${relative(ROOT, DURATIONS)}`);
