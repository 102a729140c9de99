import { SlipwayError } from "../../errors.js";

/**
 * slipway.yml lacks something a rendered file needs (or asks for something the renderers cannot express). Names the
 * config key, so the user knows which line to change; Slipway never guesses a value in its place.
 */
export class ConfigMappingError extends SlipwayError {
  readonly configPath: string;
  /** The problem without the path (validate prints the path itself, at the key's line). */
  readonly problem: string;
  /** The hint given where the problem was found, when there is one beyond "change the key". */
  readonly specificHint?: string;

  constructor(configPath: string, problem: string, hint?: string) {
    super(`${configPath}: ${problem}`, {
      step: "render",
      hint: hint ?? `change ${configPath} in slipway.yml, then check with \`slipway render\``,
    });
    this.configPath = configPath;
    this.problem = problem;
    this.specificHint = hint;
  }
}
