/**
 * Load slipway.yml: parse YAML keeping positions, select and merge an environment overlay, validate against the
 * schema, and return a typed config, or every problem with its file:line:col.
 */
import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { z } from "zod";
import { SlipwayError } from "../errors.js";
import { renderProblems } from "../render/from-config/check.js";
import { didYouMean } from "../suggest.js";
import { ConfigValidationError } from "./errors.js";
import { finalizeConfig } from "./finalize.js";
import { type ConfigIssue, fromZodIssues, locate, sortIssues } from "./issues.js";
import { literalSecretIssues } from "./literal-secrets.js";
import { applyOverlay, isMapping, type Located, overlayPositions } from "./overlay.js";
import { ENVIRONMENT_NAME_PATTERN, type SlipwayConfig, slipwayConfigSchema, slipwayFileSchema } from "./schema.js";
import { parseYamlWithPositions } from "./yaml-positions.js";

export interface LoadOptions {
  /** Merge `environments.<name>` over the base. */
  environment?: string;
}

export interface ValidateOptions extends LoadOptions {
  /**
   * With no `environment`: "every" checks the base and each environment's merged config (how `slipway validate`
   * works); "base" checks the base alone (how a deploy without --env reads it). Default "every".
   */
  mode?: "every" | "base";
  /** Directory local paths are relative to. Default: the directory of `filename`. */
  dir?: string;
}

export interface ValidationResult {
  ok: boolean;
  issues: ConfigIssue[];
  /** The checked configs: the base first, then one per environment in "every" mode. Empty when not ok. */
  configs: SlipwayConfig[];
  /** Environments the file defines. */
  environments: string[];
}

const environmentsSchema = z.record(
  z.string().regex(ENVIRONMENT_NAME_PATTERN, { error: 'expected an environment name like "production" or "staging"' }),
  z.record(z.string(), z.unknown(), { error: "expected a mapping of keys to override" }),
  // Only the map's own type error is replaced: a bad key keeps its own message.
  {
    error: (issue) =>
      issue.code === "invalid_type" ? "expected a mapping of environment names to overlays" : undefined,
  },
);

/** Validate config text; never throws for invalid input. `filename` is what error lines show. */
export function validateConfigText(text: string, filename: string, options: ValidateOptions = {}): ValidationResult {
  const source = { file: resolve(filename), dir: options.dir ?? dirname(resolve(filename)) };
  const parsed = parseYamlWithPositions(text);
  const fail = (issues: ConfigIssue[], environments: string[] = []): ValidationResult => ({
    ok: false,
    issues: sortIssues(issues),
    configs: [],
    environments,
  });
  if (parsed.problems.length > 0) {
    return fail(
      parsed.problems.map((p) => ({ file: filename, ...p.position, path: [], message: `YAML syntax: ${p.message}` })),
    );
  }
  const here = { file: filename, positions: parsed.positions };
  if (!isMapping(parsed.value)) {
    const message =
      parsed.value === undefined || parsed.value === null
        ? "the file is empty: expected a mapping with at least `app`, `services` and `inventory`"
        : "expected a mapping at the top level (keys like `app:` and `services:`)";
    return fail([locate(here, [], message, "value")]);
  }

  const { environments: rawEnvironments, ...base } = parsed.value;
  // jitless: zod compiles a fast path (new Function) for an object schema on its first parse; a command parses each
  // schema once or twice, so the compile costs more than it saves (~15 ms against ~6 ms of CPU for the first parse).
  const envCheck = environmentsSchema.safeParse(rawEnvironments ?? {}, { reportInput: true, jitless: true });
  if (!envCheck.success) {
    return fail(
      fromZodIssues(envCheck.error.issues, {
        ...here,
        schema: environmentsSchema,
        prefix: ["environments"],
        value: rawEnvironments,
      }),
    );
  }
  const environments = Object.keys(envCheck.data);
  const baseLocated: Located = { value: base, positions: parsed.positions };

  let targets: (string | null)[];
  if (options.environment !== undefined) {
    if (!environments.includes(options.environment)) {
      return fail([unknownEnvironment(here, options.environment, environments)], environments);
    }
    targets = [options.environment];
  } else {
    targets = options.mode === "base" ? [null] : [null, ...environments];
  }

  const issues: ConfigIssue[] = [];
  const configs: SlipwayConfig[] = [];
  for (const environment of targets) {
    const located =
      environment === null
        ? baseLocated
        : applyOverlay(baseLocated, {
            value: envCheck.data[environment],
            positions: overlayPositions(parsed.positions, environment),
          });
    const result = slipwayConfigSchema.safeParse(located.value, { reportInput: true, jitless: true });
    const secrets = literalSecretIssues(located.value, filename, located.positions);
    issues.push(...secrets);
    if (result.success && secrets.length > 0) continue;
    let found: ConfigIssue[];
    if (result.success) {
      const config = finalizeConfig(result.data, source, environment);
      found = renderProblems(config).map((p) =>
        locate({ file: filename, positions: located.positions }, p.path, p.message, "value"),
      );
      if (found.length === 0) {
        configs.push(config);
        continue;
      }
    } else {
      found = fromZodIssues(result.error.issues, {
        file: filename,
        positions: located.positions,
        schema: slipwayFileSchema,
        value: located.value,
      });
    }
    // An issue in inherited base keys of several environments is one issue; say which environment hit it otherwise.
    issues.push(
      ...found.map((issue) =>
        environment !== null && !issue.environment && targets.length > 1
          ? { ...issue, message: `${issue.message} (in environment ${environment})` }
          : issue,
      ),
    );
  }
  if (issues.length > 0) return fail(mergeEnvironmentDuplicates(issues), environments);
  return { ok: true, issues: [], configs, environments };
}

/** Parse config text or throw ConfigValidationError with every issue. */
export function parseConfigText(
  text: string,
  filename: string,
  options: LoadOptions & { dir?: string } = {},
): SlipwayConfig {
  const result = validateConfigText(text, filename, { ...options, mode: "base" });
  const config = result.configs[0];
  if (!result.ok || !config) {
    const hint =
      options.environment === undefined && result.environments.length > 0
        ? `this file defines environments (${result.environments.join(", ")}): pick one with --env NAME, or fix the lines above`
        : undefined;
    throw new ConfigValidationError(filename, result.issues, hint);
  }
  return config;
}

/** Read and validate slipway.yml (merging `environments.<environment>` when given). */
export async function loadConfig(file: string, options: LoadOptions = {}): Promise<SlipwayConfig> {
  return parseConfigText(await readConfigText(file), file, options);
}

/**
 * A config file that cannot be read (missing, a directory, no permission): not an invalid config, so the CLI exits 1
 * as for any local file it cannot read (docs/cli.md), never 4. `reason`: `file not found` or `cannot read the file
 * (EACCES)`; the message is `<file>: <reason>`.
 */
export class ConfigFileUnreadable extends SlipwayError {
  constructor(
    readonly file: string,
    readonly reason: string,
    hint?: string,
  ) {
    super(`${file}: ${reason}`, { hint });
  }
}

/** The text of a config file; throws ConfigFileUnreadable (the one wording for every command and the Action). */
export async function readConfigText(file: string): Promise<string> {
  try {
    return await readFile(file, "utf8");
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (code === "ENOENT") {
      throw new ConfigFileUnreadable(
        file,
        "file not found",
        "run slipway in the directory holding slipway.yml, or pass its path with -c",
      );
    }
    throw new ConfigFileUnreadable(file, `cannot read the file (${code})`);
  }
}

function unknownEnvironment(here: Parameters<typeof locate>[0], name: string, environments: string[]): ConfigIssue {
  const suggestion = didYouMean(name, environments);
  const defined = environments.length > 0 ? `defined: ${environments.join(", ")}` : "the file has no `environments`";
  const message = `environment "${name}" is not defined (${defined})${suggestion ? `, did you mean \`${suggestion}\`?` : ""}`;
  return locate(here, environments.length > 0 ? ["environments"] : [], message, "value");
}

/** The same base problem found once per environment is reported once, without the environment suffix. */
function mergeEnvironmentDuplicates(issues: ConfigIssue[]): ConfigIssue[] {
  const strip = (message: string) => message.replace(/ \(in environment [a-z0-9_-]+\)$/, "");
  const counts = new Map<string, number>();
  const keyOf = (i: ConfigIssue) => `${i.line}:${i.col}:${strip(i.message)}`;
  for (const issue of issues) counts.set(keyOf(issue), (counts.get(keyOf(issue)) ?? 0) + 1);
  return issues.map((issue) => {
    const stripped = strip(issue.message);
    if (stripped === issue.message) return issue;
    const environmentsWithIt = counts.get(keyOf(issue)) ?? 0;
    return environmentsWithIt > 1 ? { ...issue, message: stripped } : issue;
  });
}
