/**
 * Who runs what (issue 13 item 4): `services.*.hosts` says where each service runs, `proxy.hosts` where nginx and the
 * switch run. Every host runs nginx and every service unless those keys narrow it down; when they do (the
 * load-balancer layout of seed 000: one nginx host in front of app hosts), nginx reaches the services over the
 * network at the inventory address of each app host, and the services listen on that address instead of loopback.
 */
import { isIP } from "node:net";
import { selectHosts } from "./inventory.js";
import type { ServiceConfig, SlipwayConfig } from "./schema.js";
import { swarmManager } from "./swarm.js";

/** What one inventory host does in a deploy. */
export interface HostRole {
  /** Runs nginx's site and the switch (proxy.mode nginx), or the public ports (proxy.mode internal, on app hosts). */
  switches: boolean;
  /** The services this host runs (`services.*.hosts`), in config order. */
  services: string[];
}

/**
 * The names of the services whose `hosts` select `hostName` (every service when `hosts` is unset). Runtime swarm:
 * every service on the manager (the deploy runs them through it; the engine places their tasks) and none elsewhere.
 */
export function servicesOn(config: SlipwayConfig, hostName: string): string[] {
  if (config.runtime === "swarm") return hostName === swarmManager(config) ? Object.keys(config.services) : [];
  return Object.entries(config.services)
    .filter(([, service]) => selectHosts(config, service.hosts).some((h) => h.name === hostName))
    .map(([name]) => name);
}

/** Whether `hostName` runs nginx's site (proxy.mode nginx and selected by `proxy.hosts`, every host by default). */
export function runsNginx(config: SlipwayConfig, hostName: string): boolean {
  if (config.proxy.mode !== "nginx") return false;
  return selectHosts(config, config.proxy.hosts).some((h) => h.name === hostName);
}

export function hostRole(config: SlipwayConfig, hostName: string): HostRole {
  const services = servicesOn(config, hostName);
  const switches = config.proxy.mode === "nginx" ? runsNginx(config, hostName) : services.length > 0;
  return { switches, services };
}

/**
 * Whether hosts differ in what they do, so one host's deploy depends on another's (the app hosts gate before the
 * nginx hosts switch, and retire after): some host runs nginx without a service or a service without nginx, or
 * some service is missing from some host.
 */
export function isSplitLayout(config: SlipwayConfig): boolean {
  const all = deployHosts(config);
  const total = Object.keys(config.services).length;
  return all.some((h) => {
    const role = hostRole(config, h.name);
    return role.services.length !== total || (config.proxy.mode === "nginx" && !role.switches);
  });
}

/**
 * The inventory hosts a deploy runs on: every host, except under runtime swarm, where it is the manager and the
 * nginx hosts (a worker only runs the tasks the engine gives it).
 */
export function deployHosts(config: SlipwayConfig): ReturnType<typeof selectHosts> {
  const all = selectHosts(config, undefined);
  if (config.runtime !== "swarm") return all;
  return all.filter((h) => {
    const role = hostRole(config, h.name);
    return role.switches || role.services.length > 0;
  });
}

/**
 * Whether nginx reaches a service on the same host (127.0.0.1): true when every host runs its own nginx and the
 * service runs on every host. Otherwise nginx connects to the service hosts' addresses, and the service must listen
 * on more than loopback.
 */
export function upstreamIsLocal(config: SlipwayConfig, service: Pick<ServiceConfig, "hosts">): boolean {
  // Runtime swarm: a task runs on whichever node the engine picks; nginx lists every node.
  if (config.proxy.hosts !== undefined || config.runtime === "swarm") return false;
  return selectHosts(config, service.hosts).length === selectHosts(config, undefined).length;
}

/**
 * The address a service listens on at `hostName` (its color ports): 127.0.0.1 when only a local nginx (or
 * systemd-socket-proxyd) reaches it; else the host's inventory address, the one nginx's upstream names, so the port
 * is not open on the host's other interfaces (IPv6 in brackets, as a bind address is written). An inventory address that is a DNS name cannot be bound: 0.0.0.0 then,
 * and the firewall (playbooks/bootstrap.yml) is what keeps the port from everyone but the nginx hosts.
 * Without `hostName` (renders for no particular host): 0.0.0.0 when nginx is elsewhere.
 */
export function listenAddress(config: SlipwayConfig, serviceName: string, hostName?: string): string {
  const service = config.services[serviceName];
  if (config.proxy.mode === "internal" || !service || upstreamIsLocal(config, service)) return "127.0.0.1";
  const address = hostName ? selectHosts(config, undefined).find((h) => h.name === hostName)?.address : undefined;
  if (address === undefined || isIP(address) === 0) return "0.0.0.0";
  return hostForUrl(address);
}

/** An address as it is written before `:port` (nginx's `server`, a bind address, a URL): IPv6 in brackets. */
export function hostForUrl(address: string): string {
  return isIP(address) === 6 ? `[${address}]` : address;
}

/** Where a probe on the host itself reaches a service: its listen address, loopback for the wildcard. */
export function probeAddress(config: SlipwayConfig, serviceName: string, hostName?: string): string {
  const address = listenAddress(config, serviceName, hostName);
  return address === "0.0.0.0" ? "127.0.0.1" : address;
}

/** The config as one host runs it: only the services on that host (its runtime stages, starts and gates these). */
export function configOnHost(config: SlipwayConfig, hostName: string): SlipwayConfig {
  const names = new Set(servicesOn(config, hostName));
  if (names.size === Object.keys(config.services).length) return config;
  const services = Object.fromEntries(Object.entries(config.services).filter(([name]) => names.has(name)));
  return { ...config, services } as SlipwayConfig;
}
