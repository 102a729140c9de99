/**
 * The CLI's shared vocabulary: every command declares these options through the builders here, so a flag means the
 * same thing everywhere (docs/cli.md). The config file is `-c/--config` (the positional form of older releases still
 * works, with a deprecation note); `--env` is the environment overlay; `-e` is Ansible's `--extra-vars` and exists
 * only where playbooks run.
 */
import { type Command, Option } from "commander";
import { UsageError } from "../errors.js";
import type { CliRun } from "./_run.js";

/** Commander accumulator for repeatable options. */
export const collect = (value: string, all: string[] = []): string[] => [...all, value];

export const DEFAULT_CONFIG = "slipway.yml";

/** What the config options leave in a command's flags. */
export interface ConfigFlags {
  config?: string;
  env?: string;
}

/**
 * `-c/--config FILE` and `--env NAME`, plus the deprecated positional `[config]` when the command had one (read it
 * with configFile()). Also a hidden `-e` that explains itself: in Slipway, as in Ansible, `-e` is --extra-vars.
 */
export function configOptions(command: Command, options: { positional?: boolean; extraVars?: boolean } = {}): Command {
  if (options.positional) command.argument("[config]", "deprecated: use -c/--config");
  command
    .option("-c, --config <file>", `slipway.yml to read (default: ${DEFAULT_CONFIG})`)
    .option("--env <name>", "merge this environment's overlay (environments.<name> of the config)");
  if (!options.extraVars) command.addOption(new Option("-e <value>").hideHelp().argParser(misplacedExtraVars));
  return command;
}

function misplacedExtraVars(value: string): never {
  throw new UsageError(`-e ${value}: -e is --extra-vars (as in Ansible) and only commands that run playbooks take it`, {
    hint: `for an environment write --env ${value}; extra variables go to slipway run/plan/certs -e key=value`,
  });
}

/**
 * The config file a command works on: `-c` or the deprecated positional (a note on stderr says so), else
 * slipway.yml. Throws UsageError when both are given and differ.
 */
export function configFile(positional: string | undefined, flags: ConfigFlags, run: CliRun, command: string): string {
  if (positional === undefined) return flags.config ?? DEFAULT_CONFIG;
  if (flags.config !== undefined && flags.config !== positional) {
    throw new UsageError(`two config files: ${positional} and -c ${flags.config}`, {
      hint: `give one: slipway ${command} -c ${flags.config}`,
    });
  }
  run.err(`note: \`slipway ${command} ${positional}\` is deprecated; write \`slipway ${command} -c ${positional}\``);
  return positional;
}

/** `-l/--limit PATTERN`, repeatable; the values are joined into one pattern (src/host-pattern.ts). */
export function limitOption(command: Command): Command {
  return command.option(
    "-l, --limit <pattern>",
    "only these hosts: names, groups, globs (web*), ~regex, !exclude, &intersect; comma-separated or repeated",
    collect,
    [],
  );
}

/** `-C/--check`: plan only, change nothing. */
export function checkOption(command: Command, what = "show what would change, change nothing"): Command {
  return command.option("-C, --check", what);
}

/** `--json`: the command's result as JSON on stdout (progress, if any, on stderr). */
export function jsonOption(
  command: Command,
  what = "print the result as JSON on stdout (progress on stderr)",
): Command {
  return command.option("--json", what);
}

/** `--events`: progress as JSON lines (src/deploy/events.ts) instead of text. */
export function eventsOption(command: Command): Command {
  return command.option("--events", "progress as JSON events (src/deploy/events.ts), one per line");
}

/** `--detailed-exitcode`: exit 10 when the run changed (or the plan would change) something, 0 when nothing. */
export function detailedExitcodeOption(command: Command): Command {
  return command.option("--detailed-exitcode", "exit 10 when something changed or would change, 0 when nothing did");
}

/** `-e/--extra-vars`, Ansible's: only on commands that run playbooks. */
export function extraVarsOption(command: Command): Command {
  return command.option("-e, --extra-vars <vars>", "key=value, JSON or @file (repeatable)", collect);
}

/**
 * `--lock-wait DURATION` ("30s", "5m"): seconds to wait for a deploy lock another run holds. Throws UsageError for
 * a value without a unit.
 */
export function lockWaitSeconds(value: string | undefined, flag = "--lock-wait"): number | undefined {
  return durationFlagSeconds(value, flag, "10m (wait up to ten minutes for the deploy holding the lock)");
}

/**
 * A DURATION flag ("30s", "5m", "1h", "500ms") in whole seconds, rounded up; undefined when not given. Throws
 * UsageError for a value without a unit; `example` completes the hint's "e.g. FLAG ...".
 */
export function durationFlagSeconds(value: string | undefined, flag: string, example: string): number | undefined {
  if (value === undefined) return undefined;
  const match = /^(\d+)(ms|s|m|h)$/.exec(value);
  if (!match?.[1] || !match[2]) {
    throw new UsageError(`${flag} ${value}: expected a duration like "30s", "5m" or "1h"`, {
      hint: `e.g. ${flag} ${example}`,
    });
  }
  const unit: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600 };
  return Math.ceil(Number(match[1]) * (unit[match[2]] ?? 1));
}

/** `-y/--yes`: do not ask before acting. */
export function yesOption(
  command: Command,
  what = "do not ask before acting (implied when stdin is not a terminal)",
): Command {
  return command.option("-y, --yes", what);
}
