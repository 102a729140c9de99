/**
 * What a host's firewall (playbooks/bootstrap.yml, files/firewall.nft.tpl) must let in, from slipway.yml: the host's
 * SSH port as the config connects to it, nginx's 80 (ACME HTTP-01 needs it even with TLS) and 443 with TLS on the
 * hosts running nginx, and the services' color ports on hosts nginx reaches over the network, from the nginx hosts'
 * addresses only; under proxy.mode internal the services' `public_port`s. Anything else stays closed.
 */
import { isIP } from "node:net";
import { ConfigError } from "../errors.js";
import { resolveHosts, selectHosts } from "./inventory.js";
import { upstreamIsLocal } from "./layout.js";
import { colorPort } from "./ports.js";
import type { SlipwayConfig } from "./schema.js";

export interface FirewallPorts {
  /** TCP ports open to everyone, ascending. */
  tcp: number[];
  /** nft rules (without the trailing `;`) letting the nginx hosts reach this host's upstream ports. */
  upstreamRules: string[];
}

/**
 * Inbound TCP of one inventory host. Throws ConfigError when an nginx host's address is a DNS name (a firewall rule
 * needs an IP) and this host serves upstreams to it.
 */
export function firewallPorts(config: SlipwayConfig, hostName: string): FirewallPorts {
  const hosts = resolveHosts(config);
  const self = hosts.find((h) => h.name === hostName);
  if (!self) throw new ConfigError(`inventory.hosts: no host ${hostName}`, { host: hostName, step: "firewall" });
  const tcp = new Set<number>([self.port]);
  const nginxHosts = config.proxy.mode === "nginx" ? selectHosts(config, config.proxy.hosts) : [];
  if (nginxHosts.some((h) => h.name === hostName)) {
    tcp.add(80);
    if (config.tls.enabled) tcp.add(443);
  }
  // proxy.mode internal: the services' public ports (systemd-socket-proxyd to the live color), where they run.
  for (const service of Object.values(config.services)) {
    const on = selectHosts(config, service.hosts).some((h) => h.name === hostName);
    if (config.proxy.mode === "internal" && service.public_port !== undefined && on) tcp.add(service.public_port);
  }
  const upstream = upstreamPorts(config, hostName);
  const sources = nginxHosts.filter((h) => h.name !== hostName);
  const upstreamRules = upstream.length > 0 && sources.length > 0 ? sourceRules(sources, upstream) : [];
  if (config.runtime === "swarm") upstreamRules.push(...swarmRules(hosts.filter((h) => h.name !== hostName)));
  return { tcp: [...tcp].sort((a, b) => a - b), upstreamRules };
}

/** Both colors' ports (every instance) of the services on this host that nginx reaches over the network. */
function upstreamPorts(config: SlipwayConfig, hostName: string): number[] {
  // Runtime swarm: swarmRules open every TCP port to the other nodes (host-mode ports move with the tasks).
  if (config.proxy.mode !== "nginx" || config.runtime === "swarm") return [];
  const ports = new Set<number>();
  for (const [name, service] of Object.entries(config.services)) {
    const on = selectHosts(config, service.hosts);
    if (!on.some((h) => h.name === hostName)) continue;
    if (upstreamIsLocal(config, service) || service.port === undefined) continue; // a worker listens nowhere
    const instances = config.proxy.load_balance[name]?.instances ?? 1;
    for (let i = 0; i < instances; i++) {
      ports.add(colorPort(service, "blue", i));
      ports.add(colorPort(service, "green", i));
    }
  }
  return [...ports].sort((a, b) => a - b);
}

/**
 * Runtime swarm: the other nodes reach this one's cluster management (2377/tcp), gossip (7946/tcp+udp), overlay
 * traffic (4789/udp) and the services' host-mode ports (any TCP port: tasks move between nodes).
 */
function swarmRules(nodes: readonly { name: string; address: string }[]): string[] {
  if (nodes.length === 0) return [];
  return [...sourceRules(nodes, []), ...sourceRules(nodes, [], "udp dport { 7946, 4789 } accept")];
}

function sourceRules(
  sources: readonly { name: string; address: string }[],
  ports: readonly number[],
  accept = `tcp dport { ${ports.join(", ")} } accept`,
): string[] {
  const named = sources.find((h) => isIP(h.address) === 0);
  if (named) {
    throw new ConfigError(
      `inventory.hosts.${named.name}.address: ${named.address} is not an IP, but ${named.name} runs nginx in front of other hosts`,
      {
        step: "firewall",
        hint: "write the host's IP address: the firewall of the service hosts lets only that address reach the upstream ports",
      },
    );
  }
  const dport = ports.length > 0 || accept.startsWith("udp") ? accept : "meta l4proto tcp accept";
  const v4 = sources.filter((h) => isIP(h.address) === 4).map((h) => h.address);
  const v6 = sources.filter((h) => isIP(h.address) === 6).map((h) => h.address);
  return [
    ...(v4.length > 0 ? [`ip saddr { ${v4.join(", ")} } ${dport}`] : []),
    ...(v6.length > 0 ? [`ip6 saddr { ${v6.join(", ")} } ${dport}`] : []),
  ];
}
