/** Values derived after validation: defaults that depend on other keys, and local paths made absolute. */
import { homedir } from "node:os";
import { isAbsolute, resolve } from "node:path";
import type { z } from "zod";
import type { SlipwayConfig, slipwayConfigSchema } from "./schema.js";

export function finalizeConfig(
  parsed: z.output<typeof slipwayConfigSchema>,
  source: { file: string; dir: string },
  environment: string | null,
): SlipwayConfig {
  const { $schema: _ignored, ...rest } = parsed;
  const local = (path: string | undefined) => (path === undefined ? undefined : localToAbsolute(path, source.dir));
  const ssh = rest.inventory.ssh;
  const hosts = Object.fromEntries(
    Object.entries(rest.inventory.hosts).map(([name, host]) => [
      name,
      { ...host, known_hosts_file: local(host.known_hosts_file), identity_file: local(host.identity_file) },
    ]),
  );
  const services = Object.fromEntries(
    Object.entries(rest.services).map(([name, service]) => [
      name,
      service.build
        ? { ...service, build: { ...service.build, context: localToAbsolute(service.build.context, source.dir) } }
        : service,
    ]),
  );
  // An absolute context names a directory of its own (code in another repository, D57): --release-dir keeps it.
  const absoluteContexts = Object.entries(rest.services)
    .filter(([, service]) => service.build && writtenAbsolute(service.build.context))
    .map(([name]) => name);
  return {
    ...rest,
    services,
    inventory: {
      ...rest.inventory,
      ssh: { ...ssh, known_hosts_file: local(ssh.known_hosts_file), identity_file: local(ssh.identity_file) },
      hosts,
    },
    deploy_dir: rest.deploy_dir ?? `/opt/${rest.app}`,
    environment,
    source: absoluteContexts.length > 0 ? { ...source, absoluteContexts } : source,
  };
}

/** A local path that does not depend on the config's directory: absolute, `~` or `~/...`. */
function writtenAbsolute(path: string): boolean {
  return path === "~" || path.startsWith("~/") || isAbsolute(path);
}

/** `~/x` is the home directory; relative paths are relative to the config file's directory. */
export function localToAbsolute(path: string, dir: string): string {
  if (path === "~" || path.startsWith("~/")) return resolve(homedir(), path.slice(2));
  return isAbsolute(path) ? path : resolve(dir, path);
}
