/** The config module's public surface: load and validate slipway.yml, resolve secrets and hosts. */
export { ConfigValidationError, MissingSecretsError } from "./errors.js";
export { type ResolvedHost, resolveHosts, selectHosts } from "./inventory.js";
export { type ConfigIssue, formatIssue, formatPath } from "./issues.js";
export {
  type LoadOptions,
  loadConfig,
  parseConfigText,
  type ValidateOptions,
  type ValidationResult,
  validateConfigText,
} from "./load.js";
export { type Color, colorPort, isWorker } from "./ports.js";
export { GREEN_PORT_OFFSET } from "./schema/cross-checks.js";
export {
  type DatabaseConfig,
  type HookTask,
  type HostConfig,
  type ProxyConfig,
  type RouteConfig,
  type Runtime,
  type ServiceConfig,
  type SlipwayConfig,
  type Strategy,
  slipwayConfigSchema,
  slipwayFileSchema,
  type TlsConfig,
} from "./schema.js";
export {
  missingRunSecrets,
  type ResolvedSecrets,
  requireSecrets,
  resolveSecrets,
  secretReferences,
} from "./secrets.js";
export { validSummary } from "./summary.js";
