/** `slipway validate [-c file] [--env NAME] [--json]`: check slipway.yml without touching any server. */
import type { Command } from "commander";
import { formatValidationProblem, validateConfigFile } from "../deploy/validate-config.js";
import { EXIT } from "./_exit.js";
import { type ConfigFlags, configFile, configOptions, jsonOption } from "./_options.js";
import type { CliRun } from "./_run.js";

export { INTERNAL_WITHOUT_PUBLIC_PORT } from "../deploy/validate-config.js";

export interface ValidateCommandOptions {
  env?: string;
}

/** The --json form: `ok`, and each problem with its position and config key. */
export interface ValidateReport {
  file: string;
  ok: boolean;
  /** Environments the file defines (each was checked), when it is valid and no --env was given. */
  environments?: string[];
  issues: Array<{ file: string; line: number; col: number; key: string; message: string; environment?: string }>;
}

export interface CommandOutput {
  exitCode: number;
  stdout: string[];
  stderr: string[];
  report: ValidateReport;
}

/** The command without I/O to the terminal: what it prints and its exit code (unit-testable). */
export async function runValidate(file: string, options: ValidateCommandOptions = {}): Promise<CommandOutput> {
  const result = await validateConfigFile(file, { environment: options.env });
  if (result.kind === "unreadable") {
    const report = { file, ok: false, issues: [{ file, line: 0, col: 0, key: "", message: result.reason }] };
    return { exitCode: EXIT.error, stdout: [], stderr: [result.message], report };
  }
  if (result.kind === "invalid") {
    const count = result.problems.length;
    return {
      exitCode: EXIT.config,
      stdout: [],
      stderr: [...result.problems.map(formatValidationProblem), `${file}: ${count} problem${count === 1 ? "" : "s"}`],
      report: { file, ok: false, issues: result.problems },
    };
  }
  const { environments, summary } = result;
  const stderr = result.warnings.map((w) => `warning: ${w}`);
  return { exitCode: EXIT.ok, stdout: [summary], stderr, report: { file, ok: true, environments, issues: [] } };
}

export function register(program: Command, run: CliRun): void {
  const command = program
    .command("validate")
    .description("check slipway.yml (every environment, or the one given) and print every problem with file:line:col");
  configOptions(command, { positional: true });
  jsonOption(command, "print {file, ok, environments, issues: [{file, line, col, key, message}]} on stdout");
  command.action(async (positional: string | undefined, options: ConfigFlags & { json?: boolean }) => {
    const output = await runValidate(configFile(positional, options, run, "validate"), options);
    if (options.json) run.json(output.report);
    else for (const line of output.stdout) run.out(line);
    if (!options.json) for (const line of output.stderr) run.err(line);
    process.exitCode = output.exitCode;
  });
}
