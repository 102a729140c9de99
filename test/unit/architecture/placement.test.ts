/**
 * Where command text and remote calls may live (docs/architecture.md): src/commands/ builds every argv and script
 * run on a host, src/remote/ executes them (and owns its transport scripts: the process-group wrapper, the facts
 * script, the privilege helper's rewriting). Orchestration (deploy/, modules/, engine/, install/, lock/, certs/,
 * delivery/, backup/, cli/, github/) calls builders and runs their argv on a host, but holds no command text. The
 * pure parts (render/, config/, verify/, build/, commands/) make no remote call. Files that break a rule today are
 * listed one by one with the reason; a listed exception no file needs any more fails too, so the list only shrinks.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { type Finding, findCommandText } from "./command-text.js";

const SRC = resolve(import.meta.dirname, "../../../src");

/** Parts that may hold command text. */
const BUILDS = ["commands", "remote"];
/** Parts that may call a host (`host.exec`, `putFile`, `readFile`). */
const CALLS = [
  "remote",
  "install",
  "lock",
  "backup",
  "certs",
  "delivery",
  "engine",
  "modules",
  "deploy",
  "cli",
  "github",
];

const BACKUP =
  "backup's scripts embed the database tools' argv (run as another user, in a container) with shJoin; " +
  "commands/ may not import remote/quote.ts while remote/ imports commands/, so they stay until quoting moves";

/** `file: kind` -> why it is allowed there (kind: argv, script, remote call). */
const EXCEPTIONS: Record<string, string> = {
  "build/commands.ts: argv": "`docker build`/push argv spawned on the runner (child_process), not sent to a host",
  "deploy/ship.ts: argv":
    "the `tar` that packs a release runs on the runner; its stream is unpacked by commands/files.ts",
  "render/from-config/compose.ts: argv":
    "a compose healthcheck's `test:` argv is file content: docker runs it inside the container, Slipway never does",
  "certs/commands.ts: script": "the renewal deploy hook is a file certbot runs on the host after a renewal (content)",
  "backup/shell.ts: argv": BACKUP,
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

/** The findings of one file that its part may not have, as `file: kind` keys with the first offending text. */
function misplaced(file: string, findings: readonly Finding[]): Map<string, string> {
  const part = file.split("/")[0]?.replace(/\.ts$/, "") ?? "";
  const out = new Map<string, string>();
  for (const f of findings) {
    const allowed = f.kind === "remote call" ? CALLS.includes(part) : BUILDS.includes(part);
    const key = `${file}: ${f.kind}`;
    if (!allowed && !out.has(key)) out.set(key, `line ${f.line}: ${f.text}`);
  }
  return out;
}

const found = new Map(
  sourceFiles(SRC).flatMap((path) => {
    const file = relative(SRC, path);
    return [...misplaced(file, findCommandText(readFileSync(path, "utf8")))];
  }),
);

describe("placement of command text and remote calls (docs/architecture.md)", () => {
  it("command text lives in commands/ (or remote/), remote calls outside the pure parts, or the file is listed", () => {
    const broken = [...found].filter(([key]) => !(key in EXCEPTIONS)).map(([key, where]) => `${key} (${where})`);
    expect(broken).toEqual([]);
  });

  it("every listed exception is still needed (fix one, delete its line)", () => {
    expect(Object.keys(EXCEPTIONS).filter((key) => !found.has(key))).toEqual([]);
  });
});

describe("the placement checker", () => {
  const check = (file: string, source: string) => [...misplaced(file, findCommandText(source)).keys()];

  it("flags an argv literal of a tool outside commands/", () => {
    expect(check("deploy/x.ts", 'await host.exec(["systemctl", "restart", unit]);')).toEqual(["deploy/x.ts: argv"]);
    expect(check("modules/x.ts", 'runAll(ctx, [\n  [\n    "docker",\n    "rm",\n  ],\n]);')).toEqual([
      "modules/x.ts: argv",
    ]);
    expect(check("deploy/x.ts", 'const argv = [...prefix, "sh", "-c", script];')).toEqual(["deploy/x.ts: argv"]);
    expect(check("deploy/x.ts", 'const t = ["nginx", "-t"];')).toEqual(["deploy/x.ts: argv"]);
  });

  it("flags shell script text outside commands/", () => {
    expect(check("certs/x.ts", "const s = 'set -e; certbot renew';")).toEqual(["certs/x.ts: script"]);
    expect(check("deploy/x.ts", 'const s = \'test -d "$1" || mkdir -p -- "$1"\';')).toEqual(["deploy/x.ts: script"]);
    expect(check("deploy/x.ts", "const s = `docker logs ${name} 2>&1`;")).toEqual(["deploy/x.ts: script"]);
  });

  it("flags a remote call in a pure part", () => {
    expect(check("render/x.ts", 'await host.exec(mkdirsArgv(["/etc/x"]));')).toEqual(["render/x.ts: remote call"]);
    expect(check("config/x.ts", "await ctx.host.putFile(path, text);")).toEqual(["config/x.ts: remote call"]);
  });

  it("allows command text in commands/ and remote/, and calls in orchestration", () => {
    expect(check("commands/x.ts", 'return ["sh", "-c", \'set -e; mv -- "$1" "$2"\', "sh", a, b];')).toEqual([]);
    expect(check("remote/x.ts", 'this.exec(["/bin/sh", "-c", FACTS_SCRIPT]);')).toEqual([]);
    expect(check("deploy/x.ts", 'await host.exec(systemctlArgv("restart", units), { become: true });')).toEqual([]);
  });

  it("does not count comments, messages, config enums or regex replacements", () => {
    const source = [
      '// runs ["systemctl", "restart"] and `set -e` scripts',
      '/** host.exec(["docker", "rm"]) */',
      'throw new SlipwayError("nginx -t failed", { hint: "see `sudo nginx -t` and `docker ps -a` on the host" });',
      'const mode = z.enum(["nginx", "internal"]);',
      'const trimmed = path.replace(/(.)\\/$/, "$1");',
      "const m = /(\\d+)/.exec(text);",
    ].join("\n");
    expect(check("config/x.ts", source)).toEqual([]);
  });
});
