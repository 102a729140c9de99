/**
 * A color's containers of an earlier deploy give way to the new ones: removed by the stage, beside its other commands
 * (nothing needs them after: a rollback runs its release's image from the history's record, and an undo starts the
 * live color, never the idle one), so the start is a bare `docker run` with no removal of its own on the way to
 * serving. A name still taken at the start (the stage's look was older than the container) is replaced then.
 */
import { removeContainersArgv, replaceContainerArgv } from "../../commands/docker.js";
import { RemoteCommandError } from "../../errors.js";
import type { RemoteHost } from "../../remote/types.js";
import type { ContainerLook } from "./inspect.js";

/** docker's refusal of a `docker run --name` whose name another container holds. */
const NAME_TAKEN = /is already in use by container/;

/**
 * Removes those of `names` that `looks` (their inspection, in the same order) found, in one round trip (none: no
 * command). A failed removal is left to the start, which replaces a container whose name is still taken.
 */
export async function removeOld(
  host: RemoteHost,
  names: readonly string[],
  looks: readonly ContainerLook[],
): Promise<void> {
  const old = names.filter((_, i) => looks[i]);
  if (old.length === 0) return;
  await host.exec(removeContainersArgv(old), { become: true, check: false, step: "stage" });
}

/**
 * `docker run` of one container (`argv`, named `name`); when docker refuses it because the name is taken, the container
 * holding it is removed and the run tried again in one round trip (REPLACE_CONTAINER). Throws what the run threw.
 */
export async function runReplacing(host: RemoteHost, name: string, argv: readonly string[]): Promise<void> {
  const options = { become: true, step: "start", timeoutMs: 120_000 };
  try {
    await host.exec([...argv], options);
  } catch (error) {
    if (!(error instanceof RemoteCommandError) || !NAME_TAKEN.test(error.stderrTail ?? "")) throw error;
    await host.exec(replaceContainerArgv(name, argv), options);
  }
}
