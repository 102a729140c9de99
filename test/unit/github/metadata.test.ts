/**
 * The actions' metadata as GitHub reads it: every action.yml and example workflow passes the external validator
 * (scripts/validate-actions.mjs, @action-validator/core: GitHub's schemas), a broken copy fails it, the root and
 * actions/deploy metadata are the same action, and the inputs the code reads are the inputs action.yml declares.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { readInputs } from "../../../src/github/inputs.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const SCRIPT = join(ROOT, "scripts/validate-actions.mjs");

function validate(...files: string[]) {
  const run = spawnSync(process.execPath, [SCRIPT, ...files], { cwd: ROOT, encoding: "utf8" });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** A copy of a repository file, changed by `edit`, in a temp dir under the same name. */
function brokenCopy(file: string, edit: (text: string) => string): string {
  const dir = mkdtempSync(join(tmpdir(), "slipway-meta-"));
  const path = join(dir, file.split("/").pop() as string);
  const text = readFileSync(join(ROOT, file), "utf8");
  const changed = edit(text);
  expect(changed).not.toBe(text);
  writeFileSync(path, changed);
  return path;
}

const metadata = (file: string) => parse(readFileSync(join(ROOT, file), "utf8"));

describe("metadata validation (scripts/validate-actions.mjs)", { timeout: 30_000 }, () => {
  it("every action.yml and example workflow of the repository is valid", () => {
    const run = validate();
    expect(run.stderr).toBe("");
    expect(run.stdout.trim()).toMatch(/^(\d+) of \1 action and workflow files valid$/);
    expect(run.code).toBe(0);
  });

  it("a description with an unquoted `: ` (the YAML GitHub refused) fails with its line and column", () => {
    const bad = brokenCopy("actions/verify/action.yml", (t) =>
      t.replace(/^description: ".*"$/m, "description: Post-deploy checks: HTTP routes"),
    );
    const run = validate(bad);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`${bad}:2:`);
    expect(run.stderr).toContain("Parse Error: mapping values are not allowed in this context");
  });

  it("a misspelt runs key and an unknown runtime fail", () => {
    const bad = brokenCopy("action.yml", (t) =>
      t.replace("  main: dist/", "  mian: dist/").replace("using: node24", "using: node18"),
    );
    const run = validate(bad);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`${bad}: /runs/using: "node18" is not a runtime the runner has (node20, node24)`);
    expect(run.stderr).toContain("Additional property 'mian' is not allowed");
  });

  it("a workflow step giving Slipway's deploy action an input it does not have fails, naming the closest (D69)", () => {
    const bad = brokenCopy("examples/workflows/deploy.yml", (t) =>
      t
        .replace("          version-env: APP_VERSION", "          version_env: APP_VERSION")
        .replace("command: deploy", "command: deplyo"),
    );
    const run = validate(bad);
    expect(run.code).toBe(1);
    expect(run.stderr.split("\n").filter(Boolean)).toEqual([
      `${bad}:60:20: slipway/slipway/actions/deploy@SLIPWAY_COMMIT_SHA: input command: "deplyo" is not one of deploy, plan, rollback, validate, config, maintenance-on, maintenance-off; did you mean "deploy"?`,
      `${bad}:61:11: slipway/slipway/actions/deploy@SLIPWAY_COMMIT_SHA: unknown input "version_env"; did you mean "version-env"? GitHub would run the step without it`,
    ]);
  });

  it("a workflow with a job key GitHub does not know fails", () => {
    const bad = brokenCopy("examples/workflows/deploy.yml", (t) => t.replace(/^( {4})runs-on:/m, "$1run-on:"));
    const run = validate(bad);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("0 of 1 action and workflow files valid");
  });
});

describe("the deploy action's metadata", () => {
  it("action.yml and actions/deploy/action.yml are the same action running the same files", () => {
    const root = metadata("action.yml");
    const sub = metadata("actions/deploy/action.yml");
    const at = (base: string, file: string) => resolve(ROOT, base, file);
    expect(at(".", root.runs.main)).toBe(at("actions/deploy", sub.runs.main));
    expect(at(".", root.runs.post)).toBe(at("actions/deploy", sub.runs.post));
    const strip = (m: { runs: object }) => ({ ...m, runs: { ...m.runs, main: "", post: "" } });
    expect(strip(sub)).toEqual(strip(root));
  });

  it("declares exactly the inputs the code reads, and the outputs it sets", () => {
    const read = new Set<string>();
    readInputs((name) => {
      read.add(name);
      return "";
    });
    expect(Object.keys(metadata("action.yml").inputs).sort()).toEqual([...read].sort());
    const outputs = Object.keys(metadata("action.yml").outputs).sort();
    expect(outputs).toEqual(["backups", "deployment-id", "images", "previous-release", "release", "url"]);
  });

  it("runs on the runner's node24 and its post step runs always (a cancelled job still cleans up)", () => {
    const { runs } = metadata("action.yml");
    expect(runs.using).toBe("node24");
    expect(runs["post-if"]).toBe("always()");
    expect(metadata("actions/verify/action.yml").runs.using).toBe("node24");
  });

  it("the validator itself is a registry package, installed with the dev dependencies (no download at run time)", () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
    expect(pkg.devDependencies["@action-validator/core"]).toBeDefined();
    expect(
      execFileSync(
        process.execPath,
        ["-e", "import('@action-validator/core').then(m=>console.log(typeof m.validateAction))"],
        { cwd: ROOT, encoding: "utf8" },
      ).trim(),
    ).toBe("function");
  });
});
