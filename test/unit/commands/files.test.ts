import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  chmodArgv,
  chownArgv,
  chownSpec,
  copyArgv,
  copyOwnershipArgv,
  copyVersionArgv,
  fileSizeArgv,
  fixMetadataArgv,
  INSPECT_SCRIPT,
  inspectArgv,
  jsonFilesArgv,
  listDirArgv,
  mergeStderrArgv,
  mkdirArgv,
  mkdirsArgv,
  moveArgv,
  noWalArgv,
  OWNED_TREE_SCRIPT,
  octalMode,
  ownedDirArgv,
  ownedTreeArgv,
  ownerOnlyArgv,
  parentDir,
  parseInspection,
  parseReadFiles,
  privateCopyArgv,
  privateDirArgv,
  privateWriteArgv,
  readArgv,
  readableFileArgv,
  readFilesArgv,
  readlinkArgv,
  removeArgv,
  removeFilesArgv,
  removeTreeArgv,
  sameContentArgv,
  statFormatArgv,
  swapSymlinkArgv,
  symlinkArgv,
  testArgv,
  touchArgv,
  unpackArgv,
  WRITE_SCRIPT,
  WRITE_WITH_DIR_SCRIPT,
  writableDirArgv,
  writeArgv,
  writeWithDirArgv,
} from "../../../src/commands/files.js";
import { recordArgv } from "../../../src/commands/record.js";

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

  it("write after making the directory (a new release's manifest)", () => {
    expect(writeWithDirArgv("/opt/a/releases/r2/images.json", { mode: 0o644, size: 42 })).toEqual([
      "/bin/sh",
      "-c",
      WRITE_WITH_DIR_SCRIPT,
      "slipway-write",
      "/opt/a/releases/r2/images.json",
      "0644",
      "",
      "",
      "42",
    ]);
    expect(WRITE_WITH_DIR_SCRIPT.split("\n").slice(0, 3)).toEqual([
      "set -e",
      'mkdir -p -- "$(dirname -- "$1")"',
      "p=$1; mode=$2; own=$3; keep=$4; size=$5",
    ]);
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

describe("file builders of the deploy and the modules", () => {
  it("argv by exact value", () => {
    expect(mkdirsArgv(["/a", "/b"])).toEqual(["mkdir", "-p", "--", "/a", "/b"]);
    expect(parentDir("/etc/nginx/conf.d/x.conf")).toBe("/etc/nginx/conf.d");
    expect(removeFilesArgv(["/a", "/b"])).toEqual(["rm", "-f", "--", "/a", "/b"]);
    expect(removeTreeArgv("/srv/x")).toEqual(["rm", "-rf", "--", "/srv/x"]);
    expect(testArgv("-d", "/srv")).toEqual(["test", "-d", "/srv"]);
    expect(readableFileArgv("/ca.pem")).toEqual(["test", "-f", "/ca.pem", "-a", "-r", "/ca.pem"]);
    expect(symlinkArgv("/t", "/l")).toEqual(["ln", "-sfn", "--", "/t", "/l"]);
    expect(privateDirArgv("/d")).toEqual(["install", "-d", "-m", "0700", "--", "/d"]);
    expect(privateDirArgv("/home/u/.ssh", "u")).toEqual([
      "install",
      "-d",
      "-m",
      "0700",
      "-o",
      "u",
      "-g",
      "u",
      "--",
      "/home/u/.ssh",
    ]);
    expect(chownArgv("u:g", "/p")).toEqual(["chown", "u:g", "--", "/p"]);
    expect(chownArgv("u", "/l", { noDereference: true })).toEqual(["chown", "-h", "u", "--", "/l"]);
    expect(chmodArgv("0640", "/p")).toEqual(["chmod", "0640", "--", "/p"]);
    expect(statFormatArgv("%s", "/p")).toEqual(["stat", "-c", "%s", "--", "/p"]);
    expect(moveArgv("/a", "/b")).toEqual(["mv", "-f", "--", "/a", "/b"]);
    expect(touchArgv("/p")).toEqual(["touch", "--", "/p"]);
    expect(ownedTreeArgv("/d", "app-x")).toEqual(["sh", "-c", OWNED_TREE_SCRIPT, "sh", "/d", "app-x"]);
  });

  const sh = (argv: readonly string[], input?: string) => {
    const [program, ...args] = argv;
    return execFileSync(program as string, args, { encoding: "utf8", input });
  };

  it("writeArgv with a size renames a complete transfer and drops a cut-off one (D55, run by sh)", () => {
    const file = join(mkdtempSync(join(tmpdir(), "write-")), "releases.json");
    expect(writeArgv(file, { mode: 0o644, size: 5 }).slice(4)).toEqual([file, "0644", "", "", "5"]);
    const write = (content: string, size: number) => {
      const [program, ...args] = writeArgv(file, { mode: 0o644, size });
      execFileSync(program as string, args, { input: content, stdio: ["pipe", "pipe", "pipe"] });
    };
    write("[1,2]", 5);
    // The sender died after 0 or 2 of 5 bytes: the channel's end-of-file ends `cat` with status 0.
    expect(() => write("", 5)).toThrow(/content cut off, old file kept/);
    expect(() => write("[1", 5)).toThrow(/content cut off/);
    expect(readFileSync(file, "utf8")).toBe("[1,2]");
    expect(readdirSync(dirname(file))).toEqual(["releases.json"]);
  });

  it("swapSymlinkArgv repoints a link through a rename (run by sh)", () => {
    const dir = mkdtempSync(join(tmpdir(), "swap-"));
    const link = join(dir, "current");
    sh(swapSymlinkArgv("releases/1", link));
    sh(swapSymlinkArgv("releases/2", link));
    expect(readlinkSync(link)).toBe("releases/2");
    expect(existsSync(`${link}.tmp`)).toBe(false);
  });

  it("recordArgv writes the history, swaps current, writes the color, then removes the intent (run by sh)", () => {
    const dir = mkdtempSync(join(tmpdir(), "record-"));
    const at = (name: string) => join(dir, name);
    writeFileSync(at("intent.json"), "{}\n");
    const files = (history: string, bytes = Buffer.byteLength(history)) => ({
      history: at("releases.json"),
      historyBytes: bytes,
      release: at("releases/r2"),
      current: at("current"),
      colorFile: at("color"),
      color: "green",
      intent: at("intent.json"),
    });
    expect(recordArgv(files("{}")).slice(3)).toEqual([
      "slipway-record",
      at("releases.json"),
      "2",
      at("releases/r2"),
      at("current"),
      at("color"),
      "green",
      at("intent.json"),
    ]);
    const record = (history: string, bytes?: number) => {
      const [program, ...args] = recordArgv(files(history, bytes));
      execFileSync(program as string, args, { input: history, stdio: ["pipe", "pipe", "pipe"] });
    };
    // A history cut off on the way (the sender died): nothing else moves, the intent stays for the reconcile.
    expect(() => record('{"releases":', 20)).toThrow(/content cut off, old file kept/);
    expect(readdirSync(dir).sort()).toEqual(["intent.json"]);
    record('{"releases":[]}\n');
    expect(readFileSync(at("releases.json"), "utf8")).toBe('{"releases":[]}\n');
    expect(statSync(at("releases.json")).mode & 0o777).toBe(0o644);
    expect(readlinkSync(at("current"))).toBe(at("releases/r2"));
    expect(readFileSync(at("color"), "utf8")).toBe("green\n");
    expect(statSync(at("color")).mode & 0o777).toBe(0o644);
    expect(readdirSync(dir).sort()).toEqual(["color", "current", "releases.json"]);
  });

  it("ownedDirArgv makes a missing directory and leaves an existing one (run by sh)", () => {
    const dir = join(mkdtempSync(join(tmpdir(), "owned-")), "a", "b");
    const me = execFileSync("id", ["-un"], { encoding: "utf8" }).trim();
    sh(ownedDirArgv(dir, me));
    expect(statSync(dir).isDirectory()).toBe(true);
    sh(ownedDirArgv(dir, me));
  });

  it("unpackArgv extracts stdin beside the target and renames it; mergeStderrArgv joins the streams", () => {
    const src = mkdtempSync(join(tmpdir(), "tar-src-"));
    writeFileSync(join(src, "app.py"), "print(1)\n");
    const tarball = execFileSync("tar", ["-cz", "-C", src, "app.py"]);
    const target = join(mkdtempSync(join(tmpdir(), "tar-dst-")), "release");
    const [program, ...args] = unpackArgv(target);
    execFileSync(program as string, args, { input: tarball });
    expect(readFileSync(join(target, "app.py"), "utf8")).toBe("print(1)\n");
    expect(existsSync(`${target}.part`)).toBe(false);
    expect(sh(mergeStderrArgv(["sh", "-c", "echo out; echo err >&2"]))).toBe("out\nerr\n");
  });
});

describe("link and listing builders", () => {
  it("readlink and a one-level listing", () => {
    expect(readlinkArgv("/opt/a/current")).toEqual(["readlink", "--", "/opt/a/current"]);
    expect(listDirArgv("/opt/a")).toEqual(["find", "/opt/a", "-mindepth", "1", "-maxdepth", "1"]);
  });
});

describe("backup directory builders (run by sh)", () => {
  const run = (argv: readonly string[], input?: string) => {
    const [program, ...args] = argv;
    return execFileSync(program as string, args, { encoding: "utf8", input });
  };

  it("size, writable check, private atomic write, json listing with an end marker", () => {
    expect(fileSizeArgv("/b/x.gz")).toEqual(["stat", "-c", "%s", "/b/x.gz"]);
    const dir = join(mkdtempSync(join(tmpdir(), "bk-")), "backups");
    run(writableDirArgv(dir));
    expect(existsSync(join(dir, ".slipway-write-test"))).toBe(false);
    run(privateWriteArgv(join(dir, "a.json")), '{"id":"a"}');
    expect(statSync(join(dir, "a.json")).mode & 0o777).toBe(0o600);
    expect(existsSync(join(dir, "a.json.tmp"))).toBe(false);
    expect(run(fileSizeArgv(join(dir, "a.json")))).toBe("10\n");
    expect(run(jsonFilesArgv(dir, "--end--"))).toBe('{"id":"a"}\n--end--\n');
    expect(run(jsonFilesArgv(join(dir, "missing"), "--end--"))).toBe("");
  });

  it("privateWriteArgv with a size keeps the old file when the content is cut off (D55)", () => {
    const file = join(mkdtempSync(join(tmpdir(), "bk-")), "a.json");
    expect(privateWriteArgv(file, 10).slice(4)).toEqual([file, "10"]);
    run(privateWriteArgv(file, 10), '{"id":"a"}');
    expect(() => run(privateWriteArgv(file, 10), '{"id"')).toThrow();
    expect(readFileSync(file, "utf8")).toBe('{"id":"a"}');
  });
});

describe("database file builders", () => {
  it("copy, private copy, owner-only, ownership from a reference, same content, no WAL", () => {
    expect(copyArgv("/b", "/d")).toEqual(["cp", "--", "/b", "/d"]);
    expect(copyVersionArgv()).toEqual(["cp", "--version"]);
    expect(privateCopyArgv("/a", "/b")).toEqual(["sh", "-c", 'umask 077; cp -- "$1" "$2"', "sh", "/a", "/b"]);
    expect(ownerOnlyArgv("/p")).toEqual(["chmod", "600", "/p"]);
    expect(copyOwnershipArgv("/old", "/new")).toEqual([
      "sh",
      "-c",
      'if [ -e "$1" ]; then chown --reference="$1" "$2" && chmod --reference="$1" "$2"; fi',
      "sh",
      "/old",
      "/new",
    ]);
    expect(sameContentArgv("/a", "/b")).toEqual(["cmp", "--", "/a", "/b"]);
    const dir = mkdtempSync(join(tmpdir(), "wal-"));
    const db = join(dir, "app.duckdb");
    const [program, ...args] = noWalArgv(db);
    expect(() => execFileSync(program as string, args, { stdio: "pipe" })).not.toThrow();
    writeFileSync(`${db}.wal`, "");
    expect(() => execFileSync(program as string, args, { stdio: "pipe" })).toThrow(/did not shut down cleanly/);
  });
});

describe("readFilesArgv: several files in one command (run by sh)", () => {
  const B = "0123456789abcdef";
  const run = (paths: string[]) => {
    const [program, ...args] = readFilesArgv(paths, B);
    return execFileSync(program as string, args, { stdio: ["ignore", "pipe", "ignore"] });
  };

  it("is one sh script with the boundary and the paths as positional parameters", () => {
    expect(readFilesArgv(["/a", "/b c"], B)).toEqual([
      "/bin/sh",
      "-c",
      `b=$1; shift; for p; do if [ -e "$p" ]; then printf '\\n%s present\\n' "$b"; cat -- "$p" || printf '\\n%s failed\\n' "$b"; else printf '\\n%s absent\\n' "$b"; fi; done`,
      "slipway-read-all",
      B,
      "/a",
      "/b c",
    ]);
  });

  it("gives each file's exact bytes (no trailing newline added, empty files, binary), absent ones, failed ones", () => {
    const dir = mkdtempSync(join(tmpdir(), "read-all-"));
    writeFileSync(join(dir, "a"), "server { }\n");
    writeFileSync(join(dir, "no-newline"), "x");
    writeFileSync(join(dir, "empty"), "");
    writeFileSync(join(dir, "binary"), Buffer.from([0, 10, 255, 10]));
    const paths = ["a", "missing", "no-newline", "empty", "binary", "."].map((p) => join(dir, p));
    const reads = parseReadFiles(run(paths), B, paths.length);
    expect(reads).toEqual([
      { kind: "present", content: Buffer.from("server { }\n") },
      { kind: "absent" },
      { kind: "present", content: Buffer.from("x") },
      { kind: "present", content: Buffer.from("") },
      { kind: "present", content: Buffer.from([0, 10, 255, 10]) },
      // A directory: cat fails after the header.
      { kind: "failed" },
    ]);
  });

  it("an answer that does not hold exactly the files asked for is undefined (the caller reads each alone)", () => {
    const one = Buffer.from(`\n${B} present\nx`);
    expect(parseReadFiles(one, B, 1)).toEqual([{ kind: "present", content: Buffer.from("x") }]);
    expect(parseReadFiles(one, B, 2)).toBeUndefined();
    expect(parseReadFiles(Buffer.from("noise"), B, 1)).toBeUndefined();
    expect(parseReadFiles(Buffer.from(`\n${B} what\n`), B, 1)).toBeUndefined();
  });
});
