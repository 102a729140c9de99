/**
 * The container runtime's look at its own containers: one `docker inspect` (commands/docker.ts specStateArgv) for
 * every name asked, both colors' at once, instead of one docker call per container (each call is a Go binary's start
 * on the host, 0.2-0.9 s on a loaded 2-core machine).
 */
import { specStateArgv } from "../../commands/docker.js";
import type { ExecResult, RemoteHost } from "../../remote/types.js";

/** A container's `slipway.spec` label (empty when it has none) and whether it runs; null: no such container. */
export type ContainerLook = { spec: string; running: boolean } | null;

/** `docker inspect`'s line for a name it could not find: `docker inspect` and `docker container inspect` forms. */
const MISSING = /No such (?:object|container): (\S+)\s*$/;

/**
 * specStateArgv's output for `names`, in their order. docker prints a line per container it found, in the order asked,
 * and names each missing one on stderr (exiting 1): the lines then go to the names it did not name. undefined when
 * the output cannot be matched to the names that way (another docker's wording, a partial failure): ask per name.
 * A failed call that printed nothing is every container absent (as one inspect per name read it).
 */
export function parseSpecStates(
  names: readonly string[],
  result: Pick<ExecResult, "code" | "stdout" | "stderr">,
): ContainerLook[] | undefined {
  const lines = result.stdout === "" ? [] : result.stdout.replace(/\n$/, "").split("\n");
  if (result.code !== 0 && lines.length === 0) return names.map(() => null);
  const missing = new Set<string>();
  if (result.code !== 0) {
    for (const line of result.stderr.split("\n")) {
      const name = MISSING.exec(line.trim())?.[1];
      if (name !== undefined && names.includes(name)) missing.add(name);
    }
  }
  if (lines.length + missing.size !== names.length) return undefined;
  let next = 0;
  return names.map((name) => (missing.has(name) ? null : lookOf(lines[next++] ?? "")));
}

/** One line of specStateArgv's format: `<spec> <running>` (` true` for a container without the label). */
function lookOf(line: string): ContainerLook {
  const at = line.lastIndexOf(" ");
  return { spec: line.slice(0, Math.max(at, 0)).trim(), running: line.slice(at + 1).trim() === "true" };
}

/**
 * Each of `names` as docker sees it (null: absent), in one round trip; one per name only when docker's answer cannot
 * be matched to the names. A container that cannot be inspected counts as absent.
 */
export async function inspectContainers(host: RemoteHost, names: readonly string[]): Promise<ContainerLook[]> {
  if (names.length === 0) return [];
  const ask = (list: readonly string[]) =>
    host.exec(specStateArgv(list), { become: true, check: false, step: "inspect" });
  const all = parseSpecStates(names, await ask(names));
  if (all) return all;
  return Promise.all(names.map(async (name) => parseSpecStates([name], await ask([name]))?.[0] ?? null));
}
