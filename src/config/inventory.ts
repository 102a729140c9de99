/** The inventory as the SSH layer and the engine use it: every host with its connection settings filled in. */
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
      identityFile: host.identity_file ?? ssh.identity_file,
      privateKeySecret: host.private_key_secret ?? ssh.private_key_secret,
      connectTimeout: ssh.connect_timeout,
      groups: memberOf.map(([group]) => group),
      vars,
    };
  });
}

/** Hosts matching a list of host names, group names or `all` (the `hosts:` keys of services and proxy). */
export function selectHosts(config: SlipwayConfig, patterns: readonly string[] | undefined): ResolvedHost[] {
  const all = resolveHosts(config);
  if (!patterns || patterns.includes("all")) return all;
  return all.filter((host) => patterns.includes(host.name) || host.groups.some((group) => patterns.includes(group)));
}
