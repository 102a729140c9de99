import { SlipwayError } from "../errors.js";

/** A backup or restore failed or was refused; the deploy stops before anything changed. */
export class BackupError extends SlipwayError {}
