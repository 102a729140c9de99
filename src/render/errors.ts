import { SlipwayError } from "../errors.js";

/**
 * A value cannot be placed safely into a rendered file (nginx, systemd, compose). Names the field and shows the
 * value (JSON-quoted, so newlines and quotes are visible) so the user can find it in slipway.yml.
 */
export class RenderError extends SlipwayError {
  readonly field: string;
  readonly value: unknown;

  constructor(field: string, value: unknown, problem: string, hint?: string) {
    super(`${field} ${JSON.stringify(value)} ${problem}`, {
      step: "render",
      hint: hint ?? `change ${field} in slipway.yml; Slipway never writes a value that could change the file's meaning`,
    });
    this.field = field;
    this.value = value;
  }
}
