/**
 * The `slipway` CLI. Each command lives in its own file here, `src/cli/<command>.ts`, exporting
 * `register(program: Command)`; this file finds them at start, so adding a command means adding a file.
 * Files starting with `_` (helpers) and this file are skipped.
 */
import { readdirSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Command, CommanderError } from "commander";
import { SlipwayError } from "../errors.js";
import { exitCodeForError } from "./_exit.js";
import { CliRun } from "./_run.js";
import { slipwayVersion } from "./_version.js";

export interface CommandModule {
  /** Declares the command on `program`; its action prints through `run` (one redactor for the whole invocation). */
  register(program: Command, run: CliRun): void;
}

/**
 * The program with the given command modules registered (a single-file bundle passes them statically). Commander
 * throws instead of exiting (exitOverride, inherited by every command), so runProgram owns the exit code.
 */
export function createProgram(modules: readonly CommandModule[], run: CliRun): Command {
  const program = new Command("slipway")
    .description("Deploy web apps over SSH: blue-green switch, database backups, certificates, automatic rollback.")
    .version(slipwayVersion())
    .showHelpAfterError()
    .enablePositionalOptions()
    .exitOverride()
    // Help, usage errors and the version go through the run's streams too (redacted; captured by tests).
    .configureOutput({ writeOut: run.write, writeErr: run.writeErr });
  for (const module of modules) module.register(program, run);
  return program;
}

/** Every `register` exported by a command file next to this one, in file name order. */
export async function discoverCommands(dir = dirname(fileURLToPath(import.meta.url))): Promise<CommandModule[]> {
  const skip = new Set(["main", "index"]);
  const files = readdirSync(dir)
    .filter((f) => /\.(ts|js|mjs)$/.test(f) && !/\.d\.ts$|\.test\.|\.map$/.test(f))
    .filter((f) => !f.startsWith("_") && !skip.has(basename(f).replace(/\.(ts|js|mjs)$/, "")))
    .sort();
  const modules: CommandModule[] = [];
  for (const file of files) {
    const module = (await import(pathToFileURL(join(dir, file)).href)) as Partial<CommandModule>;
    if (typeof module.register === "function") modules.push(module as CommandModule);
  }
  return modules;
}

export async function main(argv: readonly string[] = process.argv): Promise<void> {
  const run = new CliRun();
  await runProgram(createProgram(await discoverCommands(), run), argv, run);
}

/**
 * Parses argv and runs the command. An error that ends it is printed through the run's redactor (a SlipwayError as
 * its multi-line description: host, step, command, hint; Commander's own errors are already printed) and mapped to
 * an exit code (_exit.ts). Returns the exit code, also left in process.exitCode.
 */
export async function runProgram(program: Command, argv: readonly string[], run: CliRun): Promise<number> {
  try {
    await program.parseAsync([...argv]);
  } catch (error) {
    if (error instanceof SlipwayError) run.err(error.describe());
    else if (!(error instanceof CommanderError))
      run.err(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exitCode = exitCodeForError(error);
  }
  return Number(process.exitCode ?? 0);
}

// Run when executed directly (`tsx src/cli/main.ts`, `node build/cli/main.js`), not when imported by bin/slipway.js.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  void main();
}
