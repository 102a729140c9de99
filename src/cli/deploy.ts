/**
 * `slipway deploy [-c config]`: the plan first (check mode: what changes on each host, with diffs), then the blue-green
 * deploy on the same connections, then a recap per host. `--yes` skips the question (implied when stdin is not a
 * terminal).
 */
import { createInterface } from "node:readline/promises";
import type { Command } from "commander";
import { loadConfig, type SlipwayConfig } from "../config/index.js";
import { type DeployOptions, type DeployResult, deploy } from "../deploy/index.js";
import { UsageError } from "../errors.js";
import { newRunId } from "../lock/lock.js";
import { exitCodeForOutcome } from "./_exit.js";
import {
  type ConfigFlags,
  checkOption,
  collect,
  configFile,
  configOptions,
  detailedExitcodeOption,
  eventsOption,
  jsonOption,
  limitOption,
  lockWaitSeconds,
  yesOption,
} from "./_options.js";
import type { CliRun } from "./_run.js";
import { runSink } from "./deploy-events.js";

export interface DeployFlags extends ConfigFlags {
  limit: string[];
  versionEnv: string[];
  releaseDir?: string;
  releaseId?: string;
  drain?: string;
  restoreDb?: boolean;
  yes?: boolean;
  check?: boolean;
  image: string[];
  insecureRegistry?: boolean;
  forceUnlock?: boolean;
  lockWait?: string;
  json?: boolean;
  events?: boolean;
  detailedExitcode?: boolean;
}

/** `K=V` pairs to a record; a pair without `=` is an error that names it. */
export function parseEnvPairs(pairs: readonly string[], flag = "--version-env", example = "APP_VERSION=2.0.0") {
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf("=");
    if (at <= 0 || at === pair.length - 1)
      throw new UsageError(`${flag} ${pair}: expected KEY=VALUE`, { hint: `e.g. ${flag} ${example}` });
    out[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return out;
}

/** `--image service=ref` pairs; each service must exist in the config. */
export function parseImagePairs(pairs: readonly string[], services: readonly string[]): Record<string, string> {
  const images = parseEnvPairs(pairs, "--image", "web=registry/app@sha256:...");
  for (const service of Object.keys(images)) {
    if (!services.includes(service)) {
      throw new UsageError(`--image ${service}=...: no service ${service} in the config`, {
        hint: `services: ${services.join(", ")}`,
      });
    }
  }
  return images;
}

/** The deploy() options the flags ask for (pure, so the parsing is unit-tested). */
export function deployOptionsFromFlags(config: SlipwayConfig, flags: DeployFlags): Omit<DeployOptions, "check"> {
  const drain = flags.drain === undefined ? undefined : Number(flags.drain);
  if (drain !== undefined && !(Number.isFinite(drain) && drain >= 0)) {
    throw new UsageError(`--drain ${flags.drain}: expected a number of seconds`, { hint: "e.g. --drain 5" });
  }
  const images = flags.image.length > 0 ? parseImagePairs(flags.image, Object.keys(config.services)) : undefined;
  return {
    config,
    environment: flags.env,
    limit: flags.limit,
    versionEnv: parseEnvPairs(flags.versionEnv),
    releaseId: flags.releaseId,
    releaseDir: flags.releaseDir,
    drainSeconds: drain,
    restoreDb: flags.restoreDb,
    ...(images ? { images } : {}),
    ...(flags.insecureRegistry ? { insecureRegistry: true } : {}),
    ...(flags.forceUnlock ? { forceUnlock: true } : {}),
    ...(flags.lockWait !== undefined ? { lockWaitSeconds: lockWaitSeconds(flags.lockWait) } : {}),
  };
}

export async function confirm(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) return true;
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
  } finally {
    rl.close();
  }
}

/**
 * The question before a change that cannot be undone (`remove`, `backup restore`): true with `--yes`; asks on a
 * terminal; without one refuses with a UsageError (exit 5) naming `--yes`, where deploy would go ahead (a CI run).
 */
export async function confirmIrreversible(yes: boolean | undefined, question: string, what: string): Promise<boolean> {
  if (yes) return true;
  if (!process.stdin.isTTY) {
    throw new UsageError(`no terminal to ask on: pass --yes to ${what}`, {
      hint: "nothing was changed; a script that means it adds --yes",
    });
  }
  return confirm(question);
}

/** The `confirm` of a one-pass deploy or rollback: asks once (unless --yes); `declined` says what was answered. */
export function asker(yes: boolean | undefined, question: string) {
  const state = { declined: false };
  const ask = async () => {
    state.declined = !yes && !(await confirm(question));
    return !state.declined;
  };
  return { ask, state };
}

/**
 * The one flow of `deploy` and `rollback`: with --check the plan only; otherwise one pass: the plan, the question
 * (unless --yes or stdin is not a terminal), then the run on the same connections and facts. `start` is deploy() or
 * rollback() with the caller's options; the exit code comes from the result, and a declined question leaves it 0.
 */
export async function planAskRun(
  start: (mode: { check: true } | { confirm: () => Promise<boolean> }) => Promise<DeployResult>,
  flags: { check?: boolean; yes?: boolean },
  question: string,
  ctx: FinishContext,
): Promise<void> {
  if (flags.check) return finish(await start({ check: true }), ctx);
  const { ask, state } = asker(flags.yes, question);
  const result = await start({ confirm: ask });
  if (!state.declined) finish(result, ctx);
}

/** What finish() needs besides the result: where to print, --json, --detailed-exitcode, whether a signal came. */
export interface FinishContext {
  run: CliRun;
  json?: boolean;
  detailedExitcode?: boolean;
  interrupted?: () => boolean;
}

/** Sets the exit code from the result (_exit.ts); with --json prints the result itself (redacted) on stdout. */
export function finish(result: DeployResult, ctx: FinishContext): void {
  if (ctx.json) ctx.run.json(result);
  const count = (...statuses: string[]) => result.hosts.filter((h) => statuses.includes(h.status)).length;
  process.exitCode = exitCodeForOutcome(
    {
      failed: count("failed", "skipped"),
      unreachable: count("unreachable"),
      changed: count("changed"),
      interrupted: ctx.interrupted?.(),
    },
    ctx.detailedExitcode,
  );
}

/** The options deploy and rollback share, in the order --help shows them. */
export function runOptions(command: Command): Command {
  configOptions(command, { positional: true });
  limitOption(command);
  checkOption(command, "print the plan only, change nothing");
  command.option("--force-unlock", "remove a stale deploy lock (its holder is printed) instead of failing");
  command.option("--lock-wait <duration>", "wait up to this long (30s, 10m) for a lock another run holds, saying who");
  yesOption(command);
  jsonOption(command);
  eventsOption(command);
  return detailedExitcodeOption(command);
}

export function register(program: Command, run: CliRun): void {
  const command = program
    .command("deploy")
    .description("blue-green deploy: plan, back up, start the idle color, gate, switch, verify, retire")
    .option(
      "--version-env <K=V>",
      "extra env for every service of this release (repeatable; recorded in releases.json and shown: not for secrets)",
      collect,
      [],
    )
    .option("--release-dir <dir>", "local directory holding the service code (default: next to the config)")
    .option("--release-id <id>", "release id (default: <commit>-<time>)")
    .option("--drain <seconds>", "seconds the old color keeps running after the switch (default: config drain)")
    .option("--restore-db", "restore the pre-deploy backup when the deploy fails once the new color started")
    .option(
      "--image <service=ref>",
      "image of a service (repo@sha256:..., e.g. from slipway build): no build",
      collect,
      [],
    )
    .option("--insecure-registry", "the registry speaks plain http (build and push)");
  runOptions(command).action(async (positional: string | undefined, flags: DeployFlags) => {
    const file = configFile(positional, flags, run, "deploy");
    const config = await loadConfig(file, { environment: flags.env });
    run.addSecretsOf(config);
    const progress = runSink(run, flags);
    const ctx = { run, json: flags.json, detailedExitcode: flags.detailedExitcode, interrupted: progress.interrupted };
    const common = {
      ...deployOptionsFromFlags(config, flags),
      onEvent: progress.sink,
      redactor: run.redactor,
      runId: newRunId(),
    };
    await planAskRun((mode) => deploy({ ...common, ...mode }), flags, "deploy?", ctx);
  });
}
