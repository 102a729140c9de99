import { describe, expect, it } from "vitest";
import { signalNote } from "../../../src/remote/exit-status.js";

describe("signalNote", () => {
  it("names the signal behind a 128+N exit code", () => {
    expect(signalNote(143)).toBe(" (128+15: probably killed by SIGTERM)");
    expect(signalNote(137)).toBe(" (128+9: probably killed by SIGKILL)");
    expect(signalNote(1)).toBe("");
    expect(signalNote(128)).toBe("");
    expect(signalNote(255)).toBe("");
  });
});
