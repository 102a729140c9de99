/**
 * Connecting the engine to real hosts through src/remote, and reading the sandbox's inventory JSON. Host keys are
 * always checked against the given known_hosts.
 */
import { readFile } from "node:fs/promises";
import { connect, type Redactor as RemoteRedactor } from "../remote/index.js";
import type { ConnectOptions } from "../remote/target.js";
import type { Inventory } from "./inventory.js";
import type { Connect } from "./run.js";

export interface SshDefaults {
  user?: string;
  privateKeyPath?: string;
  /** known_hosts text, or a file to read it from. */
  knownHosts?: string;
  knownHostsPath?: string;
  becomeUser?: string;
}

/** A Connect for runPlaybook: one SSH connection per host, reused by every task of the run. */
export function sshConnect(
  defaults: SshDefaults,
  options: ConnectOptions & { redactor?: RemoteRedactor } = {},
): Connect {
  let knownHosts: Promise<string | undefined> | undefined;
  return async (name, host) => {
    knownHosts ??=
      defaults.knownHosts !== undefined
        ? Promise.resolve(defaults.knownHosts)
        : defaults.knownHostsPath
          ? readFile(defaults.knownHostsPath, "utf8")
          : Promise.resolve(undefined);
    return connect(
      {
        name,
        host: host.address,
        port: host.port,
        user: host.user ?? defaults.user ?? "deploy",
        privateKeyPath: defaults.privateKeyPath,
        knownHosts: await knownHosts,
        becomeUser: defaults.becomeUser,
      },
      options,
    );
  };
}

/** `.sandbox/inventory.json`: `{ targets: [{name, host, port, user}], privateKeyPath, knownHostsPath }`. */
export interface SandboxInventoryFile {
  targets: Array<{ name: string; host: string; port?: number; user?: string }>;
  privateKeyPath: string;
  knownHostsPath: string;
}

export function inventoryFromSandbox(file: SandboxInventoryFile): { inventory: Inventory; ssh: SshDefaults } {
  return {
    inventory: {
      hosts: Object.fromEntries(file.targets.map((t) => [t.name, { address: t.host, port: t.port, user: t.user }])),
      groups: { targets: file.targets.map((t) => t.name) },
    },
    ssh: { privateKeyPath: file.privateKeyPath, knownHostsPath: file.knownHostsPath },
  };
}

/**
 * An inventory file for `slipway run -i FILE`: the sandbox's JSON, or the engine's own shape
 * `{ hosts: {name: {address, port, user, vars}}, groups: {name: [hosts]}, ssh?: {privateKeyPath, knownHostsPath, user} }`.
 */
export async function loadInventoryFile(path: string): Promise<{ inventory: Inventory; ssh: SshDefaults }> {
  const { parse } = await import("yaml");
  const data = parse(await readFile(path, "utf8")) as Record<string, unknown>;
  if (Array.isArray(data.targets)) return inventoryFromSandbox(data as unknown as SandboxInventoryFile);
  const { ssh, ...inventory } = data as unknown as Inventory & { ssh?: SshDefaults };
  return {
    inventory: { hosts: inventory.hosts ?? {}, groups: inventory.groups ?? {}, vars: inventory.vars },
    ssh: ssh ?? {},
  };
}
