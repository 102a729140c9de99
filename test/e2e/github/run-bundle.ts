/** Runs the bundled action (dist/deploy/index.js) in a child Node process the way the runner does: INPUT_* env. */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { REPO_ROOT } from "../support/sandbox.js";

export const BUNDLE = resolve(REPO_ROOT, "dist/deploy/index.js");

export interface BundleRun {
  code: number | null;
  stdout: string;
  stderr: string;
  summary: string;
  outputs: Record<string, string>;
  outputsRaw: string;
}

/** GITHUB_OUTPUT's `name<<DELIMITER\nvalue\nDELIMITER` blocks. */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const m = /^([^<]+)<<(.+)$/.exec(lines[i] ?? "");
    if (!m?.[1] || !m[2]) continue;
    const value: string[] = [];
    for (i++; i < lines.length && lines[i] !== m[2]; i++) value.push(lines[i] ?? "");
    outputs[m[1]] = value.join("\n");
  }
  return outputs;
}

export async function runBundle(
  inputs: Record<string, string>,
  env: Record<string, string>,
  cwd: string,
  node = process.execPath,
): Promise<BundleRun> {
  const dir = mkdtempSync(join(tmpdir(), "slipway-action-"));
  const summaryPath = join(dir, "summary.md");
  const outputPath = join(dir, "output.txt");
  writeFileSync(summaryPath, "");
  writeFileSync(outputPath, "");
  const inputEnv = Object.fromEntries(
    Object.entries(inputs).map(([k, v]) => [`INPUT_${k.replace(/ /g, "_").toUpperCase()}`, v]),
  );
  const child = spawn(node, [BUNDLE], {
    cwd,
    env: {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      HOME: dir,
      GITHUB_ACTIONS: "true",
      GITHUB_STEP_SUMMARY: summaryPath,
      GITHUB_OUTPUT: outputPath,
      ...inputEnv,
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (c) => {
    stdout += c;
  });
  child.stderr.on("data", (c) => {
    stderr += c;
  });
  const code = await new Promise<number | null>((done) => child.on("close", done));
  const outputsRaw = readFileSync(outputPath, "utf8");
  return {
    code,
    stdout,
    stderr,
    summary: readFileSync(summaryPath, "utf8"),
    outputs: parseOutputFile(outputsRaw),
    outputsRaw,
  };
}
