import { SlipwayError } from "../errors.js";

/** Getting, inspecting or installing a certificate failed. */
export class CertificateError extends SlipwayError {}
