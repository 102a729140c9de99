/**
 * Runtime swarm's secrets: each service's secrets as swarm secrets under versioned names (render's swarmObjectName,
 * by a hash of the value), created on the manager from stdin when missing, so a new value is a new object and the
 * next stack deploy rotates the service to it. Old versions are removed when no service uses them any more.
 */
import { swarmObjectCreateArgv, swarmObjectListArgv, swarmObjectRemoveArgv } from "../../commands/swarm.js";
import type { SlipwayConfig } from "../../config/index.js";
import { SlipwayError } from "../../errors.js";
import type { RemoteHost } from "../../remote/types.js";
import { swarmObjectName, swarmObjectPrefix } from "../../render/from-config/swarm.js";

/** The versioned secret names by service and secret: stackFromConfig's `secretNames`. */
export type SecretNames = Record<string, Record<string, string>>;

const asRoot = { become: true, step: "secrets" };

/**
 * Creates the secrets of every service that are not in the swarm yet; returns their names and the names created.
 * Throws SlipwayError naming the secret when its value is missing from `values` (the deploy's environment).
 */
export async function ensureSwarmSecrets(
  host: RemoteHost,
  config: SlipwayConfig,
  values: Readonly<Record<string, string>>,
): Promise<{ names: SecretNames; created: string[] }> {
  const label = `slipway.app=${config.app}`;
  const existing = new Set((await host.exec(swarmObjectListArgv("secret", label), asRoot)).stdout.split("\n"));
  const names: SecretNames = {};
  const created: string[] = [];
  for (const [service, settings] of Object.entries(config.services)) {
    for (const secret of settings.secrets) {
      const value = values[secret];
      if (value === undefined) {
        throw new SlipwayError(`secret ${secret} of service ${service} has no value`, {
          host: host.name,
          step: "secrets",
          hint: `set ${secret} in the deploy's environment (GitHub: a repository secret)`,
        });
      }
      const name = swarmObjectName(config.app, service, secret, value);
      names[service] = { ...names[service], [secret]: name };
      if (existing.has(name)) continue;
      await host.exec(swarmObjectCreateArgv("secret", name, { "slipway.app": config.app }), {
        ...asRoot,
        stdin: value,
      });
      created.push(name);
    }
  }
  return { names, created };
}

/** Removes this app's secret versions not in `keep`; docker refuses (and we skip) one a service still uses. */
export async function pruneSwarmSecrets(host: RemoteHost, config: SlipwayConfig, keep: SecretNames): Promise<void> {
  const live = new Set(Object.values(keep).flatMap((s) => Object.values(s)));
  const list = await host.exec(swarmObjectListArgv("secret", `slipway.app=${config.app}`), asRoot);
  const prefixes = Object.entries(config.services).flatMap(([service, s]) =>
    s.secrets.map((secret) => `${swarmObjectPrefix(config.app, service, secret)}_`),
  );
  for (const name of list.stdout.split("\n").filter(Boolean)) {
    if (live.has(name) || !prefixes.some((p) => name.startsWith(p))) continue;
    await host.exec(swarmObjectRemoveArgv("secret", [name]), { ...asRoot, check: false });
  }
}
