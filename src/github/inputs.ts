/** The deploy action's inputs (action.yml), read through a getter so tests need no environment. */
import { parseImageReference } from "../build/reference.js";
import { lockWaitSeconds } from "../cli/_options.js";
import { parseEnvPairs } from "../cli/deploy.js";
import { SlipwayError } from "../errors.js";

import { type ActionCommand, COMMANDS } from "./commands.js";

export { type ActionCommand, COMMANDS };

export interface ActionInputs {
  config: string;
  environment?: string;
  command: ActionCommand;
  release?: string;
  restoreDb: boolean;
  /** Host names or glob patterns (DeployOptions.limit); empty: every host. */
  limit: string[];
  /** Service -> image reference with digest, deployed instead of building (container runtimes). */
  images?: Record<string, string>;
  /** Extra env for every service of the new release (DeployOptions.versionEnv). */
  versionEnv: Record<string, string>;
  forceUnlock: boolean;
  /** `lock-wait` ("10m") in seconds: wait for a lock another run holds; absent: fail at once. */
  lockWaitSeconds?: number;
  sshPrivateKey?: string;
  githubToken?: string;
}

export type InputGetter = (name: string) => string;

/**
 * Reads and checks every input. Throws SlipwayError (step "inputs", with a hint) on a value the action cannot use:
 * an unknown command, `release` without rollback, a non-boolean flag, a NAME=value line without `=`, an image
 * reference without a digest.
 */
export function readInputs(get: InputGetter): ActionInputs {
  const text = (name: string) => {
    const value = get(name).trim();
    return value === "" ? undefined : value;
  };
  const command = (text("command") ?? "deploy").toLowerCase();
  if (!COMMANDS.includes(command as ActionCommand)) {
    throw inputError(
      `input command: "${command}" is not one of ${COMMANDS.join(", ")}`,
      `set \`command:\` to ${COMMANDS.slice(0, -1).join(", ")} or ${COMMANDS.at(-1)}`,
    );
  }
  const release = text("release");
  if (release !== undefined && command !== "rollback") {
    throw inputError(
      `input release is only for command rollback (command is ${command})`,
      "remove `release:` or set `command: rollback`",
    );
  }
  // The key keeps its exact bytes (a trailing newline matters to OpenSSH key parsers); only emptiness is checked.
  const key = get("ssh-private-key");
  const images = text("images");
  return {
    config: text("config") ?? "slipway.yml",
    environment: text("environment"),
    command: command as ActionCommand,
    release,
    restoreDb: parseBoolean(text("restore-db") ?? "false", "restore-db"),
    limit: listOf(text("limit") ?? ""),
    ...(images ? { images: parseImagesInput(images) } : {}),
    versionEnv: parseEnvPairs(linesOf(text("version-env") ?? ""), "input version-env:", "APP_VERSION=2.0.0"),
    forceUnlock: parseBoolean(text("force-unlock") ?? "false", "force-unlock"),
    ...(text("lock-wait") ? { lockWaitSeconds: lockWaitSeconds(text("lock-wait"), "input lock-wait:") } : {}),
    sshPrivateKey: key.trim() === "" ? undefined : key.endsWith("\n") ? key : `${key}\n`,
    githubToken: text("github-token"),
  };
}

function inputError(message: string, hint: string): SlipwayError {
  return new SlipwayError(message, { step: "inputs", hint });
}

function linesOf(value: string): string[] {
  return value
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"));
}

/** Comma- or newline-separated names, as `limit` accepts them. */
export function listOf(value: string): string[] {
  return value
    .split(/[,\n]/)
    .map((item) => item.trim())
    .filter((item) => item !== "");
}

/**
 * The `images` input: a JSON object `{"web": "ghcr.io/acme/web@sha256:..."}` or `service=reference` lines. Every
 * reference must name its digest, so each host runs exactly the bytes the build job pushed.
 */
export function parseImagesInput(value: string): Record<string, string> {
  const trimmed = value.trim();
  let images: Record<string, string>;
  if (trimmed.startsWith("{")) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch (error) {
      throw inputError(
        `input images: not valid JSON (${(error as Error).message})`,
        'use {"service": "registry/repo@sha256:<digest>"} or one service=reference per line',
      );
    }
    const entries = Object.entries(parsed as Record<string, unknown>);
    if (entries.some(([, ref]) => typeof ref !== "string")) {
      throw inputError(
        "input images: every value must be an image reference string",
        'use {"service": "registry/repo@sha256:<digest>"}',
      );
    }
    images = Object.fromEntries(entries) as Record<string, string>;
  } else {
    images = parseEnvPairs(linesOf(trimmed), "input images:", "web=ghcr.io/acme/web@sha256:<digest>");
  }
  for (const [service, reference] of Object.entries(images)) checkDigestReference(service, reference);
  return images;
}

function checkDigestReference(service: string, reference: string): void {
  let digest: string | undefined;
  try {
    digest = parseImageReference(reference).digest;
  } catch (error) {
    throw inputError(
      `input images: ${service}: ${(error as Error).message}`,
      "use registry/repo@sha256:<64 hex>, e.g. from docker/build-push-action's `digest` output",
    );
  }
  if (!digest) {
    throw inputError(
      `input images: ${service}: "${reference}" has no digest`,
      "append @sha256:<digest> (docker/build-push-action's `digest` output): a tag can move between jobs",
    );
  }
}

/** YAML 1.2 core booleans, as @actions/core's getBooleanInput accepts them. */
export function parseBoolean(value: string, name: string): boolean {
  if (["true", "True", "TRUE"].includes(value)) return true;
  if (["false", "False", "FALSE"].includes(value)) return false;
  throw new SlipwayError(`input ${name}: "${value}" is not a boolean`, { step: "inputs", hint: "use true or false" });
}
