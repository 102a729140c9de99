/** DURATION flags (`--lock-wait`, `maintenance on --retry-after`): whole seconds, rounded up; a bare number is refused. */
import { describe, expect, it } from "vitest";
import { durationFlagSeconds } from "../../../src/cli/_options.js";

describe("durationFlagSeconds", () => {
  it("reads ms, s, m and h; absent is undefined", () => {
    const values = ["10m", "1h", "45s", "1500ms", undefined].map((v) => durationFlagSeconds(v, "--retry-after", "10m"));
    expect(values).toEqual([600, 3600, 45, 2, undefined]);
  });

  it("refuses a value without a unit, naming the flag and an example", () => {
    expect(() => durationFlagSeconds("600", "--retry-after", "10m (clients retry after ten minutes)")).toThrow(
      '--retry-after 600: expected a duration like "30s", "5m" or "1h"',
    );
  });
});
