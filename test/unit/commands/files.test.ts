import { describe, expect, it } from "vitest";
import {
  chownSpec,
  fixMetadataArgv,
  INSPECT_SCRIPT,
  inspectArgv,
  mkdirArgv,
  octalMode,
  parseInspection,
  readArgv,
  removeArgv,
  WRITE_SCRIPT,
  writeArgv,
} from "../../../src/commands/files.js";

const SHA = "a".repeat(64);

describe("argv builders", () => {
  it("inspect", () => {
    expect(inspectArgv("/etc/app.conf", SHA)).toEqual([
      "/bin/sh",
      "-c",
      INSPECT_SCRIPT,
      "slipway-inspect",
      "/etc/app.conf",
      SHA,
      "1048576",
    ]);
  });

  it("write, with mode, owner and backup", () => {
    expect(writeArgv("/etc/app.env", { mode: 0o600, owner: "app", group: "app", backup: true })).toEqual([
      "/bin/sh",
      "-c",
      WRITE_SCRIPT,
      "slipway-write",
      "/etc/app.env",
      "0600",
      "app:app",
      "1",
    ]);
    expect(writeArgv("/x", {}).slice(4)).toEqual(["/x", "", "", ""]);
  });

  it("chown specs and modes", () => {
    expect(chownSpec("a", "b")).toBe("a:b");
    expect(chownSpec("a")).toBe("a");
    expect(chownSpec(undefined, "b")).toBe(":b");
    expect(chownSpec()).toBe("");
    expect(octalMode(0o644)).toBe("0644");
    expect(octalMode(0o4755)).toBe("4755");
    expect(() => octalMode(0o10000)).toThrow(/invalid file mode/);
  });

  it("metadata fix, read, mkdir", () => {
    expect(fixMetadataArgv("/x", { mode: 0o640, group: "www-data" }).slice(3)).toEqual([
      "slipway-meta",
      "/x",
      "0640",
      ":www-data",
    ]);
    expect(readArgv("/x").slice(3)).toEqual(["slipway-read", "/x"]);
    expect(mkdirArgv("/srv/app")).toEqual(["mkdir", "-p", "--", "/srv/app"]);
    expect(mkdirArgv("/srv/app", 0o750)).toEqual(["mkdir", "-p", "-m", "0750", "--", "/srv/app"]);
  });

  it("remove refuses dangerous paths", () => {
    expect(removeArgv("/srv/app/releases/1", { recursive: true })).toEqual(["rm", "-rf", "--", "/srv/app/releases/1"]);
    expect(removeArgv("/tmp/x")).toEqual(["rm", "-f", "--", "/tmp/x"]);
    for (const bad of ["/", "//", "", "relative", "/srv/../etc", "/srv/./x", "/srv/.."]) {
      expect(() => removeArgv(bad), bad).toThrow(/refusing/);
    }
  });
});

describe("parseInspection", () => {
  it("absent and not-a-file", () => {
    expect(parseInspection(Buffer.from("absent\n"))).toEqual({ kind: "absent" });
    expect(parseInspection(Buffer.from("not-a-file\n"))).toEqual({ kind: "not-a-file" });
  });

  it("present with differing content", () => {
    expect(parseInspection(Buffer.from(`present ${SHA} 640 root www-data 5\nhello`))).toEqual({
      kind: "present",
      sha256: SHA,
      mode: 0o640,
      owner: "root",
      group: "www-data",
      size: 5,
      content: Buffer.from("hello"),
    });
  });

  it("present and equal (no body), empty differing file, too large to send", () => {
    expect(parseInspection(Buffer.from(`present ${SHA} 644 a b 5\n`))).not.toHaveProperty("content");
    expect(parseInspection(Buffer.from(`present ${SHA} 644 a b 0\n`))).toHaveProperty("content", Buffer.alloc(0));
  });

  it("refuses anything else", () => {
    expect(() => parseInspection(Buffer.from("sha256sum: x: Permission denied"))).toThrow(/unexpected/);
  });
});
