/**
 * Runtime swarm's accessories (`services.*.accessory: true`, a database server): one stack `<app>-accessories`,
 * pinned by each service's placement, deployed through the manager when it is missing or its services' sections
 * changed (environment, volumes, placement, ...), never because of a release: a rebuilt image alone (a new digest
 * every deploy) leaves the running task alone, so the server and its data stay across deploys. A placement change
 * of an accessory with volumes is refused (accessory-placement.ts): its data would not follow it to another node.
 */
import { parse } from "yaml";
import { mkdirsArgv, parentDir } from "../../commands/files.js";
import { stackDeployArgv } from "../../commands/swarm.js";
import type { SlipwayConfig } from "../../config/index.js";
import { SlipwayError } from "../../errors.js";
import { unifiedDiff } from "../../install/validated.js";
import type { RemoteHost } from "../../remote/types.js";
import { accessoryNames, serviceImageRef } from "../../render/from-config/index.js";
import { accessoriesStackFromConfig, stackFilePath } from "../../render/from-config/swarm.js";
import { ACCESSORIES } from "../../render/model.js";
import { renderStack } from "../../render/swarm-stack.js";
import { STAGE_STEP, type StageResult } from "../runtime.js";
import { placementMoves, refusePlacementMoves } from "./accessory-placement.js";
import type { SecretNames } from "./secrets.js";
import { stackReplicas, waitForReplicas } from "./tasks.js";

/** `<app>-accessories`. */
export function accessoriesStack(app: string): string {
  return `${app}-${ACCESSORIES}`;
}

/** Each service's section of a stack file without its image: what a redeploy would change. */
function sections(text: string | undefined): Record<string, string> {
  if (text === undefined) return {};
  const services = (parse(text)?.services ?? {}) as Record<string, Record<string, unknown>>;
  return Object.fromEntries(
    Object.entries(services).map(([name, { image: _, ...rest }]) => [name, JSON.stringify(rest)]),
  );
}

/** The image the live stack file names for `name` (a rollback or a rebuild keeps it). */
function liveImage(text: string | undefined, name: string): string | undefined {
  const image = text === undefined ? undefined : parse(text)?.services?.[name]?.image;
  return typeof image === "string" ? image : undefined;
}

/**
 * Deploys the accessories' stack when it is missing or changed, and waits until each accessory runs (at most
 * `waitS` seconds). Check mode says what it would do. Throws SlipwayError naming an accessory without an image.
 */
export async function ensureSwarmAccessories(
  host: RemoteHost,
  config: SlipwayConfig,
  input: { images: Readonly<Record<string, string>>; secretNames: SecretNames; check: boolean },
  waitS = 180,
): Promise<StageResult> {
  const result: StageResult = { changed: false, diffs: [], actions: [] };
  const names = accessoryNames(config);
  if (names.length === 0) return result;
  const stack = accessoriesStack(config.app);
  const file = stackFilePath(config, ACCESSORIES);
  const live = (await host.readFile(file, { become: true }))?.toString("utf8");
  const images: Record<string, string> = {};
  for (const name of names) {
    const image = liveImage(live, name) ?? serviceImageRef(config, name, input.images);
    if (!image) {
      if (input.check) continue;
      throw new SlipwayError(`accessory ${name} has no image to run`, {
        host: host.name,
        step: STAGE_STEP,
        hint: "give it `image:` (pinned by digest) or a build section, or pass --image service=ref",
      });
    }
    images[name] = image;
  }
  if (Object.keys(images).length < names.length) {
    result.actions.push(`build and deploy the accessories' stack ${stack}`);
    result.changed = true;
    return result;
  }
  const model = accessoriesStackFromConfig(config, { images, secretNames: input.secretNames });
  if (!model) return result;
  let text = renderStack(model);
  const changed = JSON.stringify(sections(live)) !== JSON.stringify(sections(text));
  // A changed section redeploys with the images of this deploy; an unchanged one keeps what runs.
  if (changed && live !== undefined) {
    text = renderStack(
      accessoriesStackFromConfig(config, {
        images: fresh(config, names, input.images, images),
        secretNames: input.secretNames,
      }) ?? model,
    );
  }
  if (changed) await refusePlacementMoves(host, stack, placementMoves(live, text));
  const running = Object.keys(await stackReplicas(host, stack)).length >= names.length;
  if (!changed && running) return result;
  const verb = live === undefined || !running ? "start" : "redeploy (the stateful services restart, volumes kept)";
  result.actions.push(`${input.check ? "would " : ""}${verb} the accessories' stack ${stack}`);
  if (text !== live) result.diffs.push(unifiedDiff([{ path: file, before: live, after: text }]));
  result.changed = true;
  if (input.check) return result;
  await host.exec(mkdirsArgv([parentDir(file)]), { become: true, step: STAGE_STEP });
  await host.putFile(file, text, { mode: 0o644, become: true, step: STAGE_STEP });
  await host.exec(stackDeployArgv(stack, file), { become: true, step: STAGE_STEP, timeoutMs: 180_000 });
  await waitForReplicas(
    host,
    stack,
    names.map((n) => `${stack}_${n}`),
    waitS,
  );
  return result;
}

/** This deploy's image of each accessory, where it has one (else the live one). */
function fresh(
  config: SlipwayConfig,
  names: readonly string[],
  deployed: Readonly<Record<string, string>>,
  live: Readonly<Record<string, string>>,
): Record<string, string> {
  return Object.fromEntries(names.map((n) => [n, serviceImageRef(config, n, deployed) ?? (live[n] as string)]));
}
