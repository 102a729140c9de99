/**
 * Rules that span sections (a route naming a service that does not exist, TLS without a domain, DuckDB under
 * blue-green). They run after every section parsed, so each message can name the exact key at fault.
 */

import type { z } from "zod";
import { checkVolumes } from "../host-paths.js";
import { previewPort } from "../preview-port.js";
import { checkContainerIntervals } from "./container-check-checks.js";
import { FILE_ENGINES } from "./database.js";
import {
  checkAccessories,
  checkCertificateNames,
  checkCors,
  checkReservedPorts,
  checkStatefulServices,
  checkStatic,
  checkSystemdInstances,
  checkSystemdRuntime,
} from "./deploy-checks.js";
import { checkEnvReferences } from "./env-refs.js";
import { checkLayout } from "./layout-checks.js";
import { checkDependencyCycles, checkImageOrBuild } from "./service-checks.js";
import { checkSwarm } from "./swarm.js";
import { checkWorkers } from "./worker-checks.js";

type Ctx = z.RefinementCtx;
type Path = (string | number)[];

/** The parts of the parsed config these checks read (kept structural to avoid a cycle with schema.ts). */
export interface CheckedConfig {
  app: string;
  runtime: string;
  strategy: string;
  services: Record<
    string,
    {
      build?: unknown;
      image?: string;
      image_from?: string;
      files?: unknown[];
      public_port?: number;
      command?: unknown;
      port?: number;
      health?: {
        type?: string;
        path?: string;
        container_check?: unknown;
        container_interval?: string;
        interval?: string;
        stable?: string;
        timeout?: string;
      };
      ports?: { blue?: number; green?: number };
      systemd?: { app_module?: string; user?: string };
      volumes: string[];
      allow_host_paths?: string[];
      depends_on: string[];
      env?: Record<string, unknown>;
      hosts?: string[];
      accessory?: boolean;
      swarm?: { replicas: number; placement: string[] };
      container?: { user?: string };
    }
  >;
  inventory: {
    ssh: { user: string; port: number; privilege?: string };
    hosts: Record<string, { jump?: string; privilege?: string; port?: number }>;
    groups: Record<string, { hosts: string[] }>;
  };
  proxy: {
    mode: string;
    domains: string[];
    routes: { service: string; path: string; check: false | { path?: string } }[];
    api_subdomain?: { service: string; domain: string };
    cors?: { origins: string[]; credentials: boolean };
    static?: { root?: string; source?: string };
    load_balance: Record<string, { instances: number }>;
    hosts?: string[];
    preview: boolean;
    preview_port?: number;
    switch?: string;
  };
  tls: { enabled: boolean; email?: string; domains?: string[]; certificate_path?: string; key_path?: string };
  database?: { engine: string; volume?: string; compose_service?: string };
  swarm?: { manager?: string; node_labels: Record<string, Record<string, string>> };
  image: { registry?: string; delivery?: string };
}

export const GREEN_PORT_OFFSET = 10000;

export function crossCheck(config: CheckedConfig, ctx: Ctx): void {
  const serviceNames = Object.keys(config.services);
  const issue = (path: Path, message: string, input?: unknown) =>
    ctx.addIssue({ code: "custom", path, message, ...(input === undefined ? {} : { input }) });
  const needService = (path: Path, name: string) => {
    if (!config.services[name]) issue(path, `expected a service defined in \`services\` (${list(serviceNames)})`, name);
  };

  const checks = [
    checkServices,
    checkImageOrBuild,
    checkDependencyCycles,
    checkEnvReferences,
    checkInventory,
    checkLayout,
    checkProxy,
    checkTls,
    checkDatabase,
    checkPorts,
    checkCertificateNames,
    checkCors,
    checkStatic,
    checkSystemdRuntime,
    checkReservedPorts,
    checkStatefulServices,
    checkAccessories,
    checkSystemdInstances,
    checkSwarm,
    checkWorkers,
    checkContainerIntervals,
    checkSwarmPrivilege,
    checkHelperFilesOwner,
    (c: CheckedConfig, i: Issue) => checkVolumes(c.services, i),
  ];
  for (const check of checks) {
    try {
      check(config, issue, needService);
    } catch (error) {
      // zod runs refinements after "continuable" issues (a bad format, a number out of range), so a section may be
      // malformed here. That problem is already reported; a check that trips over it has nothing to add.
      if (!(error instanceof TypeError)) throw error;
    }
  }
}

type Issue = (path: Path, message: string, input?: unknown) => void;
type NeedService = (path: Path, name: string) => void;

function checkServices(config: CheckedConfig, issue: Issue, needService: NeedService) {
  for (const [name, service] of Object.entries(config.services)) {
    service.depends_on.forEach((dep, i) => {
      needService(["services", name, "depends_on", i], dep);
    });
    if (config.runtime === "systemd") {
      if (!service.systemd?.app_module && service.command === undefined) {
        issue(
          ["services", name],
          "expected `systemd.app_module`: runtime systemd starts the app with gunicorn or uvicorn",
        );
      }
      if (service.image !== undefined && service.build === undefined) {
        issue(["services", name, "image"], "runtime systemd runs code, not images: use `build.context` for the code");
      }
    } else if (service.build === undefined && service.image === undefined && service.image_from === undefined) {
      issue(
        ["services", name],
        `expected \`build\`, \`image\` or \`image_from\`: runtime ${config.runtime} runs an image`,
      );
    }
    if (service.image_from !== undefined) checkImageFrom(config, name, service, issue);
    if (service.public_port !== undefined) checkPublicPort(config, name, service.public_port, issue);
    if (service.public_port !== undefined && config.proxy.mode !== "internal") {
      issue(
        ["services", name, "public_port"],
        "is for proxy.mode internal; with nginx in front, users reach the service through proxy.routes",
        service.public_port,
      );
    }
    if (config.runtime === "systemd" && (service.files?.length ?? 0) > 0) {
      issue(
        ["services", name, "files"],
        "runtime systemd ships the code as is: put the config file in it, or use runtime container or compose",
      );
    }
  }
}

/** A public port is held by its socket on every address: no color of any service may use it on 127.0.0.1. */
function checkPublicPort(config: CheckedConfig, name: string, publicPort: number, issue: Issue): void {
  for (const [other, service] of Object.entries(config.services)) {
    if (service.port === undefined) continue; // a worker listens nowhere
    const blue = service.ports?.blue ?? service.port;
    const green = service.ports?.green ?? service.port + GREEN_PORT_OFFSET;
    const color = blue === publicPort ? "blue" : green === publicPort ? "green" : null;
    if (color) {
      issue(
        ["services", name, "public_port"],
        `${publicPort} is also the host port of ${other}'s ${color} color: give the colors other ports (\`services.${other}.ports.blue\`/\`green\`, e.g. ${publicPort + 10} and ${publicPort + 10010})`,
        publicPort,
      );
    }
  }
}

/** `image_from` names another service that builds its image; the service itself builds nothing. */
function checkImageFrom(
  config: CheckedConfig,
  name: string,
  service: CheckedConfig["services"][string],
  issue: Issue,
): void {
  const from = service.image_from as string;
  const path = ["services", name, "image_from"];
  if (config.runtime === "systemd") {
    issue(path, "runtime systemd runs code, not images: give this service the same `build.context`", from);
  } else if (service.build !== undefined || service.image !== undefined) {
    issue(path, "a service runs one image: remove `build`/`image`, or `image_from`", from);
  } else if (config.services[from]?.build === undefined) {
    const builders = Object.keys(config.services).filter((s) => config.services[s]?.build !== undefined);
    issue(path, `expected a service with a \`build\` section (${builders.join(", ") || "none"})`, from);
  }
}

function checkInventory(config: CheckedConfig, issue: Issue, _needService?: NeedService) {
  const { hosts, groups } = config.inventory;
  for (const [group, { hosts: members }] of Object.entries(groups)) {
    members.forEach((member, i) => {
      if (!hosts[member])
        issue(
          ["inventory", "groups", group, "hosts", i],
          `expected a host defined in \`inventory.hosts\` (${list(Object.keys(hosts))})`,
          member,
        );
    });
    if (hosts[group]) issue(["inventory", "groups", group], "a group cannot have the name of a host");
  }
  for (const [name, host] of Object.entries(hosts)) {
    if (host.jump === undefined) continue;
    if (host.jump === name) issue(["inventory", "hosts", name, "jump"], "a host cannot be its own jump host");
    else if (!hosts[host.jump])
      issue(["inventory", "hosts", name, "jump"], "expected the name of a host in `inventory.hosts`", host.jump);
  }
  const known = (ref: string) => ref === "all" || hosts[ref] !== undefined || groups[ref] !== undefined;
  const refs: [Path, string[] | undefined][] = [
    [["proxy", "hosts"], config.proxy.hosts],
    ...Object.entries(config.services).map(([n, s]): [Path, string[] | undefined] => [
      ["services", n, "hosts"],
      s.hosts,
    ]),
  ];
  for (const [path, names] of refs) {
    names?.forEach((ref, i) => {
      if (!known(ref)) issue([...path, i], "expected a host or group of the inventory (or `all`)", ref);
    });
  }
}

/**
 * Runtime swarm drives `docker stack deploy` on a manager, which the privilege helper's docker gate does not cover
 * (it checks container and compose specs only: docs/security.md), so a helper-mode host would fail at its first
 * stack command: validate says so at the key.
 */
function checkSwarmPrivilege(config: CheckedConfig, issue: Issue) {
  const { inventory, runtime } = config;
  if (runtime !== "swarm") return;
  for (const [name, host] of Object.entries(inventory.hosts)) {
    if ((host.privilege ?? inventory.ssh.privilege) !== "helper") continue;
    issue(
      host.privilege ? ["inventory", "hosts", name, "privilege"] : ["inventory", "ssh", "privilege"],
      `runtime swarm runs \`docker stack deploy\`, which the privilege helper does not gate: host ${name} needs \`privilege: root\` (bootstrap it with -e deploy_privilege=root)`,
      "helper",
    );
  }
}

/**
 * D31: a service's `files` are handed to its numeric `container.user` with `chown` at stage, which the privilege helper
 * does not run (root-owned tools only change root's or the app's own files): validate says so at the key, not the deploy.
 */
function checkHelperFilesOwner(config: CheckedConfig, issue: Issue) {
  const { inventory, runtime, services } = config;
  if (runtime !== "container" && runtime !== "compose") return;
  const helpers = Object.entries(inventory.hosts).filter(
    ([, h]) => (h.privilege ?? inventory.ssh.privilege) === "helper",
  );
  if (helpers.length === 0) return;
  for (const [name, service] of Object.entries(services)) {
    const user = service.container?.user;
    if (!user || !/^\d+(:\d+)?$/.test(user) || (service.files?.length ?? 0) === 0) continue;
    issue(
      ["services", name, "container", "user"],
      `helper mode (host ${helpers[0]?.[0]}) cannot give services.${name}.files to ${user}: the helper does not run \`chown\`; drop container.user or the files, or use \`privilege: root\` for that host`,
      user,
    );
  }
}

function checkProxy(config: CheckedConfig, issue: Issue, needService: NeedService) {
  const { proxy } = config;
  const seen = new Set<string>();
  proxy.routes.forEach((route, i) => {
    needService(["proxy", "routes", i, "service"], route.service);
    if (seen.has(route.path)) issue(["proxy", "routes", i, "path"], "another route already has this path", route.path);
    seen.add(route.path);
    if (route.check && route.check.path !== undefined && !route.check.path.startsWith(route.path)) {
      issue(
        ["proxy", "routes", i, "check", "path"],
        `expected a path starting with the route's path "${route.path}" (else another location answers the check)`,
        route.check.path,
      );
    }
  });
  if (proxy.routes.length > 0 && proxy.routes.every((route) => route.check === false)) {
    issue(
      ["proxy", "routes"],
      "expected at least one route with a check: the deploy verifies a release through nginx before and after the switch",
    );
  }
  if (proxy.api_subdomain) needService(["proxy", "api_subdomain", "service"], proxy.api_subdomain.service);
  if (proxy.api_subdomain && proxy.domains.includes(proxy.api_subdomain.domain)) {
    // Two server blocks with one name: nginx keeps the first and ignores the other (D84).
    issue(
      ["proxy", "api_subdomain", "domain"],
      "expected a domain other than the `proxy.domains` entries: nginx would serve only one of the two server blocks",
      proxy.api_subdomain.domain,
    );
  }
  for (const name of Object.keys(proxy.load_balance)) needService(["proxy", "load_balance", name], name);
  if (proxy.mode === "nginx" && proxy.routes.length === 0 && !proxy.api_subdomain) {
    issue(["proxy", "routes"], "expected at least one route when `proxy.mode` is nginx");
  }
}

function checkTls(config: CheckedConfig, issue: Issue, _needService?: NeedService) {
  const { tls, proxy } = config;
  if ((tls.certificate_path === undefined) !== (tls.key_path === undefined)) {
    issue(
      ["tls", tls.certificate_path === undefined ? "key_path" : "certificate_path"],
      "expected both `certificate_path` and `key_path`",
    );
  }
  if (!tls.enabled) return;
  if (proxy.mode !== "nginx") issue(["tls", "enabled"], "TLS needs `proxy.mode: nginx` (nginx terminates TLS)");
  if ((tls.domains ?? proxy.domains).length === 0) {
    issue(["tls", "enabled"], "expected `proxy.domains` (or `tls.domains`): a certificate needs a domain name");
  }
  if (tls.certificate_path === undefined && tls.email === undefined) {
    issue(["tls"], "expected `email` for the ACME account (or `certificate_path` and `key_path`)");
  }
}

function checkDatabase(config: CheckedConfig, issue: Issue, needService: NeedService) {
  const db = config.database;
  if (!db) return;
  if (db.compose_service !== undefined) needService(["database", "compose_service"], db.compose_service);
  if (db.volume !== undefined) {
    const mounted = Object.values(config.services).some((s) => s.volumes.some((v) => v.split(":")[0] === db.volume));
    if (!mounted) issue(["database", "volume"], "expected a volume that a service mounts in `volumes`", db.volume);
  }
  if (db.engine === "duckdb" && config.strategy === "blue-green") {
    issue(
      ["database", "engine"],
      "DuckDB allows one writer only, so blue and green cannot run at once: set `strategy: stop-first`",
    );
  }
  if (FILE_ENGINES.includes(db.engine) && db.volume !== undefined && config.runtime === "systemd") {
    issue(["database", "volume"], "runtime systemd has no docker volumes: give `path` as an absolute host path");
  }
}

function checkPorts(config: CheckedConfig, issue: Issue, _needService?: NeedService) {
  const owners = new Map<number, string>();
  for (const [name, service] of Object.entries(config.services)) {
    if (service.port === undefined) continue; // a worker listens nowhere
    const blue = service.ports?.blue ?? service.port;
    const green = service.ports?.green ?? service.port + GREEN_PORT_OFFSET;
    if (!(service.port >= 1 && service.port <= 65535)) continue; // already reported by the port's own check
    if (blue === green) issue(["services", name, "ports"], "blue and green need different ports");
    if (green > 65535) {
      issue(
        ["services", name, "port"],
        `green port ${green} (port + ${GREEN_PORT_OFFSET}) is above 65535: set \`ports.green\``,
      );
    }
    const instances = config.proxy.load_balance[name]?.instances ?? 1;
    for (const [color, base] of [
      ["blue", blue],
      ["green", green],
    ] as const) {
      for (let i = 0; i < instances; i++) {
        const p = base + i;
        const owner = owners.get(p);
        const here = `${name} (${color})`;
        if (i > 0 && p > 65535 && base <= 65535) {
          issue(
            ["proxy", "load_balance", name, "instances"],
            `${instances} instances from ${color} port ${base} reach port ${p}, above 65535: lower \`ports.${color}\``,
            instances,
          );
        }
        if (owner && !owner.startsWith(`${name} `)) {
          issue(["services", name, "port"], `host port ${p} of ${here} is also used by ${owner}: set \`ports\``, p);
        }
        owners.set(p, here);
      }
    }
  }
  checkPreviewPort(config, issue, owners);
}

/** The preview listener binds 127.0.0.1:<port> on every nginx host: not a service's port, not nginx's own 80/443. */
function checkPreviewPort(config: CheckedConfig, issue: Issue, owners: Map<number, string>) {
  if (config.proxy.mode !== "nginx" || !config.proxy.preview) return;
  const port = previewPort(config);
  const path = config.proxy.preview_port !== undefined ? ["proxy", "preview_port"] : ["app"];
  const owner = owners.get(port) ?? (port === 80 || port === 443 ? `nginx's public port ${port}` : undefined);
  if (!owner) return;
  const what =
    config.proxy.preview_port !== undefined
      ? `preview port ${port} is also used by ${owner}`
      : `the preview port derived from the app name (${port}) is also used by ${owner}: set \`proxy.preview_port\``;
  issue(path, what, port);
}

function list(names: string[]): string {
  return names.length === 0 ? "none defined" : names.join(", ");
}
