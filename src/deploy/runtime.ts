/**
 * What differs between runtimes, behind one interface: stage a color (code/images, env, unit), start it, stop it,
 * show its logs. Everything else in a deploy (lock, backup, gate, switch, verify, retire, record) is shared.
 */

import type { Writers } from "../backup/types.js";
import { exitCodeOf, exitStateArgv } from "../commands/docker.js";
import type { Color, SlipwayConfig } from "../config/index.js";
import type { RemoteHost } from "../remote/types.js";
import type { ServiceLogs } from "./events.js";
import type { ProcessState } from "./process-state.js";
import type { ProgressReporter } from "./progress.js";

/**
 * The step that runs a runtime's stage (steps/stage.ts): what the stage does on a host, its accessories included, is
 * attributed to it in errors and events.
 */
export const STAGE_STEP = "stage";

export interface StageInput {
  releaseId: string;
  /** Extra env of the release (versionEnv), on top of each service's `env`. */
  env: Record<string, string>;
  images: Record<string, string>;
  secrets: Record<string, string>;
  releaseDir?: string;
  check: boolean;
  /** Progress of a long wait (an image streamed or pulled), about once a second. */
  progress?: ProgressReporter;
}

export interface StageResult {
  changed: boolean;
  /** Unified diffs of the files the stage changed (or would change in check mode). */
  diffs: string[];
  /** One line per action, for the plan. */
  actions: string[];
  /**
   * The run put an image of the app onto the host (pulled or streamed): retire's image prune then reads the host.
   * Absent where the runtime cannot tell (swarm: the engine pulls on its nodes) or runs no image (systemd).
   */
  delivered?: boolean;
}

/** A service whose processes failed for good, as the runtime words it: what happened, its evidence, what to do. */
export interface ServiceFailure {
  /** `shop-blue_web: task shop-blue_web.1 on t5 failed 2 times (task: non-zero exit (3))`. */
  message: string;
  /** The runtime's lines that show it (swarm: the newest task lines), if any. */
  evidence?: string;
  hint: string;
}

export interface ColorRuntime {
  /**
   * Learns what the host offers (e.g. compose v1 or v2) before anything else is called; a runtime may read here, with
   * the flow's first reads, what its plan would ask the host for later (the containers, the `images` present), and
   * may resolve before those reads end (container: its own methods wait for them) so the plan's others start.
   */
  prepare?(input?: { images: Record<string, string> }): Promise<void>;
  /** Drops what prepare() and the plan read (the run reads afresh): another run changed the host meanwhile. */
  forget?(): void;
  stage(color: Color, input: StageInput): Promise<StageResult>;
  start(color: Color, signal?: AbortSignal): Promise<void>;
  /**
   * Throws (SlipwayError naming port, process and key) when another process holds one of the color's ports. start()
   * checks it too; stop-first calls it before the live color stops, so a taken port costs no downtime (D40).
   */
  refuseSquatters?(color: Color): Promise<void>;
  stop(color: Color): Promise<void>;
  /**
   * Whether every process of the color runs. `planned`: as prepare() found it, when it read the color (no round trip;
   * the plan's own question, asked in the same moment); else, and for every question of the run, asked now.
   */
  isRunning(color: Color, options?: { planned?: boolean }): Promise<boolean>;
  /**
   * Makes `live` the color that comes back after a reboot and `idle` one that does not (systemd: `systemctl enable`
   * of live's units, `disable` of idle's). Absent where the start itself decides it (containers: restart policy).
   */
  bootColor?(live: Color, idle: Color): Promise<void>;
  /**
   * Where the gate reaches a service of the color, when that is not the host itself: the addresses of the nodes
   * running its tasks (runtime swarm, host-mode ports). Absent: the host's own listen address.
   */
  gateAddresses?(color: Color, service: string): Promise<string[]>;
  /**
   * Whether the tasks of `service` in `color` failed for good, read while the health gate waits (deploy/gate-stop.ts):
   * one read of the runtime's own record (swarm: the task list, as the start's wait reads it). Absent: the gate
   * reads processStates for a crash loop instead.
   */
  serviceFailure?(color: Color, service: string): Promise<ServiceFailure | undefined>;
  /**
   * The state of each process (container or unit) of `service` in `color`: the running gate of a worker
   * (deploy/running-gate.ts). Absent where the runtime cannot tell (swarm: validate refuses workers there).
   */
  processStates?(color: Color, service: string): Promise<ProcessState[]>;
  /**
   * The last `lines` lines of each process of the color (of `services` only, when given): one group per unit or
   * container, in the config's service order.
   */
  logs(color: Color, lines: number, services?: readonly string[]): Promise<ServiceLogs[]>;
  /** Unit or container names of a color, for backup writers and messages. */
  names(color: Color): string[];
  /** Stops units by name (those of a service the config no longer names, from the release record). */
  stopNames?(names: string[]): Promise<void>;
  /** Commands (run through sudo) that stop and start the color's database writers; default: systemctl on names(). */
  writers?(color: Color): Writers;
}

/** Output lines worth showing: journalctl's `-- No entries --` style markers and blank lines dropped. */
export function logLines(stdout: string): string[] {
  return stdout.split("\n").filter((line) => line.trim() !== "" && !/^-- .* --$/.test(line.trim()));
}

/**
 * `group` with the exit code of its container when that is not running (exited, or restarting after a crash): the
 * gate's hint then names the crash. A container that cannot be inspected is left as it is.
 */
export async function withExitCode(host: RemoteHost, group: ServiceLogs): Promise<ServiceLogs> {
  const r = await host.exec(exitStateArgv(group.name), { become: true, check: false, step: "gate" });
  const exited = r.code === 0 ? exitCodeOf(r.stdout) : undefined;
  return exited === undefined ? group : { ...group, exited };
}

/** Whether a process of `service` is wanted: every service when `services` is not given. */
export function wanted(services: readonly string[] | undefined, service: string): boolean {
  return services === undefined || services.includes(service);
}

export type RuntimeFactory = (config: SlipwayConfig, host: RemoteHost) => ColorRuntime;

/** A service's config with the release's extra env merged in (the renderers read `env`). */
export function configWithEnv(config: SlipwayConfig, extra: Record<string, string>, color: Color): SlipwayConfig {
  const services = Object.fromEntries(
    Object.entries(config.services).map(([name, s]) => [
      name,
      { ...s, env: { ...s.env, ...extra, SLIPWAY_COLOR: color } },
    ]),
  );
  return { ...config, services } as SlipwayConfig;
}
