/** Connects to a sandbox target for the render e2e tests (inventory written by `npm run sandbox -- up`). */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { connect } from "../../../src/remote/index.js";
import type { RemoteHost } from "../../../src/remote/types.js";
import { loadSandbox, targetSpec } from "../support/sandbox.js";

/**
 * t3: the render tests reload its nginx. A fixed name, not "the last target": t4 and above belong to suites that need
 * a target of their own (the swarm on t4..t6, a never-bootstrapped host on t7; see scripts/test.sh).
 */
export async function connectRenderTarget(): Promise<{ host: RemoteHost; address: string }> {
  const inventory = loadSandbox();
  const spec = targetSpec("t3", {}, inventory);
  return { host: await connect(spec), address: spec.host };
}

export function token(): string {
  return `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
}

/**
 * Starts test/e2e/render/cors_app.py on the target as a transient unit (`--collect`: unloaded when it stops, so a
 * stopped test app never leaves a failed unit behind) and waits up to 10 s until it answers on `port`.
 */
export async function startCorsApp(host: RemoteHost, unit: string, port: number): Promise<void> {
  const sudo = { become: true };
  await host.putFile(`/opt/${unit}.py`, readFileSync(join(import.meta.dirname, "cors_app.py")), {
    ...sudo,
    mode: 0o644,
  });
  const argv = ["systemd-run", `--unit=${unit}`, "--collect", "--property=DynamicUser=yes", "python3"];
  await host.exec([...argv, `/opt/${unit}.py`, String(port)], sudo);
  for (let i = 0; i < 50; i++) {
    const probe = await host.exec(["curl", "-s", "-o", "/dev/null", `http://127.0.0.1:${port}/`], { check: false });
    if (probe.code === 0) return;
    await new Promise((r) => setTimeout(r, 200));
  }
}
