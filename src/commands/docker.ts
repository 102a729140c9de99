/**
 * The one `docker run` builder, for the deploy's container runtime (src/deploy/container/run-spec.ts) and the
 * `docker_container` playbook module. The argv carries a `slipway.spec` label, a hash of everything else in it, so a
 * later run can tell whether the running container already is the one it would start (same hash: leave it).
 */
import { createHash } from "node:crypto";

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
    ...(run.network ? ["--network", run.network] : []),
    ...pairs("--label", run.labels),
    run.image,
    ...(run.command ?? []),
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
