import { describe, expect, it } from "vitest";
import { formatHostLine, LineSplitter, tail } from "../../../src/remote/lines.js";

describe("LineSplitter", () => {
  it("emits complete lines across chunks, strips CR, flushes the last line on end", () => {
    const lines: string[] = [];
    const splitter = new LineSplitter((line) => lines.push(line));
    splitter.push(Buffer.from("one\ntw"));
    splitter.push(Buffer.from("o\r\nthree"));
    expect(lines).toEqual(["one", "two"]);
    splitter.end();
    expect(lines).toEqual(["one", "two", "three"]);
  });

  it("keeps a multi-byte character split across chunks intact", () => {
    const lines: string[] = [];
    const splitter = new LineSplitter((line) => lines.push(line));
    const bytes = Buffer.from("héllo €\n");
    for (const byte of bytes) splitter.push(Buffer.from([byte]));
    splitter.end();
    expect(lines).toEqual(["héllo €"]);
  });

  it("emits empty lines and nothing extra for a trailing newline", () => {
    const lines: string[] = [];
    const splitter = new LineSplitter((line) => lines.push(line));
    splitter.push(Buffer.from("\n\nx\n"));
    splitter.end();
    expect(lines).toEqual(["", "", "x"]);
  });
});

describe("formatHostLine / tail", () => {
  it("prefixes with the host, marking stderr", () => {
    expect(formatHostLine("t1", "stdout", "ok")).toBe("[t1] ok");
    expect(formatHostLine("t1", "stderr", "warn")).toBe("[t1] ! warn");
  });

  it("keeps the last lines", () => {
    expect(tail("a\nb\nc\nd\n", 2)).toBe("c\nd");
    expect(tail("", 2)).toBe("");
  });
});
