/**
 * One CLI invocation: its redactor and its output. main.ts creates one per run and hands it to every command's
 * register(); a command that loads a config registers its secrets here and passes the same redactor into the deploy
 * (DeployOptions.redactor), so what the CLI prints, the --json result and the error that ends the run are masked alike.
 */
import type { SlipwayConfig } from "../config/schema.js";
import { secretValues } from "../config/secret-redactor.js";
import { Redactor } from "../remote/redact.js";

export interface CliStreams {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

const processStreams: CliStreams = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

export class CliRun {
  /** Empty until a command registers the secrets of the config it loaded. */
  readonly redactor = new Redactor();

  /**
   * Where a live progress line goes (redacted text, rewritten with `\r`): stdout when this run writes to the process's
   * own stdout and that is a terminal; null otherwise (then progress is a plain line each).
   */
  readonly live: ((text: string) => void) | null;

  constructor(private readonly streams: CliStreams = processStreams) {
    this.live = streams === processStreams && process.stdout.isTTY ? (text) => this.write(text) : null;
  }

  /** Masks every secret `config` references (resolved from `env`) in everything printed from now on. */
  addSecretsOf(config: SlipwayConfig, env: NodeJS.ProcessEnv = process.env): void {
    this.redactor.addAll(secretValues(config, [], env));
  }

  /** One redacted line on stdout. */
  out = (line: string): void => {
    this.streams.stdout(`${this.redactor.redact(line)}\n`);
  };

  /** One redacted line on stderr. */
  err = (line: string): void => {
    this.streams.stderr(`${this.redactor.redact(line)}\n`);
  };

  /** `value` as indented JSON on stdout, every string in it redacted. */
  json(value: unknown): void {
    this.out(JSON.stringify(this.redactor.redactValue(value), null, 2));
  }

  /** Redacted text as is (no newline added), on stdout: a rendered file, a playbook's console output. */
  write = (text: string): void => {
    this.streams.stdout(this.redactor.redact(text));
  };

  /** Redacted text as is, on stderr: progress while stdout carries --json. */
  writeErr = (text: string): void => {
    this.streams.stderr(this.redactor.redact(text));
  };
}
