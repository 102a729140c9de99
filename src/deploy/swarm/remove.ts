/**
 * `slipway remove` under runtime swarm, on the manager: both colors' stacks go; the accessories' stack and the app's
 * swarm secrets only with `--purge` (the database server keeps running otherwise, and can be removed later).
 */
import { stackRemoveArgv, swarmObjectListArgv, swarmObjectRemoveArgv } from "../../commands/swarm.js";
import type { SlipwayConfig } from "../../config/index.js";
import { swarmManager } from "../../config/swarm.js";
import type { RemoteHost } from "../../remote/types.js";
import { ACCESSORIES } from "../../render/model.js";
import { stackReplicas, waitForStackGone } from "./tasks.js";

type Act = (line: string, run: () => Promise<unknown>) => Promise<void>;

const asRoot = { become: true, step: "remove" };

/** Removes the app's stacks (and with `purge` its accessories and secrets) when `host` is the manager. */
export async function removeSwarmStacks(host: RemoteHost, config: SlipwayConfig, purge: boolean, act: Act) {
  if (host.name !== swarmManager(config)) return;
  const groups = purge ? ["blue", "green", ACCESSORIES] : ["blue", "green"];
  for (const group of groups) {
    const stack = `${config.app}-${group}`;
    if (Object.keys(await stackReplicas(host, stack)).length === 0) continue;
    await act(`remove stack ${stack}`, async () => {
      await host.exec(stackRemoveArgv(stack), asRoot);
      // Its tasks' containers must be gone before their volumes can be removed (purge).
      await waitForStackGone(host, stack, 90);
    });
  }
  if (!purge) return;
  const list = await host.exec(swarmObjectListArgv("secret", `slipway.app=${config.app}`), { ...asRoot, check: false });
  const secrets = list.stdout.split("\n").filter(Boolean);
  if (secrets.length > 0) {
    await act(`remove the swarm secrets ${secrets.join(", ")}`, () =>
      host.exec(swarmObjectRemoveArgv("secret", secrets), asRoot),
    );
  }
}
