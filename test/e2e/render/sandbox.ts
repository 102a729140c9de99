/** Connects to a sandbox target for the render e2e tests (inventory written by `npm run sandbox -- up`). */
import { connect } from "../../../src/remote/index.js";
import type { RemoteHost } from "../../../src/remote/types.js";
import { loadSandbox, targetSpec } from "../support/sandbox.js";

/** The last target: the render tests reload its nginx, the lower-numbered ones are busier with other suites. */
export async function connectRenderTarget(): Promise<{ host: RemoteHost; address: string }> {
  const inventory = loadSandbox();
  const last = inventory.targets[inventory.targets.length - 1];
  if (!last) throw new Error("the sandbox inventory has no targets");
  const spec = targetSpec(last.name, {}, inventory);
  return { host: await connect(spec), address: spec.host };
}

export function token(): string {
  return `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
}
