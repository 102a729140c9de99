/**
 * validate = deploy: every renderer run for a config the way the deploy runs them (both colors live, with and without
 * the certificate, placeholder images and secrets), its refusals turned into problems at config keys. load.ts reports
 * them at the key's file:line:col, so `slipway validate` refuses what `slipway deploy` and `slipway render` would.
 */
import type { SlipwayConfig } from "../../config/schema.js";
import { RenderError } from "../errors.js";
import { placeholderImage } from "./compose.js";
import { ConfigMappingError } from "./errors.js";
import { renderFromConfig } from "./index.js";

export interface RenderProblem {
  /** Config key path (`["proxy", "routes", 0, "path"]`); empty when the renderer could not name one. */
  path: (string | number)[];
  message: string;
}

/** A digest standing in for the one the build produces: the compose renderer needs an image pinned by digest. */
const PLACEHOLDER_DIGEST = `sha256:${"0".repeat(64)}`;

/** Problems every renderer finds in the config; empty when every file renders for every color and TLS state. */
export function renderProblems(config: SlipwayConfig): RenderProblem[] {
  const problems = new Map<string, RenderProblem>();
  const secrets = Object.fromEntries(
    Object.values(config.services).flatMap((s) => s.secrets.map((name) => [name, "placeholder"])),
  );
  for (const color of ["blue", "green"] as const) {
    for (const tlsReady of [false, true]) {
      try {
        renderFromConfig(config, { color, tlsReady, images: placeholderImages(config), secrets });
      } catch (error) {
        const problem = toProblem(error, config);
        problems.set(`${problem.path.join(".")}:${problem.message}`, problem);
      }
    }
  }
  return [...problems.values()];
}

function placeholderImages(config: SlipwayConfig): Record<string, string> {
  const images: Record<string, string> = {};
  for (const name of Object.keys(config.services)) {
    images[name] = placeholderImage(config, name, PLACEHOLDER_DIGEST);
  }
  return images;
}

function toProblem(error: unknown, config: SlipwayConfig): RenderProblem {
  if (error instanceof ConfigMappingError) {
    const hint = error.specificHint ? ` (${error.specificHint})` : "";
    return { path: configPathSegments(error.configPath), message: `${error.problem}${hint}` };
  }
  if (error instanceof RenderError) {
    // Writers called from the config mappers name config keys (`services.api.env.X`); model-level ones do not.
    const path = CONFIG_ROOTS.test(error.field) ? configPathSegments(configKeyOf(error.field, config)) : [];
    const message = path.length > 0 ? error.message.slice(error.field.length + 1) : error.message;
    return { path, message: `cannot be written safely: ${message}` };
  }
  throw error;
}

const CONFIG_ROOTS = /^(services|proxy|tls|database|inventory)\./;
/** The compose renderer names a compose file's keys: `services.api.environment.PEM`. */
const COMPOSE_ENVIRONMENT = /^services\.([^.]+)\.environment\.([A-Za-z_][A-Za-z0-9_]*)$/;

/**
 * The config key a renderer's field stands for: a compose `environment` variable is the service's `env` key of that
 * name (`services.api.env.PEM`), or the service itself for one Slipway sets (`PORT`, `SLIPWAY_COLOR`).
 */
function configKeyOf(field: string, config: SlipwayConfig): string {
  const env = COMPOSE_ENVIRONMENT.exec(field);
  if (!env?.[1] || !env[2]) return field;
  const [, service, name] = env;
  return name in (config.services[service]?.env ?? {}) ? `services.${service}.env.${name}` : `services.${service}`;
}

/** `proxy.routes[0].path` -> `["proxy", "routes", 0, "path"]`. */
export function configPathSegments(path: string): (string | number)[] {
  return path
    .split(/\.|(?=\[)/)
    .filter(Boolean)
    .map((part) => (/^\[\d+\]$/.test(part) ? Number(part.slice(1, -1)) : part));
}
