/** Secrets are names in the config; their values come from the environment of the process running Slipway. */
import { MissingSecretsError } from "./errors.js";
import { formatPath } from "./issues.js";
import type { SlipwayConfig } from "./schema.js";

export interface SecretReference {
  name: string;
  /** Config paths referencing it, e.g. `services.backend.secrets`. */
  usedBy: string[];
}

export interface ResolvedSecrets {
  /** Every referenced secret that the environment holds, by name. */
  values: Record<string, string>;
  /** Referenced but unset (or empty) names, with where they are used. */
  missing: SecretReference[];
}

/** Every secret name the config references, with the keys that reference it. */
export function secretReferences(config: SlipwayConfig): SecretReference[] {
  const refs = new Map<string, string[]>();
  const add = (name: string | undefined, path: (string | number)[]) => {
    if (!name) return;
    const where = formatPath(path);
    const list = refs.get(name) ?? [];
    if (!list.includes(where)) list.push(where);
    refs.set(name, list);
  };
  add(config.image.password_secret, ["image", "password_secret"]);
  for (const [name, service] of Object.entries(config.services)) {
    for (const secret of service.secrets) add(secret, ["services", name, "secrets"]);
    for (const secret of service.build?.secrets ?? []) add(secret, ["services", name, "build", "secrets"]);
  }
  add(config.inventory.ssh.private_key_secret, ["inventory", "ssh", "private_key_secret"]);
  for (const [name, host] of Object.entries(config.inventory.hosts)) {
    add(host.private_key_secret, ["inventory", "hosts", name, "private_key_secret"]);
  }
  add(config.database?.url_secret, ["database", "url_secret"]);
  add(config.database?.password_secret, ["database", "password_secret"]);
  return [...refs].map(([name, usedBy]) => ({ name, usedBy }));
}

/** Look every referenced secret up in `env`; never throws. */
export function resolveSecrets(config: SlipwayConfig, env: NodeJS.ProcessEnv = process.env): ResolvedSecrets {
  const values: Record<string, string> = {};
  const missing: SecretReference[] = [];
  for (const ref of secretReferences(config)) {
    const value = env[ref.name];
    if (value === undefined || value === "") missing.push(ref);
    else values[ref.name] = value;
  }
  return { values, missing };
}

/** Like resolveSecrets, but throws MissingSecretsError naming every missing secret and where it is used. */
export function requireSecrets(config: SlipwayConfig, env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const { values, missing } = resolveSecrets(config, env);
  if (missing.length > 0) throw new MissingSecretsError(missing);
  return values;
}

/**
 * The secrets a deploy's hosts read (`services.*.secrets`, `database.url_secret`/`password_secret`) that neither
 * `values` nor `env` holds, each with every key using it; `onlyServices` narrows services to those a host runs.
 * Checked before the build and on each host's preflight, so one error lists them all.
 */
export function missingRunSecrets(
  config: SlipwayConfig,
  values: Readonly<Record<string, string>>,
  env: NodeJS.ProcessEnv = process.env,
  onlyServices?: readonly string[],
): SecretReference[] {
  const services = onlyServices ?? Object.keys(config.services);
  const read = (where: string) =>
    where.startsWith("database.") || services.some((name) => where === `services.${name}.secrets`);
  return secretReferences(config)
    .map((ref) => ({ name: ref.name, usedBy: ref.usedBy.filter(read) }))
    .filter((ref) => ref.usedBy.length > 0 && !values[ref.name] && !env[ref.name]);
}
