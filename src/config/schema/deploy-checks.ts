/**
 * Cross-checks for what a later stage would refuse: the certificate authority (wildcards over http-01, names it
 * never sees), browsers (CORS "*" with credentials), nginx on the same host (ports 80/443), systemd (root services),
 * and blue-green itself (a database server started twice on one data directory). validate runs them so that
 * `slipway validate` refuses what `slipway deploy` would, at the key's line.
 */
import { servedNames } from "../served-names.js";
import type { CheckedConfig } from "./cross-checks.js";

type Path = (string | number)[];
type Issue = (path: Path, message: string, input?: unknown) => void;

/** Images that run a database or another server keeping state on its volume: one copy per data directory. */
const STATEFUL_IMAGE =
  /^(?:[^/]+\/)*(postgres|postgis|mysql|mariadb|mongo|redis|valkey|elasticsearch|opensearch|rabbitmq|clickhouse-server|influxdb)(?:[:@]|$)/;

export function checkCertificateNames(config: CheckedConfig, issue: Issue): void {
  const { tls, proxy } = config;
  if (!tls.enabled || tls.certificate_path !== undefined) return;
  const [key, names] = tls.domains === undefined ? ["proxy", proxy.domains] : ["tls", tls.domains];
  names.forEach((name, i) => {
    if (name.startsWith("*.")) {
      issue(
        [key, "domains", i],
        `${name} is a wildcard: ACME gives wildcards over DNS only, and Slipway validates over HTTP (webroot); give \`tls.certificate_path\` and \`tls.key_path\` for a wildcard certificate`,
        name,
      );
    }
  });
  if (tls.domains === undefined) return;
  const missing = servedNames(config).filter((name) => !tls.domains?.includes(name));
  if (missing.length > 0) {
    issue(
      ["tls", "domains"],
      `expected every name the site serves on the certificate (HTTPS for the others fails): add ${missing.join(", ")}, or leave \`tls.domains\` out to use them all`,
    );
  }
}

export function checkCors(config: CheckedConfig, issue: Issue): void {
  const cors = config.proxy.cors;
  if (!cors) return;
  const any = cors.origins.indexOf("*");
  if (any >= 0 && cors.origins.length > 1) {
    issue(["proxy", "cors", "origins", any], '"*" allows every origin: list it alone or list the origins', "*");
  }
  if (any >= 0 && cors.credentials) {
    issue(
      ["proxy", "cors", "credentials"],
      'browsers refuse credentials with `Access-Control-Allow-Origin: *`: list the origins instead of "*", or set credentials: false',
    );
  }
}

export function checkStatic(config: CheckedConfig, issue: Issue): void {
  const staticFiles = config.proxy.static;
  if (staticFiles && (staticFiles.root === undefined) === (staticFiles.source === undefined)) {
    issue(
      ["proxy", "static"],
      "expected `root` (a directory already on the host) or `source` (a local directory shipped with each release), one of them",
    );
  }
  const root = staticFiles?.root;
  if (root !== undefined && root.replace(/\/+$/, "") === "") {
    issue(
      ["proxy", "static", "root"],
      "expected the directory of the static files, not / (it would serve the whole host)",
      root,
    );
  }
}

export function checkSystemdRuntime(config: CheckedConfig, issue: Issue): void {
  if (config.runtime !== "systemd") return;
  for (const [name, service] of Object.entries(config.services)) {
    if (service.command !== undefined) {
      issue(
        ["services", name, "command"],
        "runtime systemd starts gunicorn or uvicorn from `systemd.app_module`: remove `command` and set `systemd.app_module`",
      );
    }
    if (service.systemd?.user === undefined && config.inventory.ssh.user === "root") {
      issue(
        ["services", name, "systemd"],
        "expected `systemd.user`: the SSH user is root and the service would run as root",
      );
    }
  }
}

/** nginx owns 80 and 443 on every host it runs on; sshd owns the SSH port. A service's host port cannot be one. */
export function checkReservedPorts(config: CheckedConfig, issue: Issue): void {
  const reserved = new Map<number, string>();
  if (config.proxy.mode === "nginx") {
    reserved.set(80, "nginx's HTTP port");
    reserved.set(443, "nginx's HTTPS port");
  }
  // Every SSH port the inventory connects to (a host's own `port` too): sshd holds it on that host.
  for (const port of [config.inventory.ssh.port, ...Object.values(config.inventory.hosts).map((h) => h.port)]) {
    if (port !== undefined) reserved.set(port, "the SSH port");
  }
  for (const [name, service] of Object.entries(config.services)) {
    // A public port (proxy.mode internal) is a socket on every address of the host: the same ports are taken.
    const publicOwner = service.public_port === undefined ? undefined : reserved.get(service.public_port);
    if (publicOwner) {
      issue(
        ["services", name, "public_port"],
        `port ${service.public_port} is ${publicOwner}: the public port's socket could not listen there; choose a free port (e.g. ${service.port})`,
        service.public_port,
      );
    }
    if (service.port === undefined) continue; // a worker has no host port
    const hostPorts: [Path, number][] = [
      [
        service.ports?.blue === undefined ? ["services", name, "port"] : ["services", name, "ports", "blue"],
        service.ports?.blue ?? service.port,
      ],
    ];
    if (service.ports?.green !== undefined) hostPorts.push([["services", name, "ports", "green"], service.ports.green]);
    for (const [path, port] of hostPorts) {
      const owner = reserved.get(port);
      if (owner) {
        issue(
          path,
          `host port ${port} is ${owner}: set \`ports.blue\` and \`ports.green\` to free ports (the container keeps listening on ${service.port})`,
          port,
        );
      }
    }
  }
}

/**
 * Blue-green starts a second copy of every service before stopping the first. A database server on its volume would
 * then run twice on one data directory; refuse it with the reason rather than corrupt it.
 */
export function checkStatefulServices(config: CheckedConfig, issue: Issue): void {
  // Runtime swarm refuses every unpinned volume, stateful image or not (schema/swarm.ts checkSwarm).
  if (config.runtime === "systemd" || config.runtime === "swarm" || config.strategy !== "blue-green") return;
  for (const [name, service] of Object.entries(config.services)) {
    if (service.accessory) continue;
    const why = statefulReason(config, name, service);
    if (!why) continue;
    const fix =
      config.runtime === "compose"
        ? "Set `accessory: true` on it (started once, outside the colors, kept across deploys), run"
        : "Run";
    issue(
      ["services", name],
      `${why}: blue-green would start a second server on the same data while the first runs. ${fix} the database outside this app's colors (its own slipway.yml or a managed server, reached through \`url_secret\`), or set \`strategy: stop-first\``,
    );
  }
}

/**
 * An accessory runs once, outside the colors: under runtime compose only (its own project on a network the colors
 * join), never behind nginx (nothing switches to it), and depending on other accessories only (they start first).
 */
export function checkAccessories(config: CheckedConfig, issue: Issue): void {
  const accessories = new Set(Object.keys(config.services).filter((name) => config.services[name]?.accessory));
  for (const name of accessories) {
    if (config.runtime !== "compose" && config.runtime !== "swarm") {
      issue(
        ["services", name, "accessory"],
        `runtime ${config.runtime} has no accessories: use runtime compose or swarm, or run the server as a system service and reach it through \`database.url_secret\``,
        true,
      );
    }
    const deps = config.services[name]?.depends_on ?? [];
    deps.forEach((dep, i) => {
      if (!accessories.has(dep)) {
        issue(
          ["services", name, "depends_on", i],
          `${dep} runs in the colors, which start after the accessories: an accessory depends on other accessories only`,
          dep,
        );
      }
    });
  }
  config.proxy.routes.forEach((route, i) => {
    if (accessories.has(route.service)) {
      issue(
        ["proxy", "routes", i, "service"],
        `${route.service} is an accessory: nginx routes to the colors' services only`,
        route.service,
      );
    }
  });
  const api = config.proxy.api_subdomain?.service;
  if (api !== undefined && accessories.has(api)) {
    issue(
      ["proxy", "api_subdomain", "service"],
      `${api} is an accessory: nginx routes to the colors' services only`,
      api,
    );
  }
}

function statefulReason(
  config: CheckedConfig,
  name: string,
  service: CheckedConfig["services"][string],
): string | null {
  const volumes = service.volumes.map((v) => v.split(":")[0] ?? "").filter((v) => !v.startsWith("/"));
  const db = config.database;
  if (db?.compose_service === name) return `runs the ${db.engine} server of \`database.compose_service\``;
  const image = service.image ?? "";
  if (STATEFUL_IMAGE.test(image) && volumes.length > 0) return `runs ${image} on volume ${volumes[0]}`;
  return null;
}

/**
 * Runtime systemd runs a load-balanced service's processes as instances `<color>`, `<color>-2`, ... of its template
 * unit, whose `Wants=`/`After=` name its dependencies' instance `%i`: there is no `<dep>@blue-2`, so such a service
 * cannot have `depends_on` (the container and compose runtimes can).
 */
export function checkSystemdInstances(config: CheckedConfig, issue: Issue): void {
  if (config.runtime !== "systemd") return;
  for (const [name, lb] of Object.entries(config.proxy.load_balance)) {
    const dep = config.services[name]?.depends_on[0];
    if (lb.instances <= 1 || dep === undefined) continue;
    issue(
      ["proxy", "load_balance", name, "instances"],
      `${lb.instances} instances of ${name} under runtime systemd cannot have \`services.${name}.depends_on\`: the unit instance ${name}@blue-2 would want ${dep}@blue-2, which does not exist; remove depends_on (the services start side by side and the gate waits for each) or use runtime container or compose`,
      lb.instances,
    );
  }
}
