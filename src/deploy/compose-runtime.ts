/**
 * Runtime compose: one compose project per color (`<app>-<color>`, file `<deploy_dir>/compose/<color>/compose.yml`
 * rendered by src/render and validated with `compose config -q` before it replaces the old one), images pulled by
 * digest, the color's ports on 127.0.0.1. Named volumes carry the same name in both projects, so data is shared (and,
 * for a one-writer database like DuckDB, the config says `strategy: stop-first`). Compose v2 (`docker compose`) is used
 * when the host has it, else v1 (`docker-compose`).
 */

import { composeProjectWriters } from "../backup/writers.js";
import {
  composeBase,
  composeContainerArgv,
  composeLogGroups,
  composeLogsArgv,
  composeStopArgv,
  composeUpArgv,
  runningContainersArgv,
} from "../commands/compose.js";
import { processStateArgv } from "../commands/docker.js";
import { mergeStderrArgv, mkdirsArgv, parentDir, testArgv } from "../commands/files.js";
import type { Color, SlipwayConfig } from "../config/index.js";
import { SlipwayError } from "../errors.js";
import { applyComposeFile } from "../install/apply.js";
import type { ComposeFlavour } from "../remote/facts.js";
import type { RemoteHost } from "../remote/types.js";
import { composeProjectName } from "../render/compose.js";
import { instancesOf, stopTimeoutSeconds } from "../render/from-config/common.js";
import { COMPOSE_UP_BASE_SECONDS, composeUpBoundSeconds } from "../render/from-config/compose.js";
import { composeFilePath, composeFromConfig, serviceImageRef } from "../render/from-config/index.js";
import { ensureAccessories } from "./compose/accessories.js";
import { SICK_HINT, sickMessage, sickServices } from "./compose/unhealthy.js";
import { buildAction } from "./container/delivery.js";
import { configFilesOwner } from "./container/file-owner.js";
import { deployPaths } from "./paths.js";
import { refusePortSquatters } from "./port-squatters.js";
import { parseProcessStates } from "./process-state.js";
import {
  type ColorRuntime,
  configWithEnv,
  type StageInput,
  type StageResult,
  wanted,
  withExitCode,
} from "./runtime.js";
import {
  colorEnvFile,
  deliverWhenMissing,
  ownConfigFiles,
  shipStatic,
  writeConfigFiles,
  writeReleaseManifest,
} from "./stage-steps.js";
import { LOG_LINES } from "./steps/gate.js";
import { StepFailure } from "./steps/types.js";

/** Compose flavour from the host's facts; a host without compose cannot run this runtime. */
export async function hostComposeFlavour(host: RemoteHost, config: SlipwayConfig): Promise<ComposeFlavour> {
  const facts = await host.facts({ deployDir: config.deploy_dir });
  if (facts.docker.compose) return facts.docker.compose;
  throw new SlipwayError("neither `docker compose` (v2) nor `docker-compose` (v1) is installed", {
    host: host.name,
    step: "compose",
    hint: "install the docker compose plugin (or docker-compose) on the host, e.g. with playbooks/bootstrap.yml",
  });
}

export function composeRuntime(config: SlipwayConfig, host: RemoteHost): ColorRuntime {
  const paths = deployPaths(config.deploy_dir);
  // The colors' services; the accessories run in their own project (compose/accessories.ts).
  const services = Object.keys(config.services).filter((name) => !config.services[name]?.accessory);
  let flavour: ComposeFlavour | undefined;
  const base = (color: Color) => {
    if (!flavour) throw new SlipwayError("compose flavour not detected yet", { host: host.name, step: "compose" });
    return composeBase(flavour, composeProjectName(config.app, color), composeFilePath(config, color));
  };
  const detect = async () => {
    flavour ??= await hostComposeFlavour(host, config);
    return flavour;
  };
  const asRoot = { become: true };

  const runtime: ColorRuntime = {
    names: (color) => [composeProjectName(config.app, color)],
    async prepare() {
      await detect();
    },
    // The flow calls prepare() first, so the flavour is known here (v2 is only a fallback).
    writers: (color) =>
      composeProjectWriters(
        composeBase(flavour ?? "v2", composeProjectName(config.app, color), composeFilePath(config, color)),
      ),
    async stage(color: Color, input: StageInput): Promise<StageResult> {
      const actions: string[] = [];
      const diffs: string[] = [];
      let changed = false;
      const used = await detect();
      const images: Record<string, string> = {};
      for (const name of services) {
        const image = serviceImageRef(config, name, input.images);
        if (!image) {
          if (!input.check) {
            throw new SlipwayError(`service ${name} has no image to run`, {
              host: host.name,
              step: "stage",
              hint: "give it a build section (deploy builds and pushes it) or pass --image service=ref",
            });
          }
          actions.push(buildAction(config, name));
          changed = true;
          continue;
        }
        images[name] = image;
      }
      const colored = configWithEnv(config, input.env, color);
      // Secrets go to the color's 0600 env file only (the compose file is readable and shown in diffs).
      for (const name of services) {
        if ((config.services[name]?.secrets ?? []).length === 0) continue;
        // compose reads env_file with its own dotenv rules (v1 and v2 differ): the writer for this host's flavour.
        const env = colorEnvFile(host, colored, name, color, input.secrets, {
          runtimeFormat: true,
          composeFlavour: used,
        });
        const content = env.content;
        if (input.check) {
          if ((await host.readFile(env.path, asRoot))?.toString("utf8") !== content) actions.push(`write ${env.path}`);
          continue;
        }
        await host.exec(mkdirsArgv([parentDir(env.path)]), asRoot);
        const e = await host.putFile(env.path, content, { mode: 0o600, become: true, step: "env file" });
        if (e.changed) actions.push(`wrote ${env.path}`);
        changed ||= e.changed;
      }
      // Config files from templates (seed 004), in place before the color starts; the compose file mounts them (and
      // the helper's gate copies them when it checks the file, so they exist before).
      const mounted = new Map<string, Array<{ source: string }>>();
      for (const name of services) {
        const written = await writeConfigFiles(host, config, name, color, input);
        mounted.set(name, written.files);
        actions.push(...written.actions);
        changed ||= written.actions.length > 0;
      }
      // The color's file is written and checked (`compose config`, the helper's gate) before anything is pulled: a
      // refused file fails in a second, not after the pulls (D64). `config` needs the env files, not the images.
      if (Object.keys(images).length === services.length) {
        const file = composeFilePath(config, color);
        if (!input.check) await host.exec(mkdirsArgv([parentDir(file)]), asRoot);
        const model = composeFromConfig(colored, { color, images, hostName: host.name });
        const applied = await applyComposeFile(host, model, {
          path: file,
          flavour: used,
          become: true,
          check: input.check,
        });
        if (applied.changed) {
          changed = true;
          actions.push(
            `${input.check ? "would write" : "wrote"} ${file} (project ${composeProjectName(config.app, color)})`,
          );
          if (applied.diff) diffs.push(applied.diff);
        }
      }
      let delivered = false;
      for (const [name, image] of Object.entries(images)) {
        const pull = await deliverWhenMissing(host, config, name, image, input);
        if (pull) {
          actions.push(pull);
          changed = true;
          delivered ||= !input.check;
        }
      }
      // Owned by the uid the image runs as (D65): known once the image is on the host.
      if (!input.check) await ownAllConfigFiles(host, config, images, mounted);
      // Before the color starts: the color joins the accessories' network, which their project creates.
      // The config without the release's env: an accessory's file does not change with every release.
      const accessories = await ensureAccessories(host, config, used, input);
      actions.push(...accessories.actions);
      diffs.push(...accessories.diffs);
      changed ||= accessories.changed;
      if (!input.check) {
        await writeReleaseManifest(host, paths.release(input.releaseId), input.releaseId, images);
      }
      const staticFiles = await shipStatic(host, config, input.releaseId, input.releaseDir, input.check);
      if (staticFiles) {
        actions.push(staticFiles);
        changed = true;
      }
      if (input.check && actions.length > 0) changed = true;
      return { changed, diffs, actions, delivered };
    },
    refuseSquatters: (color) => refuseComposeSquatters(host, config, color),
    async start(color) {
      await detect();
      await refuseComposeSquatters(host, config, color);
      const bound = composeUpBoundSeconds(config);
      const up = host.exec(composeUpArgv(base(color)), { ...asRoot, step: "start", timeoutMs: bound.seconds * 1000 });
      await up.catch(async (error: unknown) => {
        throw (
          upTimedOut(error, host.name, bound) ??
          (await upFailedOnSick(runtime, error, color, host, composeProjectName(config.app, color), services)) ??
          error
        );
      });
    },
    async stop(color) {
      await detect();
      const file = composeFilePath(config, color);
      if ((await host.exec(testArgv("-f", file), { ...asRoot, check: false })).code !== 0) return;
      const timeoutS = stopTimeoutSeconds(config);
      await host.exec(composeStopArgv(base(color), timeoutS), {
        ...asRoot,
        check: false,
        step: "stop",
        timeoutMs: (timeoutS + 80) * 1000,
      });
    },
    async isRunning(color) {
      const r = await host.exec(runningContainersArgv(composeProjectName(config.app, color)), {
        ...asRoot,
        check: false,
      });
      // One container per instance of a load-balanced service.
      const wanted = services.reduce((n, name) => n + instancesOf(config, name), 0);
      return r.code === 0 && r.stdout.split("\n").filter((l) => l.trim()).length >= wanted;
    },
    async processStates(color, service) {
      const project = composeProjectName(config.app, color);
      const ids = await host.exec(composeContainerArgv(project, service, { all: true }), { ...asRoot, check: false });
      const list = ids.stdout.split("\n").filter((l) => l.trim() !== "");
      if (list.length === 0) return [];
      const r = await host.exec(processStateArgv(list), { ...asRoot, check: false, step: "gate" });
      return parseProcessStates(r.stdout);
    },
    async logs(color, lines, only) {
      await detect();
      // One read for the project (the helper's docker gate takes no service names): split by compose's line prefix.
      const argv = mergeStderrArgv(composeLogsArgv(base(color), lines));
      const r = await host.exec(argv, { ...asRoot, check: false, step: "gate" });
      const groups = composeLogGroups(r.stdout, services).filter((g) => wanted(only, g.service));
      return Promise.all(groups.map((g) => withExitCode(host, g)));
    },
  };
  return runtime;
}

/** Each service's config files handed to the uid:gid its image runs as (configFilesOwner; none in helper mode). */
async function ownAllConfigFiles(
  host: RemoteHost,
  config: SlipwayConfig,
  images: Readonly<Record<string, string>>,
  mounted: ReadonlyMap<string, ReadonlyArray<{ source: string }>>,
): Promise<void> {
  for (const [name, files] of mounted) {
    const image = images[name];
    if (files.length === 0 || !image) continue;
    await ownConfigFiles(host, files, await configFilesOwner(host, config, name, image));
  }
}

/**
 * The color's ports are free before `compose up` (else docker's "exit code 125" is all it says). A project of the
 * color still running holds its own ports (up recreates its containers in place): checked only when none runs.
 */
async function refuseComposeSquatters(host: RemoteHost, config: SlipwayConfig, color: Color): Promise<void> {
  const project = composeProjectName(config.app, color);
  const running = await host.exec(runningContainersArgv(project), { become: true, check: false, step: "start" });
  if (running.code === 0 && running.stdout.trim() !== "") return;
  await refusePortSquatters(host, config, color, {
    owner: (service) => `the compose service ${service} of project ${project}`,
  });
}

/**
 * A failed `compose up` re-said as the services that are not healthy, with their last health answer and log lines
 * (`data.logs`, the gate's ServiceLogs); null when every container looks fine (another cause: compose's stderr).
 */
async function upFailedOnSick(
  runtime: ColorRuntime,
  error: unknown,
  color: Color,
  host: RemoteHost,
  project: string,
  services: readonly string[],
): Promise<StepFailure | null> {
  const sick = await sickServices(host, project, services).catch(() => []);
  if (sick.length === 0) return null;
  const names = sick.map((s) => s.service);
  const logs = await runtime.logs(color, LOG_LINES, names).catch(() => []);
  return new StepFailure(
    `compose up failed: ${sickMessage(sick, color)}`,
    {
      // compose's own command, exit code and stderr stay in the error: only the message and the hint change.
      ...(error instanceof SlipwayError
        ? { command: error.command, exitCode: error.exitCode, stderrTail: error.stderrTail }
        : {}),
      host: host.name,
      step: "start",
      hint: SICK_HINT,
      cause: error,
    },
    { service: names[0], logs },
  );
}

/** A timed-out `compose up` said as what it is: the bound, where it came from, what to change. Null: another error. */
export function upTimedOut(
  error: unknown,
  hostName: string,
  bound: { seconds: number; health: string[] },
): SlipwayError | null {
  if (!(error instanceof Error) || !/timed out after/.test(error.message)) return null;
  const from = bound.health.length > 0 ? `: ${bound.health.join("; ")}` : " (no dependency with a container check)";
  return new SlipwayError(
    `compose up did not finish within ${bound.seconds} s, the bound derived from the health settings (${COMPOSE_UP_BASE_SECONDS} s base${from})`,
    {
      host: hostName,
      step: "start",
      hint: "a dependency's container healthcheck neither passed nor failed in time: look at `docker ps` and its logs on the host; if the app is just slow to start, raise its health.start_period",
      cause: error,
    },
  );
}
