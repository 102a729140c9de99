/**
 * Runtime container: one `docker run` per service and color (`<app>-<service>-<color>`), the image pulled by digest
 * or streamed over SSH (`image.delivery`),
 * the port bound to 127.0.0.1:<color port>, the color's env file (0600, root's: docker runs through sudo so the CLI can
 * read it), the config's volumes (named volumes are shared by both colors), restart unless-stopped.
 */

import { containerWriters } from "../backup/writers.js";
import {
  appPortsArgv,
  containerLogsArgv,
  type PublishedPort,
  parsePublishedPorts,
  processStateArgv,
  removeContainersArgv,
  stopContainersArgv,
} from "../commands/docker.js";
import { mkdirsArgv, parentDir } from "../commands/files.js";
import type { Color, SlipwayConfig } from "../config/index.js";
import { listenAddress } from "../config/layout.js";
import { hostImageId } from "../delivery/pull.js";
import { SlipwayError } from "../errors.js";
import type { RemoteHost } from "../remote/types.js";
import { instancesOf, stopTimeoutSeconds } from "../render/from-config/common.js";
import { type ConfigRenderedFile, colorRuntimeFiles, serviceImageRef } from "../render/from-config/index.js";
import { buildAction, deliveryMethod } from "./container/delivery.js";
import { configFilesOwner } from "./container/file-owner.js";
import { type ContainerLook, inspectContainers } from "./container/inspect.js";
import { removeOld, runReplacing } from "./container/replace.js";
import { containerName, dockerRunArgv, serviceImage } from "./container/run-spec.js";
import { deployPaths } from "./paths.js";
import { readListeners, refusePortSquatters } from "./port-squatters.js";
import { parseProcessStates } from "./process-state.js";
import {
  type ColorRuntime,
  configWithEnv,
  logLines,
  type StageInput,
  type StageResult,
  wanted,
  withExitCode,
} from "./runtime.js";
import { settleAll } from "./settle.js";
import {
  deliverWhenMissing,
  requireSecrets,
  shipStatic,
  writeConfigFiles,
  writeReleaseManifest,
} from "./stage-steps.js";

type EnvFile = ConfigRenderedFile;

export function containerRuntime(config: SlipwayConfig, host: RemoteHost): ColorRuntime {
  const paths = deployPaths(config.deploy_dir);
  const services = Object.keys(config.services);
  // One container per instance: nginx's upstream lists `instances` ports from the color's port (render's instancesOf).
  const units = services.flatMap((service) =>
    Array.from({ length: instancesOf(config, service) }, (_, instance) => ({ service, instance })),
  );
  const names = (color: Color) => units.map((u) => containerName(config.app, u.service, color, u.instance));
  /** The argv stage() decided on, per color: start() runs them. */
  const staged = new Map<Color, string[][]>();
  /**
   * Each env file as the plan (check mode) read it, null when absent: the run then writes it without asking again
   * (one round trip instead of mkdir, inspect and write) or not at all when it already holds the content.
   */
  const plannedEnv = new Map<string, string | null>();
  /**
   * What the plan found on the host, used once by the run instead of asking docker again (each `docker` call costs a
   * Go binary's start, 0.2-0.9 s on a loaded 2-core host): the color's containers (their spec decides only the plan's
   * wording; the stage removes those it found, and start() replaces one it did not) and the images already there. An
   * image removed in between (by a deploy that ran between this plan and this run's lock) is pulled by `docker run`
   * itself, or fails the start, which undoes as any start failure does.
   */
  const plannedContainers = new Map<Color, ContainerLook[]>();
  const plannedImages = new Set<string>();
  /** prepare()'s reads while they run: what uses plannedContainers or plannedImages waits for them first. */
  let prefetching: Promise<void> | undefined;
  /** The color's listeners, read with the stage's commands for start()'s squatter check. */
  const listeners = new Map<Color, ReturnType<typeof readListeners>>();

  /**
   * The host ports the app's running containers publish: whose docker-proxy holds a taken port (D77). Read when the
   * check finds one (the plan's checks run at once with the stage's, so nothing the stage read can be relied on
   * there). A failed read is an empty list: every listener stays a squatter.
   */
  function readPublished(): Promise<PublishedPort[]> {
    return host
      .exec(appPortsArgv(config.app), { become: true, check: false, step: "start" })
      .then((r) => (r.code === 0 ? parsePublishedPorts(r.stdout) : []))
      .catch(() => []);
  }

  /**
   * The color's listeners for start()'s squatter check, read with the stage's commands; read again after the removal
   * of the color's old containers when one of them ran (a killed run's leftover: its docker-proxy held the port until
   * then). Never rejects (readListeners does not; a stage that failed never reaches start()).
   */
  function listenersAfter(color: Color, looks: Promise<ContainerLook[]>, removed: Promise<void>) {
    const early = readListeners(host, config, color);
    const ran = (l: ContainerLook[]) => l.some((look) => look?.running === true);
    return looks
      .then((l) => (ran(l) ? removed.then(() => readListeners(host, config, color)) : early))
      .catch(() => early);
  }

  /** The squatter check's inputs: with `consume` (start), the listeners read with the stage; else read now. */
  function squatterCheck(color: Color, consume: boolean) {
    const staged = consume ? listeners.get(color) : undefined;
    if (consume) listeners.delete(color);
    return {
      owner: (service: string, instance: number) =>
        `the container ${containerName(config.app, service, color, instance)}`,
      published: readPublished,
      ...(staged ? { listeners: staged } : {}),
    };
  }

  /** Spec label and running state of each of the color's containers (null when it does not exist): one docker call. */
  function inspect(color: Color): Promise<ContainerLook[]> {
    return inspectContainers(host, names(color));
  }

  /**
   * One container of the color: its service's image delivered and env file written (instance 0 does both for the
   * service) and its config files, at once; then its `docker run` argv. null: check mode, no image yet (instance > 0).
   */
  async function stageUnit(
    { service, instance }: (typeof units)[number],
    color: Color,
    env: EnvFile,
    input: StageInput,
  ): Promise<{
    actions: string[];
    run?: ReturnType<typeof dockerRunArgv>;
    image?: string;
    delivered?: boolean;
  } | null> {
    if (input.check && !serviceImageRef(config, service, input.images)) {
      return instance > 0 ? null : { actions: [buildAction(config, service)] };
    }
    const image = serviceImage(config, service, input.images);
    const first = instance === 0;
    const [pull, wroteEnv] = await settleAll([
      first ? deliverPlanned(service, image, input) : null,
      first ? writeEnvFile(env, input.check) : null,
    ]);
    // Config files from templates (seed 004), written once per service (every instance mounts them), after the pull:
    // they belong to the uid the image runs as.
    const owner = first && !input.check ? await configFilesOwner(host, config, service, image) : undefined;
    const configFiles = await writeConfigFiles(host, config, service, color, {
      ...input,
      check: input.check || !first,
      ...(owner ? { owner } : {}),
    });
    const actions = [pull, wroteEnv, ...(first ? configFiles.actions : [])].filter((a): a is string => !!a);
    const run = dockerRunArgv({
      app: config.app,
      service,
      config: config.services[service] as NonNullable<(typeof config.services)[string]>,
      color,
      releaseId: input.releaseId,
      image,
      envFile: env.path,
      instance,
      files: configFiles.files,
      bindAddress: listenAddress(config, service, host.name),
    });
    // The run's delivery says what it did (null: the image was there); check mode delivers nothing.
    return { actions, run, image, delivered: !input.check && pull !== null };
  }

  /**
   * What prepare() reads with the flow's first reads, for the plan's stage: both colors' containers in one docker call
   * (the live color is not known yet) and, for registry delivery, whether each service's image is there. Each is used
   * once, by the first stage of its color. Not awaited by prepare(): the plan's other reads start meanwhile. A failed
   * read leaves nothing planned (the stage asks again); forget() meanwhile discards what it would have set.
   */
  function prefetch(images: Record<string, string>): Promise<void> {
    const refs =
      deliveryMethod(config.image) === "ssh"
        ? []
        : [...new Set(services.flatMap((service) => serviceImageRef(config, service, images) ?? []))];
    const both = [...names("blue"), ...names("green")];
    const reads = settleAll([
      inspectContainers(host, both),
      Promise.all(refs.map(async (ref) => ((await hostImageId(host, ref)) ? ref : null))),
    ]);
    const done: Promise<void> = reads.then(
      ([looks, present]) => {
        if (prefetching !== done) return;
        plannedContainers.set("blue", looks.slice(0, units.length));
        plannedContainers.set("green", looks.slice(units.length));
        for (const ref of present) if (ref) plannedImages.add(ref);
      },
      () => undefined,
    );
    prefetching = done;
    return done;
  }

  /** The image onto the host unless the plan (or prepare) saw it there (check mode records what it saw). */
  async function deliverPlanned(service: string, image: string, input: StageInput): Promise<string | null> {
    await prefetching;
    if (plannedImages.has(image)) {
      if (!input.check) plannedImages.delete(image);
      return null;
    }
    const action = await deliverWhenMissing(host, config, service, image, input);
    if (input.check && action === null) plannedImages.add(image);
    return action;
  }

  /** The color's containers as prepare() or the plan saw them (once), else asked now; check mode records them. */
  async function inspectPlanned(color: Color, check: boolean): ReturnType<typeof inspect> {
    await prefetching;
    const planned = plannedContainers.get(color);
    // The plan keeps what it used for the run; the run uses it up.
    if (planned) {
      if (!check) plannedContainers.delete(color);
      return planned;
    }
    const now = await inspect(color);
    if (check) plannedContainers.set(color, now);
    return now;
  }

  /** The env file (`docker run --env-file` takes NAME=value literally: the docker writer); returns the action. */
  async function writeEnvFile(env: EnvFile, check: boolean): Promise<string | null> {
    if (check) {
      const now = (await host.readFile(env.path, { become: true }))?.toString("utf8");
      plannedEnv.set(env.path, now ?? null);
      return now === env.content ? null : `write ${env.path}`;
    }
    const planned = plannedEnv.get(env.path);
    plannedEnv.delete(env.path);
    if (planned === env.content) return null;
    // Absent at the plan (a first deploy) or not planned: its directory may be missing too.
    if (planned === undefined || planned === null) await host.exec(mkdirsArgv([parentDir(env.path)]), { become: true });
    const e = await host.putFile(env.path, env.content, {
      mode: 0o600,
      become: true,
      step: "env file",
      unconditional: planned !== undefined,
    });
    return e.changed ? `wrote ${env.path}` : null;
  }

  return {
    names,
    async prepare(input) {
      void prefetch(input?.images ?? {});
    },
    forget() {
      prefetching = undefined;
      plannedContainers.clear();
      plannedImages.clear();
      plannedEnv.clear();
    },
    writers: (color) => containerWriters(names(color)),
    async stage(color: Color, input: StageInput): Promise<StageResult> {
      const colored = configWithEnv(config, input.env, color);
      // Every env file is rendered first (what `slipway render` lists for the color): a missing secret refuses
      // before anything is pulled or written.
      const files = colorRuntimeFiles(colored, color, { hostName: host.name, secrets: input.secrets });
      requireSecrets(host, files);
      const envs = new Map(files.map((file) => [file.service, file]));
      const release = paths.release(input.releaseId);
      // The inspection, each service's delivery and files, and the release directory do not depend on each other:
      // one round trip's wait for all of them instead of one per command. The color's old containers go as soon as
      // the inspection names them, so start() only runs `docker run`.
      const inspected = inspectPlanned(color, input.check);
      const removed = input.check ? null : inspected.then((looks) => removeOld(host, names(color), looks));
      if (removed) listeners.set(color, listenersAfter(color, inspected, removed));
      const [current, , perUnit, staticFiles] = await settleAll([
        inspected,
        removed,
        settleAll(units.map((unit) => stageUnit(unit, color, envs.get(unit.service) as EnvFile, input))),
        input.check
          ? shipStatic(host, config, input.releaseId, input.releaseDir, true)
          : writeReleaseManifest(host, release, input.releaseId, input.images).then(() =>
              shipStatic(host, config, input.releaseId, input.releaseDir, false),
            ),
      ]);
      const actions: string[] = [];
      let changed = false;
      let delivered = false;
      const runs: string[][] = [];
      for (const [i, unit] of perUnit.entries()) {
        if (!unit) continue;
        delivered ||= unit.delivered === true;
        actions.push(...unit.actions);
        changed ||= unit.actions.length > 0;
        if (!unit.run) continue;
        runs.push(unit.run.argv);
        if (current[i]?.spec !== unit.run.spec) {
          const { service, instance } = units[i] as (typeof units)[number];
          actions.push(
            `${input.check ? "would run" : "run"} ${containerName(config.app, service, color, instance)} from ${unit.image}`,
          );
          changed = true;
        }
      }
      staged.set(color, runs);
      if (staticFiles) {
        actions.push(staticFiles);
        changed = true;
      }
      return { changed, diffs: [], actions, delivered };
    },
    async refuseSquatters(color) {
      await refusePortSquatters(host, config, color, squatterCheck(color, false));
    },
    async start(color) {
      const runs = staged.get(color);
      if (!runs) {
        throw new SlipwayError(`the ${color} containers were not staged`, { host: host.name, step: "start" });
      }
      // A port another process holds fails `docker run` with exit code 125: said first, as what it is (the listeners
      // were read with the stage's commands, just before). A container of this color holding one (a killed run's
      // leftover, D77) is replaced below, or removed first when its name is not one the color runs now.
      const own = await refusePortSquatters(host, config, color, squatterCheck(color, true));
      const strays = own.filter((name) => !names(color).includes(name));
      if (strays.length > 0) await host.exec(removeContainersArgv(strays), { become: true, step: "start" });
      // The stage removed the containers of these names it found; one it did not (or could not) is replaced here.
      for (const [i, argv] of runs.entries()) await runReplacing(host, names(color)[i] as string, argv);
    },
    async stop(color) {
      const timeoutS = stopTimeoutSeconds(config);
      await host.exec(stopContainersArgv(names(color), timeoutS), {
        become: true,
        check: false,
        step: "stop",
        timeoutMs: (timeoutS + 50) * 1000,
      });
    },
    async isRunning(color, options) {
      if (options?.planned) await prefetching;
      const planned = options?.planned ? plannedContainers.get(color) : undefined;
      return (planned ?? (await inspect(color))).every((c) => c?.running === true);
    },
    async processStates(color, service) {
      const names = units
        .filter((u) => u.service === service)
        .map((u) => containerName(config.app, u.service, color, u.instance));
      const r = await host.exec(processStateArgv(names), { become: true, check: false, step: "gate" });
      return parseProcessStates(r.stdout);
    },
    async logs(color, lines, only) {
      const picked = units.filter((u) => wanted(only, u.service));
      return Promise.all(
        picked.map(async ({ service, instance }) => {
          const name = containerName(config.app, service, color, instance);
          const r = await host.exec(containerLogsArgv(name, { lines }), { become: true, check: false, step: "gate" });
          return withExitCode(host, { service, name, lines: logLines(r.stdout) });
        }),
      );
    },
  };
}
