/** Steps every runtime takes when it stages the idle color: its env files and, for images, pulling what is missing. */
import type { Color, SlipwayConfig } from "../config/index.js";
import { deliverByPull, hostImageId } from "../delivery/pull.js";
import { SlipwayError } from "../errors.js";
import type { RemoteHost } from "../remote/types.js";
import { type EnvFileOptions, envFileFromConfig } from "../render/from-config/index.js";

/**
 * A service's env file for a color; refuses (before anything is written) when a secret it names has no value. The
 * runtimes pass `{ runtimeFormat: true }` (and the host's compose flavour) to get the file in its reader's format.
 */
export function colorEnvFile(
  host: RemoteHost,
  config: SlipwayConfig,
  service: string,
  color: Color,
  secrets: Readonly<Record<string, string>> | undefined,
  options: EnvFileOptions = {},
): ReturnType<typeof envFileFromConfig> {
  const env = envFileFromConfig(config, service, color, secrets, options);
  if (env.redacted.length > 0) {
    throw new SlipwayError(`service ${service} needs secrets that are not set: ${env.redacted.join(", ")}`, {
      host: host.name,
      step: "env file",
      hint: `export ${env.redacted[0]}=... before deploying (or pass secrets to deploy())`,
    });
  }
  return env;
}

/** Pulls an image by digest when the host lacks it (check mode: only says so). Returns the action, or null. */
export async function pullWhenMissing(
  host: RemoteHost,
  service: string,
  image: string,
  check: boolean | undefined,
): Promise<string | null> {
  if (await hostImageId(host, image)) return null;
  if (!check) {
    const [pulled] = await deliverByPull([host], [{ service, reference: image }]);
    if (pulled?.error) throw pulled.error;
  }
  return `pull ${image}`;
}
