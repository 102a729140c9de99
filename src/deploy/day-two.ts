/**
 * `slipway logs` and `slipway exec`: which unit or container of a service runs a color on a host (the runtimes'
 * naming), the live color read from the host, and running the log or exec commands (commands/logs.ts) there.
 */

import { PassThrough } from "node:stream";
import { composeContainerArgv } from "../commands/compose.js";
import { containerLogsArgv } from "../commands/docker.js";
import { dockerExecArgv, inReleaseArgv, type LogQuery, untilStdinClosesArgv } from "../commands/logs.js";
import { journalArgv } from "../commands/systemd.js";
import type { Color, SlipwayConfig } from "../config/index.js";
import { SlipwayError, UsageError } from "../errors.js";
import { ConnectionPool } from "../remote/index.js";
import type { ExecResult, InteractiveOptions, RemoteHost } from "../remote/types.js";
import { composeProjectName } from "../render/compose.js";
import { envDir } from "../render/from-config/common.js";
import { serviceUser } from "../render/from-config/systemd.js";
import { environmentFilePath, instanceUnitName } from "../render/systemd.js";
import { didYouMeanText } from "../suggest.js";
import { accessoriesProject } from "./compose/accessories.js";
import { chosenHosts, connectAll } from "./connect.js";
import { containerName } from "./container/run-spec.js";
import { parseColorFile } from "./host-state.js";
import { deployPaths } from "./paths.js";
import { serviceInstances } from "./systemd-runtime.js";

/** One process of a service on a host: its unit, its container, or (compose) the project that holds it. */
export interface ServiceProcess {
  service: string;
  instance: number;
  /** `host` or `host/web` or `host/web#2`: the prefix of its log lines. */
  label: string;
  kind: "unit" | "container" | "compose";
  /** Unit name, container name, or compose project. */
  name: string;
}

/** The services asked for: one by name (checked against the config), or every service. */
export function servicesAsked(config: SlipwayConfig, service: string | undefined): string[] {
  const all = Object.keys(config.services);
  if (service === undefined) return all;
  if (!all.includes(service)) {
    throw new UsageError(`no service "${service}" in slipway.yml${didYouMeanText(service, all)}`, {
      hint: `services are: ${all.join(", ")}`,
    });
  }
  return [service];
}

/**
 * The processes of `services` running `color` on `host` (`config`: only this host's services, configOnHost); an
 * accessory's (runtime compose) is its project `<app>-accessories`, the same for either color.
 */
export function serviceProcesses(
  config: SlipwayConfig,
  host: string,
  services: readonly string[],
  color: Color,
): ServiceProcess[] {
  const many = serviceInstances(config).length > 1;
  return serviceInstances(config)
    .filter((u) => services.includes(u.service))
    .map(({ service, instance }) => {
      const label = many ? `${host}/${service}${instance > 0 ? `#${instance + 1}` : ""}` : host;
      if (config.runtime === "systemd") {
        return { service, instance, label, kind: "unit", name: instanceUnitName(config.app, service, color, instance) };
      }
      if (config.runtime === "container") {
        return {
          service,
          instance,
          label,
          kind: "container",
          name: containerName(config.app, service, color, instance),
        };
      }
      // An accessory runs outside the colors, in its own project (compose/accessories.ts), whatever the color.
      const project = config.services[service]?.accessory
        ? accessoriesProject(config.app)
        : composeProjectName(config.app, color);
      return { service, instance, label, kind: "compose", name: project };
    });
}

/** The color the host serves (its `color` file), or null when nothing was deployed there. */
export async function liveColor(host: RemoteHost, config: SlipwayConfig): Promise<Color | null> {
  return parseColorFile((await host.readFile(deployPaths(config.deploy_dir).color))?.toString("utf8"));
}

/** A compose service's container ids (running or stopped), or the container's own name for the other runtimes. */
async function containersOf(host: RemoteHost, p: ServiceProcess): Promise<string[]> {
  if (p.kind === "container") return [p.name];
  const r = await host.exec(composeContainerArgv(p.name, p.service, { all: true }), {
    become: true,
    check: false,
    step: "logs",
  });
  if (r.code !== 0) {
    throw new SlipwayError(`could not list the ${p.name} containers of ${p.service}: ${lastLine(r)}`, {
      host: host.name,
      step: "logs",
      command: "docker ps",
    });
  }
  return r.stdout
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);
}

/** The last line a failed command printed (stderr, else stdout), for its message. */
function lastLine(r: ExecResult): string {
  const text = r.stderr.trim() || r.stdout.trim();
  return text.split("\n").at(-1) ?? `exit ${r.code}`;
}

/** A log command that ended with a non-zero exit (docker or journalctl refused, a container gone...). */
export interface LogFailure {
  /** The prefix of its lines (`host`, `host/web#2`). */
  label: string;
  /** What was read: the units or the container. */
  what: string;
  code: number | null;
}

export interface LogStream {
  /** Resolves when every log command of the host ended, with the ones that failed (empty: all read). */
  done: Promise<LogFailure[]>;
  /** Ends a `follow` (closes the followers' stdin: the remote processes stop). */
  stop(): void;
}

/**
 * Streams the logs of `processes` on `host`, each line to `line(label, text)`, with timestamps. With `query.follow`
 * the commands run until stop(); each remote follower ends when its stdin closes (commands/logs.ts
 * untilStdinClosesArgv). A command that exits non-zero is returned in `done` (its output was streamed as lines).
 */
export function streamLogs(
  host: RemoteHost,
  processes: readonly ServiceProcess[],
  query: LogQuery,
  line: (label: string, text: string) => void,
): LogStream {
  const inputs: NodeJS.WritableStream[] = [];
  const failures: LogFailure[] = [];
  const asked = { ...query, timestamps: true };
  const run = async (argv: string[], label: string, what: string): Promise<void> => {
    const stdin = query.follow ? new PassThrough() : undefined;
    if (stdin) inputs.push(stdin);
    const result = await host.exec(query.follow ? untilStdinClosesArgv(argv) : argv, {
      become: true,
      check: false,
      step: "logs",
      ...(stdin ? { stdin } : {}),
      onStdout: (text) => line(label, text),
      onStderr: (text) => line(label, text),
    });
    if (result.code !== 0) failures.push({ label, what, code: result.code });
  };
  const units = processes.filter((p) => p.kind === "unit").map((u) => u.name);
  const jobs: Promise<unknown>[] = [];
  // journald interleaves the units of one host by time: one command for all of them.
  if (units.length > 0) jobs.push(run(journalArgv(units, asked), host.name, `the journal of ${units.join(", ")}`));
  for (const p of processes.filter((q) => q.kind !== "unit")) {
    jobs.push(
      containersOf(host, p).then(
        (ids) => Promise.all(ids.map((id) => run(containerLogsArgv(id, asked), p.label, `docker logs of ${id}`))),
        (e: unknown) => {
          line(p.label, e instanceof Error ? e.message : String(e));
          failures.push({ label: p.label, what: `the containers of ${p.service}`, code: null });
        },
      ),
    );
  }
  let stopped = false;
  return {
    done: Promise.all(jobs).then(() => failures),
    stop: () => {
      if (stopped) return;
      stopped = true;
      for (const input of inputs) input.end();
    },
  };
}

export interface ExecInput {
  argv: string[];
  process: ServiceProcess;
  color: Color;
  tty: boolean;
  stdin?: NodeJS.ReadableStream;
  out: (text: string) => void;
  err: (text: string) => void;
  /** With `tty`: the local terminal the remote pty is attached to (RemoteHost.interactive). */
  terminal?: Omit<InteractiveOptions, "become" | "becomeUser" | "step">;
}

/**
 * Runs `argv` for one process of the service: systemd as the service's user in the color's release directory with
 * its env file; containers with `docker exec` in the color's container (compose: the service's first container).
 * Returns the remote command's result (its exit code is the caller's).
 */
export async function execInService(
  host: RemoteHost,
  config: SlipwayConfig,
  input: ExecInput,
): Promise<{ code: number | null }> {
  const { process: p, color } = input;
  const run = (argv: string[]) => {
    if (!input.tty) return host.exec(argv, { ...stream, become: true });
    if (!host.interactive || !input.terminal) {
      throw new SlipwayError(`${host.name} cannot run a command with a terminal`, {
        host: host.name,
        step: "exec",
        hint: "run it without -t (stdin is still passed through with -i), or from a terminal",
      });
    }
    return host.interactive(argv, { ...input.terminal, become: true, step: "exec" });
  };
  const stream = {
    check: false,
    step: "exec",
    onStdout: input.out,
    onStderr: input.err,
    ...(input.stdin ? { stdin: input.stdin } : {}),
  };
  if (p.kind === "unit") {
    const envFile = environmentFilePath(envDir(config), p.service, color, p.instance);
    const dir = `${deployPaths(config.deploy_dir).colorLink(color)}/${p.service}`;
    return run(inReleaseArgv(envFile, dir, serviceUser(config, p.service), input.argv));
  }
  const [container] = await containersOf(host, p);
  if (!container) {
    throw new UsageError(`${p.service} has no ${color} container on ${host.name}`, {
      hint: "deploy first, or pick the color that runs with --color",
    });
  }
  return run(dockerExecArgv(container, input.argv, input.tty));
}

/**
 * Connects to the chosen hosts and runs `fn` on each reachable one at once; the pool is closed afterwards. An
 * unreachable host is passed to `down` with its error. Throws what connecting throws (host key mismatch, ...).
 */
export async function onConnectedHosts(
  config: SlipwayConfig,
  limit: readonly string[] | undefined,
  fn: (host: RemoteHost) => Promise<void>,
  down: (name: string, error: string) => void,
  options: { first?: boolean } = {},
): Promise<void> {
  const pool = new ConnectionPool();
  try {
    const chosen = chosenHosts(config, limit ? [...limit] : undefined);
    const connected = await connectAll(config, options.first ? chosen.slice(0, 1) : chosen, pool);
    await Promise.all(
      connected.map(async ({ resolved, host, error }) => {
        if (!host) down(resolved.name, error ?? "unreachable");
        else await fn(host);
      }),
    );
  } finally {
    await pool.closeAll();
  }
}
