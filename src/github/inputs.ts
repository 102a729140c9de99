/** The deploy action's inputs (actions/deploy/action.yml), read through a getter so tests need no environment. */
import { SlipwayError } from "../errors.js";

export const COMMANDS = ["deploy", "plan", "rollback", "validate"] as const;
export type ActionCommand = (typeof COMMANDS)[number];

export interface ActionInputs {
  config: string;
  environment?: string;
  command: ActionCommand;
  release?: string;
  restoreDb: boolean;
  sshPrivateKey?: string;
  githubToken?: string;
}

export type InputGetter = (name: string) => string;

export function readInputs(get: InputGetter): ActionInputs {
  const text = (name: string) => {
    const value = get(name).trim();
    return value === "" ? undefined : value;
  };
  const command = (text("command") ?? "deploy").toLowerCase();
  if (!COMMANDS.includes(command as ActionCommand)) {
    throw new SlipwayError(`input command: "${command}" is not one of ${COMMANDS.join(", ")}`, {
      step: "inputs",
      hint: "set `command:` to deploy, plan, rollback or validate",
    });
  }
  const release = text("release");
  if (release !== undefined && command !== "rollback") {
    throw new SlipwayError(`input release is only for command rollback (command is ${command})`, {
      step: "inputs",
      hint: "remove `release:` or set `command: rollback`",
    });
  }
  // The key keeps its exact bytes (a trailing newline matters to OpenSSH key parsers); only emptiness is checked.
  const key = get("ssh-private-key");
  return {
    config: text("config") ?? "slipway.yml",
    environment: text("environment"),
    command: command as ActionCommand,
    release,
    restoreDb: parseBoolean(text("restore-db") ?? "false", "restore-db"),
    sshPrivateKey: key.trim() === "" ? undefined : key.endsWith("\n") ? key : `${key}\n`,
    githubToken: text("github-token"),
  };
}

/** YAML 1.2 core booleans, as @actions/core's getBooleanInput accepts them. */
export function parseBoolean(value: string, name: string): boolean {
  if (["true", "True", "TRUE"].includes(value)) return true;
  if (["false", "False", "FALSE"].includes(value)) return false;
  throw new SlipwayError(`input ${name}: "${value}" is not a boolean`, { step: "inputs", hint: "use true or false" });
}
