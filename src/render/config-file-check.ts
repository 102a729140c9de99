/**
 * What plan refuses about a service's `files` that needs no host (D73): a template that does not exist, or a
 * `${secret:NAME}` the service does not list. `slipway validate` runs it so the file is refused where it is written,
 * with the message plan would give (stage-steps writeConfigFiles renders with the same functions).
 */
import { existsSync, readFileSync } from "node:fs";
import { relative, resolve } from "node:path";
import { type ConfigIssue, locate, sortIssues } from "../config/issues.js";
import type { SlipwayConfig } from "../config/schema.js";
import { type PathSegment, parseYamlWithPositions } from "../config/yaml-positions.js";
import { ConfigError, SlipwayError } from "../errors.js";
import { renderConfigFile } from "./config-file.js";
import { RenderError } from "./errors.js";

export interface ConfigFileProblem {
  /** `["services", <service>, "files", <i>, "template"]`: where the file names the template. */
  path: PathSegment[];
  /** What validate prints after the key: plan's message, then its hint (`: <hint>`, or in parentheses). */
  message: string;
  /** The deploy's error: plan's message and hint as they are (SlipwayError). */
  error: SlipwayError;
}

/** Hint of a template that is not there (plan and validate). */
export const MISSING_TEMPLATE_HINT = "the template path is relative to slipway.yml (or to --release-dir)";

/**
 * The local path of a `files[i].template`: relative to slipway.yml, re-based on `releaseDir` when one is given
 * (a deploy from a release directory reads the templates there).
 */
export function configFileTemplatePath(config: SlipwayConfig, template: string, releaseDir?: string): string {
  return resolve(releaseDir ?? config.source.dir, relative(config.source.dir, resolve(config.source.dir, template)));
}

/** Plan's words for a template that is not there (after `services.<s>.files[<i>].template: `). */
export function missingTemplateMessage(local: string): string {
  return `${local} does not exist (the template path is relative to slipway.yml)`;
}

/** `where` of a file's render errors: `services.<s>.files[<i>] (<template>)`, followed by `:<line>`. */
export function configFileWhere(service: string, index: number, template: string): string {
  return `services.${service}.files[${index}] (${template})`;
}

/**
 * Every service's `files` checked locally, in service then file order: the template must exist and name only the
 * service's listed secrets. Secret values are not needed (each listed one is given a stand-in), so a missing
 * exported value is left to plan. Reads local files; never throws for a bad template.
 */
export function configFileProblems(config: SlipwayConfig, releaseDir?: string): ConfigFileProblem[] {
  const problems: ConfigFileProblem[] = [];
  for (const [service, spec] of Object.entries(config.services)) {
    const standIns = Object.fromEntries(spec.secrets.map((name) => [name, ""]));
    for (const [i, file] of spec.files.entries()) {
      const path = ["services", service, "files", i, "template"];
      const local = configFileTemplatePath(config, file.template, releaseDir);
      if (!existsSync(local)) {
        const message = missingTemplateMessage(local);
        const error = new SlipwayError(`services.${service}.files[${i}].template: ${message}`, {
          step: "config files",
          hint: MISSING_TEMPLATE_HINT,
        });
        problems.push({ path, message, error });
        continue;
      }
      try {
        renderConfigFile(readFileSync(local, "utf8"), standIns, {
          json: /\.json$/i.test(file.path),
          where: configFileWhere(service, i, file.template),
          listed: spec.secrets,
        });
      } catch (error) {
        if (!(error instanceof RenderError)) throw error;
        problems.push({ path, message: `${error.message}: ${error.hint}`, error });
      }
    }
  }
  return problems;
}

/**
 * configFileProblems as validate reports them (CLI and Action): at `files[i].template` in `file` (line of the key,
 * column of its value), each once although several environments share it, in file order.
 */
export function configFileIssues(text: string, file: string, configs: readonly SlipwayConfig[]): ConfigIssue[] {
  const { positions } = parseYamlWithPositions(text);
  const issues = configs.flatMap((config) =>
    configFileProblems(config).map((p) => locate({ file, positions }, p.path, p.message, "value")),
  );
  return sortIssues(issues);
}

/**
 * Refuses, before any host is connected, the first `files` template plan would refuse on a host (deploy and plan call
 * it with the deploy's `releaseDir`). Throws a ConfigError (exit 4, as validate) with plan's message and hint, step
 * "config files".
 */
export function checkConfigFiles(config: SlipwayConfig, releaseDir?: string): void {
  const [first] = configFileProblems(config, releaseDir);
  if (first) throw new ConfigError(first.error.message, { step: "config files", hint: first.error.hint });
}
