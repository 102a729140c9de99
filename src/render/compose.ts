/**
 * A compose file for one color of an app, built as a typed object and serialized by the `yaml` package: no string
 * templating. Strings are emitted YAML 1.1-safe (docker-compose v1 reads with PyYAML, where `yes`, `on` or `5:30`
 * are not strings) and every `$` the user wrote becomes `$$`, so compose's own `${VAR}` interpolation cannot turn a
 * value into something else. Works with `docker compose` (v2) and `docker-compose` 1.29 (Compose Specification, no
 * `version:` key, no top-level `name:`: the project name `<app>-<color>` is passed with `-p`).
 */
import { stringify } from "yaml";
import { RenderError } from "./errors.js";
import {
  ACCESSORIES,
  type Color,
  type ComposeHealthcheck,
  type ComposeModel,
  type ComposeServiceModel,
} from "./model.js";
import { absolutePath, hostAddress, identifier, matching, port, positiveInt, uniqueBy } from "./validate.js";

/** `harvest-blue`: both colors run side by side as separate projects; `harvest-accessories` holds the accessories. */
export function composeProjectName(app: string, color: Color | typeof ACCESSORIES): string {
  return `${identifier(app, "app")}-${color}`;
}

/**
 * An image that cannot change under the file: pinned by digest (the registry delivery), or the commit tag the runner
 * built and `image.delivery: ssh` streams to the host (`name:<commit sha>[-dirty.<id>]`, D39), never a moving tag.
 */
const pinnedImage = matching(
  /^[a-z0-9][a-z0-9._/:-]{0,254}(@sha256:[a-f0-9]{64}|:([a-f0-9]{40}|[a-f0-9]{64})(-dirty\.[a-f0-9]{12})?)$/,
  "an image pinned by digest (name@sha256:<64 hex>) or by commit (name:<commit sha>, as image.delivery ssh streams it)",
);
const duration = matching(/^([0-9]{1,6}(ms|s|m|h))+$/, "a compose duration like 10s or 1m30s");
const memoryLimit = matching(/^[0-9]{1,9}[bkmg]?$/, "a memory limit like 512m or 2g");
const userSpec = matching(/^[a-z0-9_][a-z0-9_-]{0,31}(:[a-z0-9_][a-z0-9_-]{0,31})?$/, "a user[:group]");

/** Compose interpolates `$` in every string; `$$` is its escape for a literal dollar. */
function inert(value: string, field: string): string {
  if (typeof value !== "string" || value.includes("\0")) throw new RenderError(field, value, "is not a string");
  return value.replaceAll("$", "$$$$");
}

export function buildComposeObject(model: ComposeModel): Record<string, unknown> {
  identifier(model.app, "app");
  if (model.color !== "blue" && model.color !== "green" && model.color !== ACCESSORIES) {
    throw new RenderError("color", model.color, `is not blue, green or ${ACCESSORIES}`);
  }
  uniqueBy(model.services, (s) => s.name, "services");
  uniqueBy(model.volumes, (v) => v.key, "volumes");
  const volumeKeys = new Set(model.volumes.map((v, i) => identifier(v.key, `volumes[${i}].key`)));
  const serviceNames = new Set(model.services.map((s, i) => identifier(s.name, `services[${i}].name`)));

  const services: Record<string, unknown> = {};
  for (const service of model.services) {
    services[service.name] = buildService(service, `services.${service.name}`, volumeKeys, serviceNames);
  }
  const volumes: Record<string, unknown> = {};
  for (const [i, volume] of model.volumes.entries()) {
    // A fixed name shared by both colors: `<project>_data` would give each color its own, empty, volume.
    const name = matching(/^[a-z0-9][a-z0-9_.-]{0,127}$/, "a docker volume name")(volume.name, `volumes[${i}].name`);
    volumes[volume.key] = volume.external ? { name, external: true } : { name };
  }
  const networks = composeNetworks(model);
  if (networks && model.color !== ACCESSORIES) {
    for (const service of Object.values(services))
      (service as Record<string, unknown>).networks = ["default", ACCESSORIES];
  }
  return { services, ...(model.volumes.length > 0 ? { volumes } : {}), ...(networks ? { networks } : {}) };
}

/** The accessories' project names its default network; a color's project declares it external, under its own key. */
function composeNetworks(model: ComposeModel): Record<string, unknown> | undefined {
  if (model.accessoriesNetwork === undefined) return undefined;
  const name = matching(/^[a-z0-9][a-z0-9_.-]{0,127}$/, "a docker network name")(
    model.accessoriesNetwork,
    "accessoriesNetwork",
  );
  return model.color === ACCESSORIES ? { default: { name } } : { [ACCESSORIES]: { name, external: true } };
}

function buildService(
  service: ComposeServiceModel,
  field: string,
  volumeKeys: Set<string>,
  serviceNames: Set<string>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { image: pinnedImage(service.image, `${field}.image`) };
  if (service.command) out.command = service.command.map((c, i) => inert(c, `${field}.command[${i}]`));
  if (service.user !== undefined) out.user = userSpec(service.user, `${field}.user`);
  if (service.ports.length > 0) {
    out.ports = service.ports.map(
      (p, i) =>
        `${hostAddress(p.hostIp ?? "127.0.0.1", `${field}.ports[${i}].hostIp`)}:${port(p.hostPort, `${field}.ports[${i}].hostPort`)}:${port(p.containerPort, `${field}.ports[${i}].containerPort`)}`,
    );
  }
  if (service.envFile !== undefined) out.env_file = [absolutePath(service.envFile, `${field}.envFile`)];
  const env = Object.entries(service.environment);
  if (env.length > 0) {
    out.environment = env.map(([name, value]) => {
      matching(/^[A-Za-z_][A-Za-z0-9_]*$/, "an environment variable name")(name, `${field}.environment name`);
      if (/[\n\r]/.test(value))
        throw new RenderError(
          `${field}.environment.${name}`,
          value,
          "contains a newline, which a compose file's `environment:` cannot hold (a multi-line value such as a PEM key: write it to a file with `files`)",
        );
      return `${name}=${inert(value, `${field}.environment.${name}`)}`;
    });
  }
  if (service.volumes.length > 0) {
    out.volumes = service.volumes.map((v, i) => {
      const f = `${field}.volumes[${i}]`;
      if (!volumeKeys.has(v.volume)) throw new RenderError(`${f}.volume`, v.volume, "is not a declared volume");
      return `${v.volume}:${absolutePath(v.target, `${f}.target`)}${v.readOnly ? ":ro" : ""}`;
    });
  }
  if (service.files && service.files.length > 0) {
    const files = service.files.map(
      (f, i) =>
        `${absolutePath(f.source, `${field}.files[${i}].source`)}:${absolutePath(f.target, `${field}.files[${i}].target`)}:ro`,
    );
    out.volumes = [...((out.volumes as string[] | undefined) ?? []), ...files];
  }
  if (service.healthcheck) out.healthcheck = healthcheck(service.healthcheck, `${field}.healthcheck`);
  if (service.dependsOn.length > 0) {
    const dependsOn: Record<string, { condition: string }> = {};
    for (const [i, d] of service.dependsOn.entries()) {
      if (!serviceNames.has(d.service) || d.service === service.name) {
        throw new RenderError(`${field}.dependsOn[${i}].service`, d.service, "is not another service of this app");
      }
      dependsOn[d.service] = { condition: d.condition };
    }
    out.depends_on = dependsOn;
  }
  Object.assign(out, hardening(service, field));
  out.restart = service.restart;
  if (service.logging) out.logging = logging(service.logging, `${field}.logging`);
  // mem_limit/cpus rather than deploy.resources: docker-compose v1 ignores `deploy` outside swarm.
  if (service.memoryLimit !== undefined) out.mem_limit = memoryLimit(service.memoryLimit, `${field}.memoryLimit`);
  if (service.cpus !== undefined) {
    if (!(typeof service.cpus === "number" && service.cpus > 0 && service.cpus <= 1024)) {
      throw new RenderError(`${field}.cpus`, service.cpus, "is not a CPU count like 1.5");
    }
    out.cpus = service.cpus;
  }
  return out;
}

/** docker's json-file driver with a bound: compose's `logging:` (the same options as `docker run --log-opt`). */
function logging(l: { maxSize: string; maxFiles: number }, field: string): Record<string, unknown> {
  matching(/^[1-9][0-9]*[kmg]?$/, 'a size like "10m"')(l.maxSize, `${field}.maxSize`);
  if (!(Number.isInteger(l.maxFiles) && l.maxFiles > 0)) {
    throw new RenderError(`${field}.maxFiles`, l.maxFiles, "is not a positive whole number");
  }
  return { driver: "json-file", options: { "max-size": l.maxSize, "max-file": String(l.maxFiles) } };
}

/** No capability but the listed ones, no setuid gains; optionally a read-only root (same as the container runtime). */
function hardening(service: ComposeServiceModel, field: string): Record<string, unknown> {
  const capAdd = (service.capAdd ?? []).map((c, i) =>
    matching(/^[A-Z][A-Z_]{1,31}$/, "a capability name like NET_BIND_SERVICE")(c, `${field}.capAdd[${i}]`),
  );
  return {
    cap_drop: ["ALL"],
    ...(capAdd.length > 0 ? { cap_add: capAdd } : {}),
    security_opt: ["no-new-privileges:true"],
    ...(service.readOnly ? { read_only: true, tmpfs: ["/tmp"] } : {}),
  };
}

function healthcheck(h: ComposeHealthcheck, field: string): Record<string, unknown> {
  const kind = h.test[0];
  if (kind !== "CMD" && kind !== "CMD-SHELL") {
    throw new RenderError(`${field}.test[0]`, kind, 'is not "CMD" or "CMD-SHELL"');
  }
  if (h.test.length < 2) throw new RenderError(`${field}.test`, h.test, "has no command");
  return {
    test: h.test.map((t, i) => inert(t, `${field}.test[${i}]`)),
    interval: duration(h.interval, `${field}.interval`),
    timeout: duration(h.timeout, `${field}.timeout`),
    retries: positiveInt(h.retries, `${field}.retries`),
    start_period: duration(h.startPeriod, `${field}.startPeriod`),
  };
}

export function renderCompose(model: ComposeModel): string {
  const body = stringify(buildComposeObject(model), { version: "1.1", lineWidth: 0 });
  return `# Managed by Slipway: project ${composeProjectName(model.app, model.color)}.\n${body}`;
}
