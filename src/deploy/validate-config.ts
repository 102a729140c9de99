/**
 * Every check `validate` makes on a slipway.yml, without touching a server: the schema (every environment, or the one
 * asked for), each hook as the deploy's playbook parser reads it, and the `services.*.files` templates. The CLI's
 * `slipway validate` and the Action's `command: validate` both call {@link validateConfigFile} and only format its
 * answer (stderr lines, `::error` annotations), so neither can accept what the other refuses.
 */
import type { SlipwayConfig } from "../config/index.js";
import { type ConfigIssue, formatPath } from "../config/issues.js";
import { ConfigFileUnreadable, readConfigText, validateConfigText } from "../config/load.js";
import { validSummary } from "../config/summary.js";
import { swarmSecretWarnings } from "../config/swarm.js";
import { formatProblem, type ParseProblem, PlaybookParseError } from "../engine/parse/source.js";
import { configFileIssues } from "../render/config-file-check.js";
import { noDrainWarning } from "./drain.js";
import { checkDeployHooks } from "./hooks.js";

/** One refusal: its position, the key (`services.api.port`, `hooks.before_switch[0]`) and what is wrong. */
export interface ValidationProblem {
  file: string;
  line: number;
  col: number;
  /** Path in the merged config, or in the hook for a hook problem; "" for the whole file. */
  key: string;
  message: string;
  /** Set when the value was written in `environments.<name>`. */
  environment?: string;
}

export type ConfigValidation =
  /** The file could not be read: `message` names the file, `reason` is the system's word. */
  | { kind: "unreadable"; message: string; reason: string }
  | { kind: "invalid"; problems: ValidationProblem[] }
  /** `summary` is the one "valid (...)" line; `warnings` are allowed but should change (no "warning:" prefix). */
  | { kind: "valid"; summary: string; warnings: string[]; environments: string[]; configs: SlipwayConfig[] };

/**
 * proxy.mode internal binds every service to 127.0.0.1 and has no nginx: without a `public_port` nothing is reachable
 * from outside the host. Right for a worker only app, so a warning (valid), not a refusal.
 */
export const INTERNAL_WITHOUT_PUBLIC_PORT =
  "proxy.mode internal and no service has `public_port`: nothing is reachable from outside the host (the services listen on 127.0.0.1); give the service users reach `public_port: <port>`, unless the app only works in the background";

/**
 * Read and check `file` (relative paths from the process's cwd). Never throws for a config problem: the stages stop
 * at the first that refuses (schema, then hooks, then files), as each later one needs the earlier one's result.
 */
export async function validateConfigFile(file: string, options: { environment?: string }): Promise<ConfigValidation> {
  let text: string;
  try {
    text = await readConfigText(file);
  } catch (error) {
    if (!(error instanceof ConfigFileUnreadable)) throw error;
    return { kind: "unreadable", message: error.message, reason: error.reason };
  }
  const result = validateConfigText(text, file, { environment: options.environment });
  if (!result.ok) return { kind: "invalid", problems: result.issues.map(fromIssue) };
  const hooks = hookIssues(result.configs);
  if (hooks.problems.length > 0) return { kind: "invalid", problems: hooks.problems.map(fromParseProblem) };
  const fileIssues = configFileIssues(text, file, result.configs);
  if (fileIssues.length > 0) return { kind: "invalid", problems: fileIssues.map(fromIssue) };
  const config = result.configs[0];
  const environments = options.environment ? [] : result.environments;
  const summary = config ? validSummary(file, config, environments) : `${file}: valid`;
  const warnings = hooks.warnings;
  if (result.configs.some(noPublicPort)) warnings.push(INTERNAL_WITHOUT_PUBLIC_PORT);
  for (const warning of new Set(result.configs.flatMap(swarmSecretWarnings))) warnings.push(warning);
  // Once for every environment that drains nothing (the words do not depend on the environment).
  const drain = result.configs.map((c) => noDrainWarning(c)).find((w) => w !== null);
  if (drain) warnings.push(drain);
  return { kind: "valid", summary, warnings, environments, configs: result.configs };
}

/** `key: message` (`environments.<env>.key` for a value written in an overlay): the words both front ends print. */
export function problemText(p: ValidationProblem): string {
  const key = p.environment
    ? p.key
      ? `environments.${p.environment}.${p.key}`
      : `environments.${p.environment}`
    : p.key;
  return key ? `${key}: ${p.message}` : p.message;
}

/** `file:line:col: key: message`, the CLI's line. */
export function formatValidationProblem(p: ValidationProblem): string {
  return `${p.file}:${p.line}:${p.col}: ${problemText(p)}`;
}

function fromIssue(issue: ConfigIssue): ValidationProblem {
  const { file, line, col, message, environment } = issue;
  return { file, line, col, key: formatPath(issue.path), message, ...(environment ? { environment } : {}) };
}

function fromParseProblem(p: ParseProblem): ValidationProblem {
  return { file: p.file, line: p.line, col: p.col, key: p.where, message: p.message };
}

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
