/** The inventory as the SSH layer and the engine use it: every host with its connection settings filled in. */
import { posix } from "node:path";
import { selectHosts as selectPattern } from "../host-pattern.js";
import type { PrivilegeContext } from "../remote/privilege.js";
import type { HostConfig, SlipwayConfig } from "./schema.js";

export interface ResolvedHost {
  name: string;
  address: string;
  user: string;
  port: number;
  /** Name of the jump host (resolve it with the same list). */
  jump?: string;
  knownHostsFile?: string;
  hostKeys: string[];
  trustOnFirstUse: boolean;
  becomeUser: string;
  /** How become commands run on it (root: sudo; helper: the privilege helper), with what the helper needs of the app. */
  privilege: PrivilegeContext;
  identityFile?: string;
  privateKeySecret?: string;
  connectTimeout: string;
  /** Groups the host belongs to (`all` is implicit and not listed). */
  groups: string[];
  /** Group vars merged in group order, then the host's own vars. */
  vars: Record<string, unknown>;
}

export function resolveHosts(config: SlipwayConfig): ResolvedHost[] {
  const { ssh, hosts, groups } = config.inventory;
  return Object.entries(hosts).map(([name, host]: [string, HostConfig]) => {
    const memberOf = Object.entries(groups).filter(([, group]) => group.hosts.includes(name));
    const vars = Object.assign({}, ...memberOf.map(([, group]) => group.vars), host.vars) as Record<string, unknown>;
    return {
      name,
      address: host.address,
      user: host.user ?? ssh.user,
      port: host.port ?? ssh.port,
      jump: host.jump,
      knownHostsFile: host.known_hosts_file ?? ssh.known_hosts_file,
      hostKeys: host.host_keys,
      trustOnFirstUse: host.trust_on_first_use ?? ssh.trust_on_first_use,
      becomeUser: host.become_user ?? ssh.become_user,
      privilege: privilegeOf(config, host.privilege ?? ssh.privilege),
      identityFile: host.identity_file ?? ssh.identity_file,
      privateKeySecret: host.private_key_secret ?? ssh.private_key_secret,
      connectTimeout: ssh.connect_timeout,
      groups: memberOf.map(([group]) => group),
      vars,
    };
  });
}

/** The app, its deploy dir and its database's directory (a file database's; a server's is not the deploy's to touch). */
function privilegeOf(config: SlipwayConfig, mode: PrivilegeContext["mode"]): PrivilegeContext {
  const db = config.database;
  const file =
    db && (db.engine === "sqlite" || db.engine === "duckdb") && db.path?.startsWith("/") ? db.path : undefined;
  return {
    mode,
    app: config.app,
    deployDir: config.deploy_dir,
    dataDirs: file ? [posix.dirname(file)] : [],
  };
}

/**
 * Hosts the `hosts:` of a service or of the proxy selects (host names, group names, `all`, or any of Ansible's
 * patterns: src/host-pattern.ts, the one implementation), in inventory order; every host when `patterns` is unset.
 */
export function selectHosts(config: SlipwayConfig, patterns: readonly string[] | undefined): ResolvedHost[] {
  const all = resolveHosts(config);
  if (!patterns) return all;
  const groups = Object.fromEntries(Object.entries(config.inventory.groups).map(([name, g]) => [name, g.hosts]));
  const chosen = new Set(selectPattern({ hosts: config.inventory.hosts, groups }, patterns).hosts);
  return all.filter((host) => chosen.has(host.name));
}

/**
 * Whether `hostName` runs privileged commands through the helper (`privilege: helper` on the host, else on `ssh`):
 * the helper has verbs for Slipway's own operations only, so a read such as `ss -p` runs as the deploy user there.
 */
export function helperMode(config: SlipwayConfig, hostName: string): boolean {
  const { ssh, hosts } = config.inventory;
  return (hosts[hostName]?.privilege ?? ssh.privilege) === "helper";
}
