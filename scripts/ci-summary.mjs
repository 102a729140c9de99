// Prints CI's closing line, exactly "N passed, N failed", from vitest's JSON report (node scripts/ci-summary.mjs F).
// A test file that failed to load has no failed test in the report, so each such file counts as one failure.
// Skipped tests (none are expected: no .skip/.todo is committed) are reported on stderr, before the closing line.
import { readFileSync } from "node:fs";

const file = process.argv[2];
if (!file) {
  console.error("usage: node scripts/ci-summary.mjs <vitest-json-report>");
  process.exit(2);
}

const report = JSON.parse(readFileSync(file, "utf8"));
const files = report.testResults ?? [];
const brokenFiles = files.filter(
  (result) => result.status === "failed" && !(result.assertionResults ?? []).some((test) => test.status === "failed"),
);
const passed = report.numPassedTests ?? 0;
const failed = (report.numFailedTests ?? 0) + brokenFiles.length;
const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
for (const broken of brokenFiles) {
  console.error(`test file failed to run: ${broken.name}: ${(broken.message ?? "").split("\n")[0]}`);
}
if (skipped > 0) console.error(`${skipped} skipped`);
console.log(`${passed} passed, ${failed} failed`);
