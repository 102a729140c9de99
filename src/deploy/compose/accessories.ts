/**
 * The accessories of runtime compose (`services.*.accessory: true`: a database or cache server): one project
 * `<app>-accessories`, outside the colors. Every deploy makes sure it runs (`up --no-recreate`: a missing container is
 * created, a running one is never replaced, so the server and its data stay across deploys), before the idle color
 * starts; the colors' start, stop and switch never touch it. Its network is the one the colors join.
 */

import { composeBase, runningContainersArgv } from "../../commands/compose.js";
import { dockerInspectArgv } from "../../commands/docker.js";
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
import type { StageInput, StageResult } from "../runtime.js";
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
  const images: Record<string, string> = {};
  for (const name of names) {
    const image = serviceImageRef(config, name, input.images);
    if (!image) {
      throw new SlipwayError(`accessory ${name} has no image to run`, {
        host: host.name,
        step: "accessories",
        hint: "give it `image:` (pinned by digest) or a build section, or pass --image service=ref",
      });
    }
    images[name] = image;
    const pull = await pullWhenMissing(host, name, image, input.check);
    if (pull) result.actions.push(pull);
  }
  await writeEnvFiles(host, config, flavour, input, result);
  const model = accessoriesComposeFromConfig(config, images);
  const file = accessoriesComposeFilePath(config);
  if (!model) return result;
  if (!input.check) await host.exec(mkdirsArgv([parentDir(file)]), asRoot);
  const applied = await applyComposeFile(host, model, { path: file, flavour, become: true, check: input.check });
  if (applied.changed) {
    result.actions.push(`${input.check ? "would write" : "wrote"} ${file} (project ${accessoriesProject(config.app)})`);
    if (applied.diff) result.diffs.push(applied.diff);
  }
  const running = await runningIds(host, config.app);
  if (running.length < names.length) {
    result.actions.push(`${input.check ? "would start" : "start"} the accessories ${names.join(", ")}`);
    if (!input.check) {
      const base = composeBase(flavour, accessoriesProject(config.app), file);
      await host.exec([...base, "up", "--detach", "--no-recreate"], {
        ...asRoot,
        step: "accessories",
        timeoutMs: 180_000,
      });
    }
  }
  if (!input.check) await waitUntilUp(host, config.app, names, waitMs);
  result.changed = result.actions.length > 0;
  return result;
}

async function writeEnvFiles(
  host: RemoteHost,
  config: SlipwayConfig,
  flavour: ComposeFlavour,
  input: Pick<StageInput, "secrets" | "check">,
  result: StageResult,
): Promise<void> {
  for (const name of accessoryNames(config)) {
    if ((config.services[name]?.secrets.length ?? 0) === 0) continue;
    // The color only picks the file name colorEnvFile would use; under compose the file holds the secrets alone.
    const env = colorEnvFile(host, config, name, "blue", input.secrets, {
      runtimeFormat: true,
      composeFlavour: flavour,
    });
    const path = accessoryEnvFilePath(config, name);
    if (input.check) {
      if ((await host.readFile(path, asRoot))?.toString("utf8") !== env.content) result.actions.push(`write ${path}`);
      continue;
    }
    await host.exec(mkdirsArgv([parentDir(path)]), asRoot);
    const written = await host.putFile(path, env.content, { mode: 0o600, become: true, step: "env file" });
    if (written.changed) result.actions.push(`wrote ${path}`);
  }
}

async function runningIds(host: RemoteHost, app: string): Promise<string[]> {
  const r = await host.exec(runningContainersArgv(accessoriesProject(app)), { ...asRoot, check: false });
  return r.code === 0 ? r.stdout.split("\n").filter((l) => l.trim()) : [];
}

/** Polls `docker inspect` until every accessory container runs and none reports a health other than healthy. */
async function waitUntilUp(host: RemoteHost, app: string, names: readonly string[], waitMs: number): Promise<void> {
  const format =
    '{{index .Config.Labels "com.docker.compose.service"}} {{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{end}}';
  const deadline = Date.now() + waitMs;
  let last = "no container";
  for (;;) {
    const ids = await runningIds(host, app);
    if (ids.length > 0) {
      const r = await host.exec(dockerInspectArgv(format, ids), { ...asRoot, check: false });
      const states = r.stdout.split("\n").filter((l) => l.trim());
      const up = states.filter((l) => / running( healthy)?$/.test(l.trim()));
      if (up.length >= names.length) return;
      last = states.join("; ");
    }
    if (Date.now() > deadline) {
      throw new SlipwayError(`the accessories did not come up within ${Math.round(waitMs / 1000)} s (${last})`, {
        host: host.name,
        step: "accessories",
        command: `docker ps --filter label=com.docker.compose.project=${accessoriesProject(app)}`,
        hint: `see \`docker logs\` of the ${accessoriesProject(app)} containers on the host`,
      });
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}
