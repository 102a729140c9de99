import { ConfigError } from "../errors.js";
import { type ConfigIssue, formatIssue } from "./issues.js";

/** slipway.yml is invalid: carries every issue found (not only the first), each with file:line:col. */
export class ConfigValidationError extends ConfigError {
  readonly issues: readonly ConfigIssue[];
  readonly file: string;

  constructor(file: string, issues: readonly ConfigIssue[], hint?: string) {
    const count = `${issues.length} problem${issues.length === 1 ? "" : "s"}`;
    super(`${file}: ${count}\n${issues.map(formatIssue).join("\n")}`, {
      step: "config",
      hint: hint ?? `fix the lines above, then check again with \`slipway validate -c ${file}\``,
    });
    this.file = file;
    this.issues = issues;
  }

  /** One line per issue, as `file:line:col: path: message`. */
  lines(): string[] {
    return this.issues.map(formatIssue);
  }
}

/** Secrets the config references by name but the environment does not hold. */
export class MissingSecretsError extends ConfigError {
  readonly missing: readonly { name: string; usedBy: string[] }[];

  constructor(missing: readonly { name: string; usedBy: string[] }[]) {
    const names = missing.map((m) => `${m.name} (${m.usedBy.join(", ")})`).join(", ");
    super(`missing secret${missing.length === 1 ? "" : "s"} in the environment: ${names}`, {
      step: "secrets",
      hint: "export each name in the shell running slipway, or add it to the GitHub environment's secrets and pass it in `env:`",
    });
    this.missing = missing;
  }
}
