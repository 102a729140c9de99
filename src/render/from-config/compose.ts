/**
 * slipway.yml -> one ComposeModel per color (runtime compose): images by digest from the caller, each service's port
 * published on 127.0.0.1 at the color's port, named volumes under the names written in the config (the same for both
 * colors, and the names `database.volume` backups use), healthchecks from `services.*.health`, and `depends_on`
 * waiting for health when the dependency has a check.
 */
import { listenAddress } from "../../config/layout.js";
import { colorPort } from "../../config/ports.js";
import { healthWaiter } from "../../config/schema/container-check-checks.js";
import type { ServiceConfig, SlipwayConfig } from "../../config/schema.js";
import { configFileHostPath } from "../config-file.js";
import {
  ACCESSORIES,
  type Color,
  type ComposeHealthcheck,
  type ComposeModel,
  type ComposeServiceModel,
  type ComposeVolumeModel,
} from "../model.js";
import { environmentFilePath } from "../systemd.js";
import {
  colorEnv,
  dependencyUrls,
  durationSeconds,
  envDir,
  exactSeconds,
  instancesOf,
  integerSize,
  logRotation,
  serviceOf,
} from "./common.js";
import { ConfigMappingError } from "./errors.js";

export interface ComposeFromConfigOptions {
  color: Color;
  /** Image reference per service, pinned by digest (`registry/name@sha256:...`): the build's output. */
  images: Readonly<Record<string, string>>;
  /** The inventory host the file is for: its address is where ports are published when nginx runs elsewhere. */
  hostName?: string;
}

/** `10.213.0.1:5000/slipway/app-backend`: where the build pushes a service's image (or the prebuilt `image`). */
export function imageRepository(config: SlipwayConfig, name: string): string {
  const service = serviceOf(config, name, `services.${name}`);
  if (service.image !== undefined) return service.image;
  if (service.image_from !== undefined) return imageRepository(config, service.image_from);
  const repository = `${config.image.repository ?? config.app}-${name}`;
  return config.image.registry ? `${config.image.registry}/${repository}` : repository;
}

/**
 * The image a service runs where the build has not given its digest yet (validate, `slipway render`): its `image:`
 * when that is pinned by digest already (stripping its "tag" would leave `name@sha256`, refused by the writers), else
 * its repository, tag dropped, at `digest`.
 */
export function placeholderImage(config: SlipwayConfig, name: string, digest: string): string {
  const repository = imageRepository(config, name);
  if (/@sha256:[0-9a-f]{64}$/.test(repository)) return repository;
  return `${repository.replace(/:[^/:]+$/, "")}@${digest}`;
}

/**
 * The image a service runs: the deploy's image for it (built and pushed, or `--image`), else the one built for the
 * service it takes its image from (`image_from`), else its `image:`; undefined when none is known yet.
 */
export function serviceImageRef(
  config: SlipwayConfig,
  name: string,
  images: Readonly<Record<string, string>>,
): string | undefined {
  const service = config.services[name];
  const from = service?.image_from;
  return images[name] ?? (from !== undefined ? images[from] : undefined) ?? service?.image;
}

export function composeFromConfig(config: SlipwayConfig, options: ComposeFromConfigOptions): ComposeModel {
  // Runtime swarm's stack files are compose files turned into version 3 (render/swarm-stack.ts).
  if (config.runtime !== "compose" && config.runtime !== "swarm") {
    throw new ConfigMappingError("runtime", `is ${config.runtime}: compose files exist for runtimes compose and swarm`);
  }
  const volumes = new Map<string, ComposeVolumeModel>();
  const services = Object.entries(config.services)
    .filter(([, service]) => !service.accessory)
    .flatMap(([name, service]) =>
      Array.from({ length: instancesOf(config, name) }, (_, i) =>
        composeService(config, name, service, options, volumes, i),
      ),
    );
  return { app: config.app, color: options.color, services, volumes: [...volumes.values()], ...network(config) };
}

/** `<app>-accessories`: the network the accessories' project creates and every color joins. */
export function accessoriesNetworkName(config: SlipwayConfig): string {
  return `${config.app}-${ACCESSORIES}`;
}

/** Names of the services marked `accessory: true`, in config order. */
export function accessoryNames(config: SlipwayConfig): string[] {
  return Object.keys(config.services).filter((name) => config.services[name]?.accessory);
}

function network(config: SlipwayConfig): Pick<ComposeModel, "accessoriesNetwork"> {
  return accessoryNames(config).length > 0 ? { accessoriesNetwork: accessoriesNetworkName(config) } : {};
}

/**
 * The one project of the accessories (`<app>-accessories`, file `<deploy_dir>/compose/accessories/compose.yml`): no
 * color, no published port (the colors reach them on the shared network by service name), secrets in
 * `<deploy_dir>/env/<service>.env`. Returns null when the config has none.
 */
export function accessoriesComposeFromConfig(
  config: SlipwayConfig,
  images: Readonly<Record<string, string>>,
): ComposeModel | null {
  const names = accessoryNames(config);
  if (names.length === 0) return null;
  const volumes = new Map<string, ComposeVolumeModel>();
  const services = names.map((name) => {
    const service = serviceOf(config, name, `services.${name}`);
    const model = composeService(config, name, service, { color: "blue", images }, volumes);
    model.ports = [];
    model.environment = colorEnv(config, name, "blue"); // validate refuses references from an accessory to a color
    if (service.secrets.length > 0) model.envFile = accessoryEnvFilePath(config, name);
    return model;
  });
  return { app: config.app, color: ACCESSORIES, services, volumes: [...volumes.values()], ...network(config) };
}

/** `<deploy_dir>/env/<service>.env` (0600): an accessory's secrets, one file for it (it has no color). */
export function accessoryEnvFilePath(config: SlipwayConfig, name: string): string {
  return `${envDir(config)}/${name}.env`;
}

function composeService(
  config: SlipwayConfig,
  name: string,
  service: ServiceConfig,
  options: ComposeFromConfigOptions,
  volumes: Map<string, ComposeVolumeModel>,
  instance = 0,
): ComposeServiceModel {
  const field = `services.${name}`;
  const image = service.image_from !== undefined ? serviceImageRef(config, name, options.images) : options.images[name];
  if (image === undefined) {
    throw new ConfigMappingError(
      `${field}`,
      "has no image digest to run",
      "build and push first (the build prints digests), or pass one with --image",
    );
  }
  const model: ComposeServiceModel = {
    // A load-balanced service's further instances are services of their own (`web-2`, `web-3`) on the next ports;
    // the first keeps the service's name, which other services, depends_on and backups use.
    name: instance === 0 ? name : `${name}-${instance + 1}`,
    image,
    // A worker (no port) publishes nothing and gets no PORT.
    ports:
      service.port === undefined
        ? []
        : [
            {
              hostIp: listenAddress(config, name, options.hostName),
              hostPort: colorPort(service, options.color, instance),
              containerPort: service.port,
            },
          ],
    environment: {
      // where the app listens inside the container; the service's env.PORT wins
      ...(service.port === undefined ? {} : { PORT: String(service.port) }),
      ...colorEnv(config, name, options.color),
      SLIPWAY_COLOR: options.color,
      ...dependencyUrls(config, name, options.color),
    },
    volumes: service.volumes.map((spec, i) => volumeMount(spec, `${field}.volumes[${i}]`, volumes)),
    // An accessory is not in the color's project: it runs (started first) in its own.
    dependsOn: service.depends_on
      .filter((dep) => config.services[dep]?.accessory === service.accessory)
      .map((dep) => ({
        service: dep,
        condition: hasContainerCheck(config.services[dep])
          ? ("service_healthy" as const)
          : ("service_started" as const),
      })),
    restart: "unless-stopped",
    logging: logRotation(service.logs, field),
  };
  if (service.command !== undefined) model.command = commandWords(service.command, `${field}.command`);
  if (service.files.length > 0) {
    model.files = service.files.map((f, i) => ({
      source: configFileHostPath(config.deploy_dir, name, options.color, i, f.path),
      target: f.path,
    }));
  }
  // Secrets only go to the 0600 env file; the compose file is readable and shown in diffs.
  if (service.secrets.length > 0) model.envFile = environmentFilePath(envDir(config), name, options.color);
  if (hasContainerCheck(service)) model.healthcheck = healthcheck(config, name, service);
  if (service.resources?.memory !== undefined) {
    const { amount, unit } = integerSize(service.resources.memory, `${field}.resources.memory`);
    model.memoryLimit = `${amount}${unit.toLowerCase()}`;
  }
  if (service.resources?.cpus !== undefined) model.cpus = service.resources.cpus;
  if (service.container?.user) model.user = service.container.user;
  if (service.container?.capabilities.length) model.capAdd = service.container.capabilities;
  if (service.container?.read_only) model.readOnly = true;
  return model;
}

function volumeMount(spec: string, field: string, volumes: Map<string, ComposeVolumeModel>) {
  const [source = "", target = "", mode] = spec.split(":");
  if (source.startsWith("/")) {
    throw new ConfigMappingError(
      field,
      `bind mount ${JSON.stringify(spec)} is not supported by runtime compose yet`,
      "use a named volume (name:/path)",
    );
  }
  if (!/^[a-z][a-z0-9-]{0,62}$/.test(source)) {
    throw new ConfigMappingError(
      field,
      `volume name ${JSON.stringify(source)} must be lowercase letters, digits and "-"`,
    );
  }
  volumes.set(source, { key: source, name: source, external: false });
  return { volume: source, target, ...(mode === "ro" ? { readOnly: true } : {}) };
}

/**
 * A command string is split on spaces only when it has no quoting or expansion (no shell runs it in compose's exec
 * form); anything else must be written as a list.
 */
function commandWords(command: string | string[], field: string): string[] {
  if (Array.isArray(command)) return command;
  if (/["'\\$`]/.test(command)) {
    throw new ConfigMappingError(field, "has quotes or $: write it as a list of arguments", undefined);
  }
  return command.split(/\s+/).filter(Boolean);
}

export function hasContainerCheck(service: ServiceConfig | undefined): boolean {
  return service?.health !== undefined && service.health.container_check !== "none";
}

/**
 * Docker runs the check inside the container, with what the image has (`health.container_check`): python3 on a socket
 * checks the status and `expected_body`; curl and wget fail on a connection error or an HTTP error status; a command
 * list is run as written. `retries` covers `timeout` at `interval`: the same budget the deploy gate has.
 */
function healthcheck(config: SlipwayConfig, name: string, service: ServiceConfig): ComposeHealthcheck {
  const field = `services.${name}`;
  const h = service.health;
  if (!h) throw new ConfigMappingError(`${field}.health`, "is missing");
  // A worker's check is a command (validate refuses the port-probing kinds without a port).
  const requestSeconds = durationSeconds(h.request_timeout, `${field}.health.request_timeout`);
  const every = containerCheckInterval(config, name, h);
  // Docker runs the interval as written (1500ms is 1.5 s), so the retries count it exactly, not rounded up.
  const interval = exactSeconds(every, `${field}.health.container_interval`);
  const timeout = exactSeconds(h.timeout, `${field}.health.timeout`);
  return {
    test: ["CMD", ...containerTest(h, service.port ?? 0, requestSeconds, `${field}.health`)],
    interval: every,
    timeout: h.request_timeout,
    retries: Math.max(1, Math.ceil(timeout / interval)),
    startPeriod: h.start_period,
  };
}

/** Docker's own default interval, for a check that nothing of the deploy waits on. */
const UNWAITED_CHECK_INTERVAL = "30s";

/**
 * How often docker runs a service's container check: `health.container_interval` when set; else the gate's
 * `health.interval` where something waits on docker's verdict (runtime swarm's updates, an accessory's start, a
 * `depends_on: service_healthy`, a `type: running` gate: healthWaiter), since a check's first run comes one interval
 * after the start (Slipway writes no `start_interval`, which needs docker 25); else 30 s. Docker runs the check for the
 * container's whole life (moby/moby#39102: a frequent check is a steady CPU cost), and the `http` gate polls the port
 * from the host.
 */
export function containerCheckInterval(config: SlipwayConfig, name: string, h: Health): string {
  return containerCheckSchedule(config, name, h).interval;
}

/**
 * containerCheckInterval with where the interval comes from, in words (`slipway config` shows it beside the value):
 * the one rule, so what the config command says is what the compose and stack files get.
 */
export function containerCheckSchedule(
  config: SlipwayConfig,
  name: string,
  h: Health,
): { interval: string; from: string } {
  if (h.container_interval !== undefined) return { interval: h.container_interval, from: "health.container_interval" };
  const waiter = healthWaiter(config, name);
  if (waiter === undefined) {
    return {
      interval: UNWAITED_CHECK_INTERVAL,
      from: "docker's default, as nothing waits on this check (the http gate polls the port from the host)",
    };
  }
  return { interval: h.interval, from: `health.interval, as ${waiter} waits on docker's verdict` };
}

/** Floor of the `up` bound: creating networks and containers, and a start without any healthcheck to wait for. */
export const COMPOSE_UP_BASE_SECONDS = 180;

/**
 * How long `compose up` may take, in seconds: docker waits for each `depends_on: service_healthy` dependency until
 * its healthcheck says healthy or unhealthy, which takes at most start_period + retries x (interval + timeout) per
 * check (each attempt may run its full timeout before the next interval). Dependencies may be waited for one after
 * another, so every checked dependency's worst case is added to the base; never shorter than the base.
 */
export function composeUpBoundSeconds(config: SlipwayConfig): { seconds: number; health: string[] } {
  const waited = new Set(Object.values(config.services).flatMap((s) => s.depends_on));
  let seconds = COMPOSE_UP_BASE_SECONDS;
  const health: string[] = [];
  for (const name of [...waited].sort()) {
    const service = config.services[name];
    if (!service?.health || !hasContainerCheck(service) || service.accessory) continue;
    const check = healthcheck(config, name, service);
    const f = `services.${name}.health`;
    const start = durationSeconds(service.health.start_period, `${f}.start_period`, 0);
    const interval = durationSeconds(check.interval, `${f}.interval`);
    const each = durationSeconds(service.health.request_timeout, `${f}.request_timeout`);
    const worst = start + check.retries * (interval + each);
    seconds += worst;
    health.push(
      `${name}: ${start} s start_period + ${check.retries} retries x (${interval} s interval + ${each} s timeout) = ${worst} s`,
    );
  }
  return { seconds, health };
}

type Health = NonNullable<ServiceConfig["health"]>;

function containerTest(h: Health, port: number, seconds: number, field: string): string[] {
  const check = h.container_check;
  if (Array.isArray(check)) return check;
  const path = h.path ?? "/";
  if (check === "python") return ["python3", "-I", "-S", "-c", pythonCheck(port, path, seconds, h)];
  if (h.expected_body !== undefined || h.expected_status !== 200) {
    throw new ConfigMappingError(
      `${field}.container_check`,
      `${check} checks for a 2xx answer only, not \`expected_status\`/\`expected_body\``,
      "use container_check: python, or a command as a list",
    );
  }
  const url = `http://127.0.0.1:${port}${path}`;
  if (check === "curl") return ["curl", "-fsS", "-o", "/dev/null", "--max-time", String(seconds), url];
  return ["wget", "-q", "-O", "/dev/null", "-T", String(seconds), url];
}

/**
 * The `python` container check's script: one HTTP/1.0 GET over a plain socket, the status line's code compared with
 * `expected_status` and the body searched for `expected_body`'s UTF-8 bytes, as the deploy's gate judges (no redirect
 * followed). Not urllib: `python3 -I -S` importing only `socket` costs about a third of the CPU (0.06 s against 0.14 s a
 * check, measured in a sandbox target), and docker runs the check every `interval` for as long as the container lives.
 * HTTP/1.0 keeps the answer unchunked; `seconds` bounds the connect and each read.
 */
export function pythonCheck(
  port: number,
  path: string,
  seconds: number,
  h: Pick<Health, "expected_status" | "expected_body">,
): string {
  const request = pyBytes(`GET ${path} HTTP/1.0\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`);
  const bodyTest = h.expected_body === undefined ? "" : ` and ${pyBytes(h.expected_body)} in b`;
  return [
    "import socket, sys",
    `s = socket.create_connection(("127.0.0.1", ${port}), ${seconds})`,
    `s.sendall(${request})`,
    `h, _, b = b"".join(iter(lambda: s.recv(65536), b"")).partition(b"\\r\\n\\r\\n")`,
    `sys.exit(0 if h.split(b" ")[1:2] == [b"${h.expected_status}"]${bodyTest} else 1)`,
  ].join("; ");
}

/** Python's escapes for the bytes a check sends or looks for; other bytes below space or above `~` are written \\xNN. */
const PY_BYTE_ESCAPES: Record<number, string> = { 10: "\\n", 13: "\\r", 34: '\\"', 92: "\\\\" };

/** A Python bytes literal of `value`'s UTF-8. */
function pyBytes(value: string): string {
  const escaped = [...Buffer.from(value, "utf8")].map(
    (c) =>
      PY_BYTE_ESCAPES[c] ?? (c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : `\\x${c.toString(16).padStart(2, "0")}`),
  );
  return `b"${escaped.join("")}"`;
}
