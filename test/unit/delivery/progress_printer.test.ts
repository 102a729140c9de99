import { describe, expect, it } from "vitest";
import { progressPrinter } from "../../../src/delivery/progress_printer.js";

describe("progressPrinter", () => {
  it("prints at most one line per host and image per interval, and always the final one", () => {
    let clock = 0;
    const lines: string[] = [];
    const print = progressPrinter((line) => lines.push(line), { intervalMs: 1000, now: () => clock });
    const base = { host: "t1", service: "web", total: 7, status: "" };
    print({ ...base, kind: "layers", done: 1 });
    print({ ...base, kind: "layers", done: 2 });
    print({ ...base, host: "t2", kind: "bytes", done: 12_500_000, total: null });
    clock = 1500;
    print({ ...base, kind: "layers", done: 3 });
    print({ ...base, kind: "done", done: 1, total: 1, status: "pulled" });
    print({ ...base, kind: "done", done: 1, total: 1, status: "pulled" });
    expect(lines).toEqual(["t1 web: 1/7 layers", "t2 web: 12.5 MB sent", "t1 web: 3/7 layers", "t1 web: pulled"]);
  });
});
