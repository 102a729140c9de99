/**
 * Every CLI command with its shared options (docs/cli.md), run in-process through the real program, checked by exit
 * code. The hosts of the config have no private key configured, so every connection fails at once without any
 * traffic: "unreachable" (3) is what a command that gets past its config and --limit reaches.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { EXIT } from "../../../src/cli/_exit.js";
import { slipway } from "../../support/cli-in-process.js";

const dir = mkdtempSync(join(tmpdir(), "slipway-cli-vocabulary-"));
const GOOD = join(dir, "good.yml");
const BAD = join(dir, "bad.yml");
const PLAYBOOK = join(dir, "hello.yml");
const good = [
  "app: shop",
  "runtime: systemd",
  "services:",
  "  web:",
  "    port: 8000",
  '    systemd: { app_module: "wsgi:app" }',
  "inventory:",
  "  hosts:",
  "    t1: { address: 127.0.0.1 }",
  "    t2: { address: 127.0.0.1 }",
  "  groups:",
  "    web: { hosts: [t1, t2] }",
  "environments:",
  "  staging: {}",
  "proxy:",
  "  routes:",
  "    - { path: /, service: web }",
  "",
].join("\n");
writeFileSync(GOOD, good);
writeFileSync(BAD, good.replace("port: 8000", "port: eighty"));
// init refuses to overwrite an existing slipway.yml.
writeFileSync(join(dir, "slipway.yml"), good);
writeFileSync(PLAYBOOK, "- hosts: all\n  tasks:\n    - command: echo hi\n");

interface Spec {
  /** The command words (`lock status`); `run` gets the playbook. */
  command: string[];
  check?: boolean;
  json?: boolean;
  /** Runs playbooks: `-e` is --extra-vars there. */
  playbooks?: boolean;
  /** Took the config as a positional argument before -c (still works, with a note). */
  positional?: boolean;
}

/** The commands that reach hosts, and which shared options each has. */
const HOSTED: Spec[] = [
  { command: ["deploy"], check: true, json: true, positional: true },
  { command: ["rollback"], check: true, json: true, positional: true },
  // Without a playbook, plan is the deploy's plan: -e (a playbook's extra vars) is a usage error there.
  { command: ["plan"], check: true, json: true },
  { command: ["plan", PLAYBOOK], check: true, json: true, playbooks: true },
  { command: ["run", PLAYBOOK], check: true, json: true, playbooks: true },
  { command: ["certs"], check: true, json: true, playbooks: true, positional: true },
  { command: ["releases"], json: true, positional: true },
  { command: ["lock", "status"], json: true, positional: true },
  { command: ["lock", "release"], positional: true },
  { command: ["remove"], check: true, positional: true },
];

function rows(spec: Spec): Array<[string, string[], number]> {
  const c = spec.command;
  const table: Array<[string, string[], number]> = [
    ["reaches the hosts (unreachable)", [...c, "-c", GOOD], EXIT.unreachable],
    ["--env of the config", [...c, "-c", GOOD, "--env", "staging"], EXIT.unreachable],
    ["--limit a host", [...c, "-c", GOOD, "-l", "t1"], EXIT.unreachable],
    ["--limit a group with an exclusion", [...c, "-c", GOOD, "--limit", "web:!t2"], EXIT.unreachable],
    ["--limit repeated", [...c, "-c", GOOD, "-l", "t1", "-l", "t2"], EXIT.unreachable],
    ["invalid config", [...c, "-c", BAD], EXIT.config],
    ["missing config (a file it cannot read: 1)", [...c, "-c", join(dir, "missing.yml")], EXIT.error],
    ["unknown --env", [...c, "-c", GOOD, "--env", "prod"], EXIT.config],
    ["--limit naming no host", [...c, "-c", GOOD, "-l", "t9"], EXIT.config],
    ["--limit with a misspelt exclusion", [...c, "-c", GOOD, "-l", "all:!t9"], EXIT.config],
    ["--limit selecting nothing", [...c, "-c", GOOD, "-l", "t1:&t2"], EXIT.config],
    ["unknown option", [...c, "-c", GOOD, "--bogus"], EXIT.usage],
  ];
  if (spec.check) table.push(["-C", [...c, "-c", GOOD, "-C"], EXIT.unreachable]);
  if (spec.check) table.push(["--check", [...c, "-c", GOOD, "--check"], EXIT.unreachable]);
  if (spec.playbooks) table.push(["-e extra vars", [...c, "-c", GOOD, "-e", "x=1"], EXIT.unreachable]);
  else table.push(["-e (not --env)", [...c, "-c", GOOD, "-e", "staging"], EXIT.usage]);
  if (spec.positional) {
    table.push(["deprecated positional config", [...c, GOOD], EXIT.unreachable]);
    table.push(["positional and -c disagree", [...c, GOOD, "-c", BAD], EXIT.usage]);
  }
  return table;
}

describe.each(HOSTED.map((spec) => [spec.command.join(" ").replace(PLAYBOOK, "PLAYBOOK"), spec] as const))(
  "slipway %s",
  (_name, spec) => {
    it.each(rows(spec))("%s", async (_what, argv, code) => {
      const ran = await slipway(...argv);
      expect(ran.code, ran.stderr).toBe(code);
    });

    it.runIf(spec.json)("--json: stdout is one JSON document, progress on stderr", async () => {
      const ran = await slipway(...spec.command, "-c", GOOD, "--json");
      expect(ran.code, ran.stderr).toBe(EXIT.unreachable);
      expect(() => JSON.parse(ran.stdout)).not.toThrow();
    });
  },
);

describe("commands that reach no host", () => {
  it.each<[string, string[], number]>([
    ["validate", ["validate", "-c", GOOD], EXIT.ok],
    ["validate --env", ["validate", "-c", GOOD, "--env", "staging"], EXIT.ok],
    ["validate an invalid config", ["validate", "-c", BAD], EXIT.config],
    ["validate an unknown --env", ["validate", "-c", GOOD, "--env", "prod"], EXIT.config],
    ["validate -e", ["validate", "-c", GOOD, "-e", "staging"], EXIT.usage],
    ["validate (deprecated positional)", ["validate", GOOD], EXIT.ok],
    ["render", ["render", "-c", GOOD], EXIT.ok],
    ["render an invalid config", ["render", "-c", BAD], EXIT.config],
    ["render --color purple", ["render", "-c", GOOD, "--color", "purple"], EXIT.usage],
    ["render -e", ["render", "-c", GOOD, "-e", "staging"], EXIT.usage],
    ["build (systemd: nothing to build)", ["build", "-c", GOOD], EXIT.ok],
    ["build an invalid config", ["build", "-c", BAD], EXIT.config],
    ["build -e", ["build", "-c", GOOD, "-e", "staging"], EXIT.usage],
    ["backup list without a database", ["backup", "list", "-c", GOOD], EXIT.config],
    ["backup list -e", ["backup", "list", "-c", GOOD, "-e", "staging"], EXIT.usage],
    ["backup create without a database", ["backup", "create", "-c", GOOD, "--env", "staging"], EXIT.config],
    ["backup restore without a database", ["backup", "restore", "b1", "-c", GOOD, "--json"], EXIT.config],
    ["backup prune without a database", ["backup", "prune", "-c", GOOD, "--dry-run"], EXIT.config],
    ["backup restore without its id", ["backup", "restore", "-c", GOOD], EXIT.usage],
    ["backup list, invalid config", ["backup", "list", "-c", BAD], EXIT.config],
    ["config", ["config", "-c", GOOD], EXIT.ok],
    ["config --env", ["config", "-c", GOOD, "--env", "staging"], EXIT.ok],
    ["config an invalid config", ["config", "-c", BAD], EXIT.config],
    ["config an unknown --env", ["config", "-c", GOOD, "--env", "prod"], EXIT.config],
    ["config a missing file", ["config", "-c", join(dir, "missing.yml")], EXIT.error],
    ["config -e", ["config", "-c", GOOD, "-e", "staging"], EXIT.usage],
    ["init a new directory", ["init", mkdtempSync(join(dir, "init-")), "--host", "t1=10.0.0.1"], EXIT.ok],
    ["init where slipway.yml exists (no --force)", ["init", dir, "--no-workflows"], EXIT.error],
    ["init --runtime of no kind", ["init", mkdtempSync(join(dir, "init-")), "--runtime", "podman"], EXIT.usage],
    ["init --host of the wrong shape", ["init", mkdtempSync(join(dir, "init-")), "--host", "a b=c"], EXIT.usage],
    ["unknown command", ["deploi"], EXIT.usage],
    ["--version", ["--version"], EXIT.ok],
    ["--help", ["deploy", "--help"], EXIT.ok],
  ])("%s", async (_what, argv, code) => {
    const ran = await slipway(...argv);
    expect(ran.code, ran.stderr).toBe(code);
  });

  it("init --json prints one JSON document", async () => {
    const ran = await slipway("init", mkdtempSync(join(dir, "init-")), "--json", "--host", "10.0.0.1");
    expect(ran.code, ran.stderr).toBe(EXIT.ok);
    expect(JSON.parse(ran.stdout)).toMatchObject({
      runtime: "systemd",
      files: ["slipway.yml", ".github/workflows/deploy.yml", ".github/workflows/rollback.yml"],
    });
  });

  it.each([["validate"], ["render"], ["build"], ["config"]])("%s --json prints one JSON document", async (command) => {
    const ran = await slipway(command, "-c", GOOD, "--json");
    expect(ran.code, ran.stderr).toBe(EXIT.ok);
    expect(() => JSON.parse(ran.stdout)).not.toThrow();
  });
});

describe("what the shared options print", () => {
  it("-e on a command without playbooks says to write --env", async () => {
    const ran = await slipway("deploy", "-c", GOOD, "-e", "staging");
    expect(ran.stderr).toBe(
      [
        "-e staging: -e is --extra-vars (as in Ansible) and only commands that run playbooks take it",
        "  next: for an environment write --env staging; extra variables go to slipway run/plan/certs -e key=value",
        "",
      ].join("\n"),
    );
  });

  it("the positional config still works and says how to write it now", async () => {
    const ran = await slipway("validate", GOOD);
    expect(ran.stderr).toBe(
      `note: \`slipway validate ${GOOD}\` is deprecated; write \`slipway validate -c ${GOOD}\`\n`,
    );
  });

  it("--limit narrows the deploy's hosts to the pattern", async () => {
    const ran = await slipway("deploy", "-c", GOOD, "-C", "--json", "-l", "web:!t1");
    expect(JSON.parse(ran.stdout).hosts.map((h: { name: string }) => h.name)).toEqual(["t2"]);
  });

  it("plan without a playbook is the deploy's plan: its --json is the deploy's result", async () => {
    const ran = await slipway("plan", "-c", GOOD, "--json", "-l", "t1");
    expect(ran.code).toBe(EXIT.unreachable);
    expect(JSON.parse(ran.stdout)).toMatchObject({ ok: false, hosts: [{ name: "t1", status: "unreachable" }] });
  });

  it("plan without a playbook refuses the playbook-only options", async () => {
    const ran = await slipway("plan", "-c", GOOD, "-t", "web");
    expect(ran.code).toBe(EXIT.usage);
    expect(ran.stderr).toContain("tags: only for a playbook's plan");
  });

  it("validate --json gives each problem its position and key", async () => {
    const ran = await slipway("validate", "-c", BAD, "--json");
    expect(JSON.parse(ran.stdout)).toMatchObject({
      file: BAD,
      ok: false,
      issues: [{ file: BAD, line: 5, col: 11, key: "services.web.port" }],
    });
  });
});
