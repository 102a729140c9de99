/**
 * The accessories of runtime compose (`services.*.accessory: true`: a database or cache server): one project
 * `<app>-accessories`, outside the colors. Every deploy makes sure it runs (`up --no-recreate`: a missing container is
 * created, a running one is not replaced, so the server and its data stay across deploys), before the idle color
 * starts; the colors' start, stop and switch never touch it. Its network is the one the colors join. An accessory
 * whose image or env changed (its section of the compose file or its env file) is recreated (`up --force-recreate`
 * of that service alone, its volumes kept): the plan announces it as a restart of a stateful service.
 */
import { parse } from "yaml";
import {
  composeBase,
  composeContainerArgv,
  composeRecreateArgv,
  composeUpKeepArgv,
  runningContainersArgv,
} from "../../commands/compose.js";
import { serviceStatesArgv } from "../../commands/docker.js";
import { containerImageArgv, imageContentArgv } from "../../commands/docker-image.js";
import { mkdirsArgv, parentDir } from "../../commands/files.js";
import type { SlipwayConfig } from "../../config/index.js";
import { SlipwayError } from "../../errors.js";
import { applyComposeFile } from "../../install/apply.js";
import type { ComposeFlavour } from "../../remote/facts.js";
import type { RemoteHost } from "../../remote/types.js";
import { composeProjectName } from "../../render/compose.js";
import {
  accessoriesComposeFilePath,
  accessoriesComposeFromConfig,
  accessoryEnvFilePath,
  accessoryNames,
  serviceImageRef,
} from "../../render/from-config/index.js";
import { ACCESSORIES } from "../../render/model.js";
import { buildAction } from "../container/delivery.js";
import { STAGE_STEP, type StageInput, type StageResult } from "../runtime.js";
import { colorEnvFile, pullWhenMissing } from "../stage-steps.js";

const asRoot = { become: true };

/** `<app>-accessories`. */
export function accessoriesProject(app: string): string {
  return composeProjectName(app, ACCESSORIES);
}

/**
 * Writes the accessories' env and compose files and starts what is not running, then waits until each container is
 * running (and healthy, when it has a healthcheck). Check mode only says what it would do. Throws SlipwayError
 * naming the accessory when an image or a secret is missing or a container does not come up within `waitMs`.
 */
export async function ensureAccessories(
  host: RemoteHost,
  config: SlipwayConfig,
  flavour: ComposeFlavour,
  input: Pick<StageInput, "images" | "secrets" | "check">,
  waitMs = 120_000,
): Promise<StageResult> {
  const names = accessoryNames(config);
  const result: StageResult = { changed: false, diffs: [], actions: [] };
  if (names.length === 0) return result;
  const file = accessoriesComposeFilePath(config);
  const live = (await host.readFile(file, asRoot))?.toString("utf8");
  const images = await accessoryImages(host, config, names, { ...input, live }, result);
  const envChanged = await writeEnvFiles(host, config, flavour, input, result);
  // A plan before the first build of an accessory has no image to render its file with.
  const model = Object.keys(images).length < names.length ? null : accessoriesComposeFromConfig(config, images);
  if (!model) {
    result.changed = result.actions.length > 0;
    return result;
  }
  if (!input.check) await host.exec(mkdirsArgv([parentDir(file)]), asRoot);
  const applied = await applyComposeFile(host, model, { path: file, flavour, become: true, check: input.check });
  if (applied.changed) {
    result.actions.push(`${input.check ? "would write" : "wrote"} ${file} (project ${accessoriesProject(config.app)})`);
    if (applied.diff) result.diffs.push(applied.diff);
  }
  const base = composeBase(flavour, accessoriesProject(config.app), file);
  const changed = changedAccessories(applied.files[0]?.before, applied.files[0]?.after, names, envChanged);
  for (const name of names) {
    const image = images[name] as string;
    if (!changed.includes(name) && (await imageContentChanged(host, config.app, name, image))) changed.push(name);
  }
  if (changed.length > 0) {
    const what = `the stateful accessor${changed.length > 1 ? "ies" : "y"} ${changed.join(", ")}`;
    result.actions.push(
      `${input.check ? "would restart" : "restarted"} ${what}: recreated with the changed image/env (volumes kept)`,
    );
    if (!input.check) {
      await host.exec(composeRecreateArgv(base, changed), { ...asRoot, step: STAGE_STEP, timeoutMs: 180_000 });
    }
  }
  if ((await runningIds(host, config.app)).length < names.length) {
    result.actions.push(`${input.check ? "would start" : "start"} the accessories ${names.join(", ")}`);
    if (!input.check) {
      await host.exec(composeUpKeepArgv(base), { ...asRoot, step: STAGE_STEP, timeoutMs: 180_000 });
    }
  }
  if (!input.check) await waitUntilUp(host, config.app, names, waitMs);
  result.changed = result.actions.length > 0;
  return result;
}

/**
 * Each accessory's image reference (pulled when missing). Check mode runs before the build: an accessory with a
 * build section has no image yet; the plan says the deploy builds it and compares the rest of its section with the
 * image it runs now (from the `live` compose file), so a changed env is still announced. Throws naming an accessory
 * with neither an image nor a build.
 */
async function accessoryImages(
  host: RemoteHost,
  config: SlipwayConfig,
  names: readonly string[],
  input: Pick<StageInput, "images" | "check"> & { live: string | undefined },
  result: StageResult,
): Promise<Record<string, string>> {
  const images: Record<string, string> = {};
  for (const name of names) {
    const image = serviceImageRef(config, name, input.images);
    if (!image) {
      if (input.check && config.services[name]?.build) {
        result.actions.push(`${buildAction(config, name)} (a new image restarts the accessory)`);
        const running = liveImage(input.live, name);
        if (running) images[name] = running;
        continue;
      }
      throw new SlipwayError(`accessory ${name} has no image to run`, {
        host: host.name,
        step: STAGE_STEP,
        hint: "give it `image:` (pinned by digest) or a build section, or pass --image service=ref",
      });
    }
    images[name] = image;
    const pull = await pullWhenMissing(host, name, image, input.check);
    if (pull) result.actions.push(pull);
  }
  return images;
}

/** The image an accessory's section of the live compose file names (undefined: no file or no such service). */
function liveImage(live: string | undefined, name: string): string | undefined {
  const image = live === undefined ? undefined : parse(live)?.services?.[name]?.image;
  return typeof image === "string" ? image : undefined;
}

/**
 * The accessories whose section of the compose file differs between `before` and `after` apart from the image
 * reference (environment, volumes, command, ...: what compose would start differently) or whose env file changed, in
 * config order. The image is compared by content (imageContentChanged): a rebuild gets a new digest every deploy. A
 * file that was not there before changes nothing by itself (the containers, if any, were started from it).
 */
export function changedAccessories(
  before: string | undefined,
  after: string | undefined,
  names: readonly string[],
  envChanged: ReadonlySet<string>,
): string[] {
  const section = (text: string | undefined, name: string) => {
    if (text === undefined) return undefined;
    const { image: _, ...rest } = parse(text)?.services?.[name] ?? {};
    return JSON.stringify(rest);
  };
  return names.filter(
    (name) =>
      envChanged.has(name) ||
      (before !== undefined && after !== undefined && section(before, name) !== section(after, name)),
  );
}

async function writeEnvFiles(
  host: RemoteHost,
  config: SlipwayConfig,
  flavour: ComposeFlavour,
  input: Pick<StageInput, "secrets" | "check">,
  result: StageResult,
): Promise<Set<string>> {
  const changed = new Set<string>();
  for (const name of accessoryNames(config)) {
    if ((config.services[name]?.secrets.length ?? 0) === 0) continue;
    // The color only picks the file name colorEnvFile would use; under compose the file holds the secrets alone.
    const env = colorEnvFile(host, config, name, "blue", input.secrets, {
      runtimeFormat: true,
      composeFlavour: flavour,
    });
    const path = accessoryEnvFilePath(config, name);
    const current = (await host.readFile(path, asRoot))?.toString("utf8");
    if (current === env.content) continue;
    // A new file (first deploy) restarts nothing: the container is created with it.
    if (current !== undefined) changed.add(name);
    if (input.check) {
      result.actions.push(`write ${path}`);
      continue;
    }
    await host.exec(mkdirsArgv([parentDir(path)]), asRoot);
    await host.putFile(path, env.content, { mode: 0o600, become: true, step: "env file" });
    result.actions.push(`wrote ${path}`);
  }
  return changed;
}

/**
 * Whether `image` runs something else than the accessory's running container does (layers or run config, labels
 * aside). false when there is no container, or when either image cannot be inspected (a plan before the pull).
 */
async function imageContentChanged(host: RemoteHost, app: string, name: string, image: string): Promise<boolean> {
  const quiet = { ...asRoot, check: false };
  const ids = await host.exec(composeContainerArgv(accessoriesProject(app), name), quiet);
  const container = ids.stdout.split("\n")[0]?.trim();
  if (!container) return false;
  const running = (await host.exec(containerImageArgv(container), quiet)).stdout.trim();
  if (!running) return false;
  const [now, next] = await Promise.all(
    [running, image].map(async (ref) => {
      const r = await host.exec(imageContentArgv(ref), quiet);
      return r.code === 0 ? r.stdout.trim() : null;
    }),
  );
  return now !== null && next !== null && now !== next;
}

async function runningIds(host: RemoteHost, app: string): Promise<string[]> {
  const r = await host.exec(runningContainersArgv(accessoriesProject(app)), { ...asRoot, check: false });
  return r.code === 0 ? r.stdout.split("\n").filter((l) => l.trim()) : [];
}

/** Polls `docker inspect` until every accessory container runs and none reports a health other than healthy. */
async function waitUntilUp(host: RemoteHost, app: string, names: readonly string[], waitMs: number): Promise<void> {
  const deadline = Date.now() + waitMs;
  let last = "no container";
  for (;;) {
    const ids = await runningIds(host, app);
    if (ids.length > 0) {
      const r = await host.exec(serviceStatesArgv(ids), { ...asRoot, check: false });
      const states = r.stdout.split("\n").filter((l) => l.trim());
      const up = states.filter((l) => / running( healthy)?$/.test(l.trim()));
      if (up.length >= names.length) return;
      last = states.join("; ");
    }
    if (Date.now() > deadline) {
      throw new SlipwayError(`the accessories did not come up within ${Math.round(waitMs / 1000)} s (${last})`, {
        host: host.name,
        step: STAGE_STEP,
        command: `docker ps --filter label=com.docker.compose.project=${accessoriesProject(app)}`,
        hint: `see \`docker logs\` of the ${accessoriesProject(app)} containers on the host`,
      });
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}
