/**
 * Runs a JavaScript action the way the GitHub runner does, from its action.yml: the metadata parsed (invalid YAML or
 * an unknown runtime fails as it does on GitHub), each declared input set from `with:` or its default (the one
 * expression the defaults use, `${{ github.token }}`, evaluated), inputs the metadata does not declare refused, the
 * `runs.main` file run with node in a child process with the runner's file commands (GITHUB_OUTPUT, GITHUB_STATE,
 * GITHUB_STEP_SUMMARY, GITHUB_ENV), then `runs.post` when `post-if` holds, with main's saved state as STATE_<name>.
 * Cancelling sends a signal to the running step like the runner's cancel (then SIGKILL after a grace period).
 *
 * Why not @github/local-action: it runs the TypeScript source in-process with its own stubs of @actions/core (v2)
 * swapped in through quibble, needs an exported run(), and never runs the bundled runs.main/runs.post files or a
 * separate post process, so it cannot show what the runner does with our metadata, bundle, state and signals.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parse } from "yaml";

export interface ActionMetadata {
  name: string;
  inputs?: Record<string, { description?: string; default?: string; required?: boolean }>;
  outputs?: Record<string, { description?: string }>;
  runs: { using: string; main: string; post?: string; "post-if"?: string };
}

export interface StepRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  summary: string;
  outputs: Record<string, string>;
  outputsRaw: string;
  /** What the step saved with core.saveState (handed to the post step). */
  state: Record<string, string>;
}

export interface RunningStep {
  child: ChildProcess;
  /** Output so far (for waiting on a line). */
  stdout(): string;
  done: Promise<StepRun>;
}

const RUNTIMES = ["node20", "node24"];

/** action.yml as the runner loads it; throws like the runner refuses it. */
export function loadAction(actionDir: string): ActionMetadata {
  const text = readFileSync(join(actionDir, "action.yml"), "utf8");
  const metadata = parse(text, { strict: true, uniqueKeys: true }) as ActionMetadata;
  if (!RUNTIMES.includes(metadata.runs?.using)) throw new Error(`runs.using ${metadata.runs?.using} is not supported`);
  if (!metadata.runs.main) throw new Error("runs.main is missing");
  return metadata;
}

/** `name<<DELIMITER\nvalue\nDELIMITER` blocks (GITHUB_OUTPUT and GITHUB_STATE). */
export function parseFileCommand(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const m = /^([^<=]+)<<(.+)$/.exec(lines[i] ?? "");
    if (!m?.[1] || !m[2]) continue;
    const value: string[] = [];
    for (i++; i < lines.length && lines[i] !== m[2]; i++) value.push(lines[i] ?? "");
    values[m[1]] = value.join("\n");
  }
  return values;
}

export interface StepOptions {
  /** The step's `with:`. */
  with: Record<string, string>;
  /** The job's environment (GITHUB_* context, secrets passed in `env:`). */
  env: Record<string, string>;
  /** GITHUB_WORKSPACE, the step's working directory. */
  workspace: string;
  /** `${{ github.token }}`. */
  token?: string;
  node?: string;
}

/** The INPUT_* variables the runner sets: every declared input, from `with:` or its default. */
export function inputEnv(metadata: ActionMetadata, options: StepOptions): Record<string, string> {
  const declared = metadata.inputs ?? {};
  const unexpected = Object.keys(options.with).filter((name) => !(name in declared));
  if (unexpected.length > 0) throw new Error(`Unexpected input(s) '${unexpected.join("', '")}'`);
  const env: Record<string, string> = {};
  for (const [name, input] of Object.entries(declared)) {
    const value = options.with[name] ?? evaluateDefault(input.default ?? "", options.token);
    env[`INPUT_${name.replace(/ /g, "_").toUpperCase()}`] = value;
  }
  return env;
}

function evaluateDefault(value: string, token: string | undefined): string {
  return value.replace(/\$\{\{\s*([^}]*?)\s*\}\}/g, (_, expression: string) => {
    if (expression === "github.token") return token ?? "";
    throw new Error(`the test runner does not evaluate \${{ ${expression} }}`);
  });
}

/** Starts `runs.main` or `runs.post` of the action in `actionDir`. */
export function startStep(
  actionDir: string,
  stage: "main" | "post",
  options: StepOptions,
  state: Record<string, string> = {},
): RunningStep {
  const metadata = loadAction(actionDir);
  const file = stage === "main" ? metadata.runs.main : metadata.runs.post;
  if (!file) throw new Error(`${actionDir}/action.yml has no runs.${stage}`);
  const dir = mkdtempSync(join(tmpdir(), `slipway-runner-${stage}-`));
  const files = { summary: join(dir, "summary.md"), output: join(dir, "output"), state: join(dir, "state") };
  for (const path of [...Object.values(files), join(dir, "env")]) writeFileSync(path, "");
  const stateEnv = Object.fromEntries(Object.entries(state).map(([k, v]) => [`STATE_${k}`, v]));
  const child = spawn(options.node ?? process.execPath, [resolve(actionDir, file)], {
    cwd: options.workspace,
    env: {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      HOME: dir,
      CI: "true",
      GITHUB_ACTIONS: "true",
      GITHUB_WORKSPACE: options.workspace,
      GITHUB_ACTION_PATH: actionDir,
      GITHUB_STEP_SUMMARY: files.summary,
      GITHUB_OUTPUT: files.output,
      GITHUB_STATE: files.state,
      GITHUB_ENV: join(dir, "env"),
      ...options.env,
      ...inputEnv(metadata, options),
      ...stateEnv,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (c) => {
    stdout += c;
  });
  child.stderr?.on("data", (c) => {
    stderr += c;
  });
  const done = new Promise<StepRun>((settle) => {
    child.on("close", (code, signal) => {
      const outputsRaw = readFileSync(files.output, "utf8");
      settle({
        code,
        signal,
        stdout,
        stderr,
        summary: readFileSync(files.summary, "utf8"),
        outputs: parseFileCommand(outputsRaw),
        outputsRaw,
        state: parseFileCommand(readFileSync(files.state, "utf8")),
      });
    });
  });
  return { child, stdout: () => stdout, done };
}

/** Whether the runner runs the post step after a main step that ended this way (`post-if`, default `always()`). */
export function postRuns(metadata: ActionMetadata, mainSucceeded: boolean): boolean {
  const condition = (metadata.runs["post-if"] ?? "always()").trim();
  if (!metadata.runs.post) return false;
  if (condition === "always()") return true;
  if (condition === "success()") return mainSucceeded;
  if (condition === "failure()") return !mainSucceeded;
  throw new Error(`the test runner does not evaluate post-if: ${condition}`);
}

/** main, then post when post-if holds: both steps' results (post undefined when it did not run). */
export async function runAction(actionDir: string, options: StepOptions): Promise<{ main: StepRun; post?: StepRun }> {
  const main = await startStep(actionDir, "main", options).done;
  if (!postRuns(loadAction(actionDir), main.code === 0)) return { main };
  const post = await startStep(actionDir, "post", options, main.state).done;
  return { main, post };
}

/** The runner's cancel: the signal, then SIGKILL when the step has not exited within `graceMs`. */
export function cancel(step: RunningStep, signal: NodeJS.Signals = "SIGTERM", graceMs = 2500): void {
  step.child.kill(signal);
  const timer = setTimeout(() => step.child.kill("SIGKILL"), graceMs);
  step.child.on("close", () => clearTimeout(timer));
}

/**
 * The runner's own cancel of a running step: SIGINT, SIGTERM 7.5 s later, SIGKILL 2.5 s after that (each only if
 * the process is still there). Resolves with how the step ended.
 */
export async function cancelLikeRunner(step: RunningStep, intervalsMs = { term: 7500, kill: 2500 }): Promise<StepRun> {
  let exited = false;
  step.child.on("close", () => {
    exited = true;
  });
  const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
  step.child.kill("SIGINT");
  for (const [signal, ms] of [
    ["SIGTERM", intervalsMs.term],
    ["SIGKILL", intervalsMs.kill],
  ] as const) {
    const deadline = Date.now() + ms;
    while (!exited && Date.now() < deadline) await wait(50);
    if (!exited) step.child.kill(signal);
  }
  return step.done;
}
