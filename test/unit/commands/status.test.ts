import { execFileSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  helperStatusArgv,
  parseStatusSections,
  probeKey,
  STATUS_SCRIPT,
  statusArgv,
} from "../../../src/commands/status.js";

describe("status script", () => {
  it("passes every value as a positional parameter", () => {
    expect(statusArgv("/opt/a", "/opt/a/.slipway-lock", [{ kind: "unit", target: "a-web@blue.service" }])).toEqual([
      "sh",
      "-c",
      STATUS_SCRIPT,
      "sh",
      "",
      "",
      "/opt/a",
      "/opt/a/.slipway-lock",
      "unit|a-web@blue.service",
    ]);
    expect(probeKey({ kind: "health", target: "http://127.0.0.1:5001/h" })).toBe("health|http://127.0.0.1:5001/h");
  });

  it("runs in sh and heads each section: live release, color, intent, lock, disk, files, links (spaces and quotes)", () => {
    const dir = mkdtempSync(join(tmpdir(), "slipway-status-"));
    execFileSync("sh", [
      "-c",
      `mkdir -p "$1/releases/r1" "$1/.slipway-lock" && ln -s "$1/releases/r1" "$1/current"`,
      "sh",
      dir,
    ]);
    writeFileSync(join(dir, "color"), "green\n");
    writeFileSync(join(dir, ".slipway-lock/holder"), '{"holder":"bob","commit":"c","since":"2026-01-01T00:00:00Z"}');
    writeFileSync(join(dir, "intent.json"), '{"to":"blue","from":"green","release":"r2"}\n');
    const odd = join(dir, 'a file\'s "name"');
    writeFileSync(odd, "x\ny\n");
    symlinkSync("/run/slipway/a-web-blue.sock", join(dir, "a-web.sock"));
    const argv = statusArgv(dir, join(dir, ".slipway-lock"), [
      { kind: "file", target: odd },
      { kind: "link", target: join(dir, "a-web.sock") },
      { kind: "link", target: join(dir, "no-such.sock") },
    ]);
    const out = execFileSync(argv[0] as string, argv.slice(1), { encoding: "utf8" });
    const sections = parseStatusSections(out);
    expect(sections.get("current")).toEqual([join(dir, "releases/r1")]);
    expect(sections.get("color")).toEqual(["green"]);
    expect(sections.get("intent")).toEqual(['{"to":"blue","from":"green","release":"r2"}']);
    expect(sections.get(`link|${join(dir, "a-web.sock")}`)).toEqual(["/run/slipway/a-web-blue.sock"]);
    expect(sections.get(`link|${join(dir, "no-such.sock")}`)).toEqual([]);
    expect(JSON.parse((sections.get("lock") ?? []).join(""))).toMatchObject({ holder: "bob" });
    expect(sections.get("disk")?.[0]).toMatch(/\d+%/);
    expect(sections.get(`file|${odd}`)).toEqual(["x", "y"]);
  });

  it("helper mode: docker through the gate's grammar, the certificate through `file read`, the rest as the user (D34)", () => {
    const dir = mkdtempSync(join(tmpdir(), "slipway-status-"));
    // A stand-in for sudo that prints the argv it was given, one `|`-ended field each.
    execFileSync("sh", [
      "-c",
      `mkdir -p "$1/bin" && printf '#!/bin/sh\\nprintf "%%s|" "$@"; echo\\n' > "$1/bin/sudo" && chmod +x "$1/bin/sudo"`,
      "sh",
      dir,
    ]);
    writeFileSync(join(dir, "page.html"), "<p>down</p>\n");
    const probes = [
      { kind: "container" as const, target: "hv-web-blue" },
      { kind: "compose" as const, target: "hv-blue" },
      { kind: "accessories" as const, target: "hv-accessories" },
      { kind: "cert" as const, target: "/etc/letsencrypt/live/hv.test/fullchain.pem" },
      { kind: "file" as const, target: join(dir, "page.html") },
    ];
    const argv = helperStatusArgv(
      statusArgv(dir, join(dir, ".slipway-lock"), probes),
      "/usr/local/libexec/slipway/slipway-helper",
      "hv",
    );
    expect(argv.slice(3, 8)).toEqual([
      "sh",
      "/usr/local/libexec/slipway/slipway-helper",
      "hv",
      dir,
      join(dir, ".slipway-lock"),
    ]);
    const out = execFileSync(argv[0] as string, argv.slice(1), {
      encoding: "utf8",
      env: { ...process.env, PATH: `${join(dir, "bin")}:${process.env.PATH}` },
    });
    const sections = parseStatusSections(out);
    const helper = "-n|--|/usr/local/libexec/slipway/slipway-helper";
    expect(sections.get("container|hv-web-blue")).toEqual([
      `${helper}|docker|hv|inspect|--format|{{json .State}}|--|hv-web-blue|`,
    ]);
    expect(sections.get("compose|hv-blue")).toEqual([
      `${helper}|docker|hv|ps|--all|--filter|label=com.docker.compose.project=hv-blue|--format|{{.Names}} {{.State}} {{.Status}}|`,
    ]);
    // The stand-in sudo's echo of the gate's `ps` stands for the ids: the `inspect` that follows takes it as one.
    const ps = `${helper}|docker|hv|ps|--all|--quiet|--filter|label=com.docker.compose.project=hv-accessories|`;
    expect(sections.get("accessories|hv-accessories")).toEqual([
      `${helper}|docker|hv|inspect|--format|{{index .Config.Labels "com.docker.compose.service"}} {{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{end}}|${ps}|`,
    ]);
    expect(sections.get("cert|/etc/letsencrypt/live/hv.test/fullchain.pem")).toEqual([
      `${helper}|file|read|/etc/letsencrypt/live/hv.test/fullchain.pem|`,
    ]);
    expect(sections.get(`file|${join(dir, "page.html")}`)).toEqual(["<p>down</p>"]);
  });

  it("reads a swarm manager's nodes (every id from node ls to node inspect) and a stack's tasks as JSON lines", () => {
    const dir = mkdtempSync(join(tmpdir(), "slipway-status-"));
    // A stand-in docker that echoes how it was called: which argv the script builds is what is checked.
    writeFileSync(
      join(dir, "docker"),
      [
        "#!/bin/sh",
        'if [ "$1 $2" = "node ls" ]; then [ -f "$0.worker" ] && { echo "Error response from daemon: This node is not a swarm manager." >&2; exit 1; }; printf "id1\\nid2\\n"; exit 0; fi',
        'printf "%s|" "$@"; echo',
      ].join("\n"),
    );
    chmodSync(join(dir, "docker"), 0o755);
    const run = () => {
      const argv = statusArgv(dir, join(dir, "lock"), [
        { kind: "nodes", target: '{"h":{{json .Description.Hostname}}}' },
        { kind: "stack", target: "shop-blue" },
      ]);
      const out = execFileSync(argv[0] as string, argv.slice(1), {
        encoding: "utf8",
        env: { ...process.env, PATH: `${dir}:${process.env.PATH}` },
      });
      return parseStatusSections(out);
    };
    const sections = run();
    expect(sections.get('nodes|{"h":{{json .Description.Hostname}}}')).toEqual([
      'node|inspect|--format|{"h":{{json .Description.Hostname}}}|id1|id2|',
    ]);
    expect(sections.get("stack|shop-blue")).toEqual(["stack|ps|--no-trunc|--format|{{json .}}|shop-blue|"]);
    writeFileSync(join(dir, "docker.worker"), "");
    expect(run().get('nodes|{"h":{{json .Description.Hostname}}}')).toEqual([
      "Error response from daemon: This node is not a swarm manager.",
    ]);
  });

  it("reads the accessories' project: every container's id from ps to inspect, by the gate's format; none: empty (D71)", () => {
    const dir = mkdtempSync(join(tmpdir(), "slipway-status-"));
    // A stand-in docker: `ps` lists two ids unless `$0.none` exists; anything else echoes its argv.
    writeFileSync(
      join(dir, "docker"),
      [
        "#!/bin/sh",
        'if [ "$1" = "ps" ]; then printf "%s|" "$@" >> "$0.calls"; echo >> "$0.calls"; [ -f "$0.none" ] || printf "c1\\nc2\\n"; exit 0; fi',
        'printf "%s|" "$@"; echo',
      ].join("\n"),
    );
    chmodSync(join(dir, "docker"), 0o755);
    const run = () => {
      const argv = statusArgv(dir, join(dir, "lock"), [{ kind: "accessories", target: "shop-accessories" }]);
      const out = execFileSync(argv[0] as string, argv.slice(1), {
        encoding: "utf8",
        env: { ...process.env, PATH: `${dir}:${process.env.PATH}` },
      });
      return parseStatusSections(out).get("accessories|shop-accessories");
    };
    expect(run()).toEqual([
      'inspect|--format|{{index .Config.Labels "com.docker.compose.service"}} {{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{end}}|c1|c2|',
    ]);
    expect(readFileSync(join(dir, "docker.calls"), "utf8")).toBe(
      "ps|--all|--quiet|--filter|label=com.docker.compose.project=shop-accessories|\n",
    );
    writeFileSync(join(dir, "docker.none"), "");
    expect(run()).toEqual([]);
  });

  it("parses sections, dropping trailing empty lines", () => {
    expect([...parseStatusSections("junk\n@@a\n1\n\n@@b\n\n").entries()]).toEqual([
      ["a", ["1"]],
      ["b", []],
    ]);
  });
});
