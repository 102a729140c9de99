import { describe, expect, it } from "vitest";
import { shJoin, shQuote } from "../../../src/remote/quote.js";

describe("shQuote", () => {
  it.each([
    ["plain", "plain"],
    ["/usr/bin/systemctl", "/usr/bin/systemctl"],
    ["a=b,c:d@e%f+g", "a=b,c:d@e%f+g"],
    ["", "''"],
    ["two words", "'two words'"],
    ["it's", "'it'\\''s'"],
    ["'", "''\\'''"],
    ["$HOME", "'$HOME'"],
    ["`id`", "'`id`'"],
    ["*.conf", "'*.conf'"],
    ["line1\nline2", "'line1\nline2'"],
    ["back\\slash", "'back\\slash'"],
    ["ümlaut", "'ümlaut'"],
    ["~root", "'~root'"],
    ["-n", "-n"],
  ])("%j -> %s", (input, expected) => {
    expect(shQuote(input)).toBe(expected);
  });

  it("refuses NUL bytes, which no shell argument can carry", () => {
    expect(() => shQuote("a\0b")).toThrow(/NUL/);
  });
});

describe("shJoin", () => {
  it("quotes each argument and joins with spaces", () => {
    expect(shJoin(["printf", "%s\\n", "it's", "$x y"])).toBe("printf '%s\\n' 'it'\\''s' '$x y'");
  });

  it("refuses an empty argv", () => {
    expect(() => shJoin([])).toThrow(/empty/);
  });
});
