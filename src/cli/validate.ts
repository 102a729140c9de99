/** `slipway validate [-c file] [--env NAME] [--json]`: check slipway.yml without touching any server. */
import type { Command } from "commander";
import type { SlipwayConfig } from "../config/index.js";
import { type ConfigIssue, formatIssue, formatPath } from "../config/issues.js";
import { ConfigFileUnreadable, readConfigText, validateConfigText } from "../config/load.js";
import { validSummary } from "../config/summary.js";
import { swarmSecretWarnings } from "../config/swarm.js";
import { checkDeployHooks } from "../deploy/hooks.js";
import { formatProblem, type ParseProblem, PlaybookParseError } from "../engine/parse/source.js";
import { configFileIssues } from "../render/config-file-check.js";
import { EXIT } from "./_exit.js";
import { type ConfigFlags, configFile, configOptions, jsonOption } from "./_options.js";
import type { CliRun } from "./_run.js";

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

function reportIssue(issue: ConfigIssue): ValidateReport["issues"][number] {
  const { file, line, col, message, environment } = issue;
  return { file, line, col, key: formatPath(issue.path), message, ...(environment ? { environment } : {}) };
}

/** The command without I/O to the terminal: what it prints and its exit code (unit-testable). */
export async function runValidate(file: string, options: ValidateCommandOptions = {}): Promise<CommandOutput> {
  let text: string;
  try {
    text = await readConfigText(file);
  } catch (error) {
    if (!(error instanceof ConfigFileUnreadable)) throw error;
    const report = { file, ok: false, issues: [{ file, line: 0, col: 0, key: "", message: error.reason }] };
    return { exitCode: EXIT.error, stdout: [], stderr: [error.message], report };
  }
  const result = validateConfigText(text, file, { environment: options.env });
  if (!result.ok) {
    const count = result.issues.length;
    return {
      exitCode: EXIT.config,
      stdout: [],
      stderr: [...result.issues.map(formatIssue), `${file}: ${count} problem${count === 1 ? "" : "s"}`],
      report: { file, ok: false, issues: result.issues.map(reportIssue) },
    };
  }
  const { problems: hookProblems, warnings } = hookIssues(result.configs);
  if (hookProblems.length > 0) {
    const count = hookProblems.length;
    return {
      exitCode: EXIT.config,
      stdout: [],
      stderr: [...hookProblems.map(formatProblem), `${file}: ${count} problem${count === 1 ? "" : "s"}`],
      report: {
        file,
        ok: false,
        issues: hookProblems.map((p) => ({ file: p.file, line: p.line, col: p.col, key: p.where, message: p.message })),
      },
    };
  }
  const fileIssues = configFileIssues(text, file, result.configs);
  if (fileIssues.length > 0) {
    const count = fileIssues.length;
    return {
      exitCode: EXIT.config,
      stdout: [],
      stderr: [...fileIssues.map(formatIssue), `${file}: ${count} problem${count === 1 ? "" : "s"}`],
      report: { file, ok: false, issues: fileIssues.map(reportIssue) },
    };
  }
  const config = result.configs[0];
  const environments = options.env ? [] : result.environments;
  const summary = config ? validSummary(file, config, environments) : `${file}: valid`;
  // Renamed module arguments in hooks: valid, and said on stderr so the file gets updated.
  if (result.configs.some(noPublicPort)) warnings.push(INTERNAL_WITHOUT_PUBLIC_PORT);
  for (const warning of new Set(result.configs.flatMap(swarmSecretWarnings))) warnings.push(warning);
  const stderr = warnings.map((w) => `warning: ${w}`);
  return { exitCode: EXIT.ok, stdout: [summary], stderr, report: { file, ok: true, environments, issues: [] } };
}

/**
 * proxy.mode internal binds every service to 127.0.0.1 and has no nginx: without a `public_port` nothing is reachable
 * from outside the host. Right for a worker only app, so a warning (valid), not a refusal.
 */
export const INTERNAL_WITHOUT_PUBLIC_PORT =
  "proxy.mode internal and no service has `public_port`: nothing is reachable from outside the host (the services listen on 127.0.0.1); give the service users reach `public_port: <port>`, unless the app only works in the background";

function noPublicPort(config: SlipwayConfig): boolean {
  return config.proxy.mode === "internal" && Object.values(config.services).every((s) => s.public_port === undefined);
}

/** The hooks' problems and warnings as the deploy's parser finds them, once each (the same hook in every environment). */
function hookIssues(configs: readonly SlipwayConfig[]): { problems: ParseProblem[]; warnings: string[] } {
  const found = new Map<string, ParseProblem>();
  const warnings = new Set<string>();
  for (const config of configs) {
    try {
      for (const warning of checkDeployHooks(config)) warnings.add(warning);
    } catch (error) {
      if (!(error instanceof PlaybookParseError)) throw error;
      for (const problem of error.problems) found.set(formatProblem(problem), problem);
    }
  }
  return { problems: [...found.values()], warnings: [...warnings] };
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
