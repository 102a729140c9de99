import { describe, expect, it } from "vitest";
import { parseColorFile } from "../../../src/deploy/host-state.js";

describe("parseColorFile", () => {
  it("names blue or green (whitespace around ignored), null for anything else or no file", () => {
    expect(parseColorFile("blue\n")).toBe("blue");
    expect(parseColorFile("  green ")).toBe("green");
    expect(parseColorFile("")).toBeNull();
    expect(parseColorFile("Blue")).toBeNull();
    expect(parseColorFile("red")).toBeNull();
    expect(parseColorFile(undefined)).toBeNull();
  });
});
