/** Certificates (DESIGN step 11): certbot --webroot through the running nginx, renewal, then the HTTPS site. */
export { certbotCertonlyArgv, certbotEnv } from "../commands/certbot.js";
export {
  DEPLOY_HOOK_PATH,
  deployHookScript,
  renewServiceUnit,
  renewTimerUnit,
} from "./commands.js";
export { type CertStepReport, type EnsureCertificatesOptions, ensureCertificates } from "./ensure.js";
export { CertificateError } from "./errors.js";
export { type CertState, certState, describeCertState } from "./inspect.js";
export { ensureCertificate, inspectCertificate, type ObtainResult } from "./obtain.js";
export { ensureRenewal, type RenewalResult } from "./renewal.js";
export { type CertSpec, certSpecFromConfig, DEFAULT_RENEW_BEFORE_DAYS, liveCertPath } from "./spec.js";
