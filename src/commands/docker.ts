/**
 * Pure argv builders of docker on a host (containers and volumes; images are in docker-image.ts). The one
 * `docker run` builder is here, for the deploy's container runtime (src/deploy/container/run-spec.ts) and the
 * `docker_container` playbook module. The argv carries a `slipway.spec` label, a hash of everything else in it, so a
 * later run can tell whether the running container already is the one it would start (same hash: leave it).
 */
import { createHash } from "node:crypto";
import type { LogQuery } from "./logs.js";

/** One container to start. Flags come out in this field order; empty fields add nothing. */
export interface ContainerRun {
  name: string;
  restart: "no" | "always" | "unless-stopped" | "on-failure";
  /** Flags right after `--restart` (the deploy's hardening: `--cap-drop ALL`, `--security-opt ...`). */
  security?: readonly string[];
  /** A file of KEY=value lines on the host (secrets stay out of argv). */
  envFile?: string | undefined;
  env?: Readonly<Record<string, string>>;
  /** `--publish` values, e.g. `127.0.0.1:8001:8000`. */
  publish?: readonly string[];
  /** `--volume` values, e.g. `/srv/data:/data:ro`. */
  volumes?: readonly string[];
  /** Flags after the volumes (the deploy's `--memory`, `--cpus`, `--ulimit`). */
  limits?: readonly string[];
  /** docker's json-file driver bounded to `maxFiles` files of `maxSize` (e.g. "10m"): without it logs grow forever. */
  logging?: { maxSize: string; maxFiles: number };
  network?: string | undefined;
  labels?: Readonly<Record<string, string>>;
  /** What to run: a reference (ideally `repo@sha256:...`) or an image id. */
  image: string;
  command?: readonly string[];
}

/** `docker run` argv of a container, without the spec label. */
export function containerRunBase(run: ContainerRun): string[] {
  const pairs = (flag: string, record: Readonly<Record<string, string>> = {}) =>
    Object.entries(record).flatMap(([k, v]) => [flag, `${k}=${v}`]);
  return [
    "docker",
    "run",
    "--detach",
    "--name",
    run.name,
    "--restart",
    run.restart,
    ...(run.security ?? []),
    ...(run.envFile ? ["--env-file", run.envFile] : []),
    ...pairs("--env", run.env),
    ...(run.publish ?? []).flatMap((p) => ["--publish", p]),
    ...(run.volumes ?? []).flatMap((v) => ["--volume", v]),
    ...(run.limits ?? []),
    ...(run.logging ? logArgs(run.logging) : []),
    ...(run.network ? ["--network", run.network] : []),
    ...pairs("--label", run.labels),
    run.image,
    ...(run.command ?? []),
  ];
}

/** `--log-driver json-file --log-opt max-size=10m --log-opt max-file=5`. */
export function logArgs(logging: { maxSize: string; maxFiles: number }): string[] {
  return [
    "--log-driver",
    "json-file",
    "--log-opt",
    `max-size=${logging.maxSize}`,
    "--log-opt",
    `max-file=${logging.maxFiles}`,
  ];
}

/** 16 hex characters of sha256 over the argv (JSON), the `slipway.spec` label's value. */
export function specHash(argv: readonly string[]): string {
  return createHash("sha256").update(JSON.stringify(argv)).digest("hex").slice(0, 16);
}

/** The `docker run` argv with its `slipway.spec=<specHash of the base>` label inserted before the image. */
export function containerRunArgv(run: ContainerRun): { argv: string[]; spec: string } {
  const base = containerRunBase(run);
  const spec = specHash(base);
  const at = base.length - (run.command?.length ?? 0) - 1;
  return { argv: [...base.slice(0, at), "--label", `slipway.spec=${spec}`, ...base.slice(at)], spec };
}

/** A string command runs through `sh -c` (like a compose string command); a list is the argv itself. */
export function containerCommandArgv(command: string | string[] | undefined): string[] {
  if (command === undefined) return [];
  return typeof command === "string" ? ["sh", "-c", command] : command;
}

/** `sh -c` script: `docker rm --force -- $1`, whatever it says, then runs the rest of the arguments (docker run). */
export const REPLACE_CONTAINER = 'docker rm --force -- "$1" >/dev/null 2>&1; shift; exec "$@"';

/** One round trip: remove a container of this name (running or stopped, its failure ignored), then `runArgv`. */
export function replaceContainerArgv(name: string, runArgv: readonly string[]): string[] {
  return ["sh", "-c", REPLACE_CONTAINER, "sh", name, ...runArgv];
}

/** `docker start|stop [flags] <names...>`, e.g. flags `--` or `--time 30 --`. */
export function containersArgv(
  verb: "start" | "stop",
  names: readonly string[],
  flags: readonly string[] = [],
): string[] {
  return ["docker", verb, ...flags, ...names];
}

/** Stop giving each container `timeoutS` seconds between SIGTERM and SIGKILL. */
export function stopContainersArgv(names: readonly string[], timeoutS: number): string[] {
  return containersArgv("stop", names, ["--time", String(timeoutS), "--"]);
}

export function removeContainersArgv(names: readonly string[]): string[] {
  return ["docker", "rm", "--force", "--", ...names];
}

/** `docker inspect --format <format> <names...>`: one line per container or image; exit 1 if any is missing. */
export function dockerInspectArgv(format: string, names: readonly string[]): string[] {
  return ["docker", "inspect", "--format", format, ...names];
}

/** The names of those of `names` that exist (`/<name>` per line; exit 1 when any is missing): `slipway remove`. */
export function containerNamesArgv(names: readonly string[]): string[] {
  return dockerInspectArgv("{{.Name}}", names);
}

/**
 * A container's compose service, docker state and health (`db running healthy`; `redis running ` without a
 * healthcheck): one of the helper gate's inspect formats (playbooks/files/slipway-docker FORMATS).
 */
export const SERVICE_STATE_FORMAT =
  '{{index .Config.Labels "com.docker.compose.service"}} {{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{end}}';

/** Per container: SERVICE_STATE_FORMAT's line: the accessories' wait. */
export function serviceStatesArgv(ids: readonly string[]): string[] {
  return dockerInspectArgv(SERVICE_STATE_FORMAT, ids);
}

/**
 * Per container: `<name> <status> <restart count> <exit code> [<health>]` (`/shop-worker-green running 0 0 healthy`;
 * health only when the image or compose file has a healthcheck): the running gate of a worker.
 */
export function processStateArgv(names: readonly string[]): string[] {
  return dockerInspectArgv(
    "{{.Name}} {{.State.Status}} {{.RestartCount}} {{.State.ExitCode}} {{if .State.Health}}{{.State.Health.Status}}{{end}}",
    names,
  );
}

/** `docker inspect` of the spec label and running state: prints `<spec> <running>` per container. */
export function specStateArgv(names: readonly string[]): string[] {
  return dockerInspectArgv('{{index .Config.Labels "slipway.spec"}} {{.State.Running}}', names);
}

/** `<image id>|<running>|<spec label>` of one container (the docker_container module's view). */
export function containerStateArgv(name: string): string[] {
  const format = '{{.Image}}|{{.State.Running}}|{{index .Config.Labels "slipway.spec"}}';
  return ["docker", "container", "inspect", "--format", format, "--", name];
}

/**
 * `<status> <exit code>` of one container (`running 0`, `restarting 1`, `exited 137`): a failed gate tells a crashed
 * process from one that runs but does not answer.
 */
export function exitStateArgv(name: string): string[] {
  return ["docker", "container", "inspect", "--format", "{{.State.Status}} {{.State.ExitCode}}", "--", name];
}

/** The exit code of a container not running (`exited`, `restarting` between crashes, `dead`): exitStateArgv's line. */
export function exitCodeOf(line: string): number | undefined {
  const [status = "", code = ""] = line.trim().split(" ");
  return ["exited", "restarting", "dead"].includes(status) && /^\d+$/.test(code) ? Number(code) : undefined;
}

/**
 * `docker logs [--timestamps] [--tail N] [--since Ss] [--follow] -- <container>` (by name or id), stderr merged into
 * stdout: the gate's failure lines (`{ lines }`) and `slipway logs`.
 */
export function containerLogsArgv(name: string, query: LogQuery): string[] {
  return [
    "sh",
    "-c",
    CONTAINER_LOGS,
    "sh",
    ...(query.timestamps ? ["--timestamps"] : []),
    ...(query.lines !== undefined ? ["--tail", String(query.lines)] : []),
    ...(query.sinceSeconds !== undefined ? ["--since", `${query.sinceSeconds}s`] : []),
    ...(query.follow ? ["--follow"] : []),
    "--",
    name,
  ];
}

/** `sh -c` script of containerLogsArgv: `docker logs` with the arguments given, stderr merged. */
export const CONTAINER_LOGS = 'exec docker logs "$@" 2>&1';

/** Runs a tool inside a container (`docker exec -i`, stdin kept), as `runAs` and with `env` when given. */
export function execInContainerPrefix(container: string, runAs?: string, env: readonly string[] = []): string[] {
  return ["docker", "exec", "-i", ...(runAs ? ["-u", runAs] : []), ...env.flatMap((pair) => ["-e", pair]), container];
}

export function volumeMountpointArgv(volume: string): string[] {
  return ["docker", "volume", "inspect", "--format", "{{ .Mountpoint }}", volume];
}

/** Exit 0 when `inner` (relative to the volume root) exists inside the docker volume. */
export function volumeHasPathArgv(volume: string, inner: string): string[] {
  return ["sh", "-c", VOLUME_HAS_PATH, "sh", volume, inner];
}

/** `sh -c` script of volumeHasPathArgv: exit 0 when `$2` exists in volume `$1`. */
export const VOLUME_HAS_PATH =
  'm=$(docker volume inspect --format "{{ .Mountpoint }}" -- "$1" 2>/dev/null) && test -e "$m/$2"';

export function removeVolumesArgv(volumes: readonly string[]): string[] {
  return ["docker", "volume", "rm", "--force", "--", ...volumes];
}

/**
 * The running containers labelled `slipway.app=<app>` with their color label and published ports, one
 * `<name>\t<color>\t<ports>` line each (ports as `docker ps` shows them: `127.0.0.1:12015->12015/tcp, ...`).
 */
export function appPortsArgv(app: string): string[] {
  const format = '{{.Names}}\t{{.Label "slipway.color"}}\t{{.Ports}}';
  return ["docker", "ps", "--filter", `label=slipway.app=${app}`, "--format", format];
}

/** A host port a running container of the app publishes (docker's userland proxy listens there for it). */
export interface PublishedPort {
  port: number;
  /** The container's name, e.g. `shop-api-blue`. */
  name: string;
  /** Its `slipway.color` label ("" when absent). */
  color: string;
}

/** Parses appPortsArgv's lines: one entry per published host port (a range `8000-8001->...` gives each port). */
export function parsePublishedPorts(stdout: string): PublishedPort[] {
  const out: PublishedPort[] = [];
  for (const line of stdout.split("\n")) {
    const [name = "", color = "", ports = ""] = line.trim().split("\t");
    if (!name) continue;
    for (const m of ports.matchAll(/:(\d+)(?:-(\d+))?->/g)) {
      const first = Number(m[1]);
      const last = m[2] ? Number(m[2]) : first;
      for (let port = first; port <= last; port++) {
        if (!out.some((p) => p.port === port && p.name === name)) out.push({ port, name, color });
      }
    }
  }
  return out;
}
