/** `slipway validate [file] [--env NAME]`: check slipway.yml without touching any server. */
import { readFile } from "node:fs/promises";
import type { Command } from "commander";
import { formatIssue } from "../config/issues.js";
import { validateConfigText } from "../config/load.js";
import { validSummary } from "../config/summary.js";

export interface ValidateCommandOptions {
  env?: string;
}

export interface CommandOutput {
  exitCode: number;
  stdout: string[];
  stderr: string[];
}

/** The command without I/O to the terminal: what it prints and its exit code (unit-testable). */
export async function runValidate(file: string, options: ValidateCommandOptions = {}): Promise<CommandOutput> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "file not found" : `cannot read the file (${code})`;
    return { exitCode: 1, stdout: [], stderr: [`${file}: ${why}`] };
  }
  const result = validateConfigText(text, file, { environment: options.env });
  if (!result.ok) {
    const count = result.issues.length;
    return {
      exitCode: 1,
      stdout: [],
      stderr: [...result.issues.map(formatIssue), `${file}: ${count} problem${count === 1 ? "" : "s"}`],
    };
  }
  const config = result.configs[0];
  const summary = config ? validSummary(file, config, options.env ? [] : result.environments) : `${file}: valid`;
  return { exitCode: 0, stdout: [summary], stderr: [] };
}

export function register(program: Command): void {
  program
    .command("validate")
    .description("check slipway.yml (every environment, or the one given) and print every problem with file:line:col")
    .argument("[file]", "config file", "slipway.yml")
    .option("-e, --env <name>", "check only this environment's merged config")
    .action(async (file: string, options: ValidateCommandOptions) => {
      const output = await runValidate(file, options);
      for (const line of output.stdout) process.stdout.write(`${line}\n`);
      for (const line of output.stderr) process.stderr.write(`${line}\n`);
      process.exitCode = output.exitCode;
    });
}
