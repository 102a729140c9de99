/** Errors the engine raises beyond the shared ones in src/errors.ts. */
import { SlipwayError } from "../errors.js";

/** A `{{ }}` expression or condition could not be evaluated for a host (undefined variable, bad filter...). */
export class TemplateError extends SlipwayError {}

/** A task failed and the play stops for this host; carries the outcome message. */
export class TaskFailedError extends SlipwayError {}
