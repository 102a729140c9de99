/**
 * A swarm accessory with volumes keeps its data on the node it runs on: a named volume (or a bind mount) is local
 * to a node and does not follow a task that the engine places elsewhere. A changed placement would start the
 * database on another node's empty volume, so a deploy (and its plan) refuses it unless the running service already
 * has the new placement (the user moved the data and the service by hand, as the hint says).
 */
import { parse } from "yaml";
import { serviceConstraintsArgv, serviceConstraintsUpdateArgv } from "../../commands/swarm.js";
import { SlipwayError } from "../../errors.js";
import { shJoin } from "../../remote/quote.js";
import type { RemoteHost } from "../../remote/types.js";
import { STAGE_STEP } from "../runtime.js";

/** An accessory whose placement constraints would change while it holds volumes. */
export interface PlacementMove {
  service: string;
  volumes: string[];
  from: string[];
  to: string[];
}

type StackServices = Record<string, { volumes?: unknown[]; deploy?: { placement?: { constraints?: string[] } } }>;
type StackVolumes = Record<string, { name?: string } | null>;

function stackFile(text: string): { services: StackServices; volumes: StackVolumes } {
  const doc = parse(text) ?? {};
  return { services: doc.services ?? {}, volumes: doc.volumes ?? {} };
}

function constraints(service: StackServices[string] | undefined): string[] {
  return [...(service?.deploy?.placement?.constraints ?? [])].sort();
}

/** `pg:/var/lib/postgresql/data` -> the docker volume's name (`volumes.pg.name`), a bind mount's host path as is. */
function volumeNames(service: StackServices[string], declared: StackVolumes): string[] {
  return (service.volumes ?? []).map((v) => {
    const source = String(typeof v === "string" ? v.split(":")[0] : (v as { source?: string }).source);
    return declared[source]?.name ?? source;
  });
}

/**
 * The accessories of stack file `next` that hold volumes and whose constraints differ from the `live` stack file's
 * (sorted, exact strings). None when nothing is live yet or the service is new. Pure.
 */
export function placementMoves(live: string | undefined, next: string): PlacementMove[] {
  if (live === undefined) return [];
  const before = stackFile(live).services;
  const { services, volumes: declared } = stackFile(next);
  return Object.entries(services).flatMap(([service, section]) => {
    const volumes = volumeNames(section, declared);
    const was = before[service];
    if (volumes.length === 0 || was === undefined) return [];
    const [from, to] = [constraints(was), constraints(section)];
    return JSON.stringify(from) === JSON.stringify(to) ? [] : [{ service, volumes, from, to }];
  });
}

/** The steps that move an accessory's data by hand and then the service, for the refusal's hint. */
export function moveHint(stack: string, move: PlacementMove): string {
  const update = shJoin(serviceConstraintsUpdateArgv(`${stack}_${move.service}`, move.from, move.to));
  return (
    `keep services.${move.service}.swarm.placement as it is (${JSON.stringify(move.from)}), or move the data first: ` +
    `slipway backup create; copy volume(s) ${move.volumes.join(", ")} to the new node ` +
    `(e.g. docker run --rm -v <volume>:/v alpine tar -C /v -c . | ssh <new node> docker run --rm -i -v <volume>:/v alpine tar -C /v -x); ` +
    `then on the manager: ${update}; then deploy again`
  );
}

/**
 * Refuses the first move whose running service (through the manager) does not already have the new constraints.
 * Throws SlipwayError (step `stage`: the runtime stages the accessories) naming the service, its volumes, both placements and the way to move.
 */
export async function refusePlacementMoves(
  host: RemoteHost,
  stack: string,
  moves: readonly PlacementMove[],
): Promise<void> {
  for (const move of moves) {
    const out = await host.exec(serviceConstraintsArgv(`${stack}_${move.service}`), {
      become: true,
      check: false,
      step: STAGE_STEP,
    });
    const running = out.code === 0 ? ((JSON.parse(out.stdout.trim() || "null") as string[] | null) ?? []) : undefined;
    if (running !== undefined && JSON.stringify([...running].sort()) === JSON.stringify(move.to)) continue;
    throw new SlipwayError(
      `accessory ${move.service} keeps its data in volume(s) ${move.volumes.join(", ")} on the node it runs on; ` +
        `its new placement ${JSON.stringify(move.to)} (was ${JSON.stringify(move.from)}) would start it on another ` +
        "node's empty volume: refusing (nothing was changed)",
      { host: host.name, step: STAGE_STEP, hint: moveHint(stack, move) },
    );
  }
}
