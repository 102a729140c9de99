/** The real `slipway` program run in-process (as bin/slipway does), its output captured; and init's sandbox edits. */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseDocument } from "yaml";
import { loadSandbox, sandboxTarget } from "../support/sandbox.js";

export { type Ran, slipway } from "../../support/cli-in-process.js";

/**
 * What a user does after `slipway init --host NAME=ADDRESS` for the sandbox: the SSH user, key and known_hosts of
 * the sandbox, and ports of the test's own (so it cannot collide with another test's app). Comments are kept.
 */
export function pointAtSandbox(dir: string, target: string, ports: Record<string, number>): string {
  const file = join(dir, "slipway.yml");
  const sandbox = loadSandbox();
  const doc = parseDocument(readFileSync(file, "utf8"));
  doc.setIn(["inventory", "ssh"], {
    user: sandboxTarget(target, sandbox).user,
    known_hosts_file: sandbox.knownHostsPath,
    identity_file: sandbox.privateKeyPath,
  });
  for (const [service, port] of Object.entries(ports)) {
    doc.setIn(["services", service, "port"], port);
  }
  writeFileSync(file, doc.toString());
  return file;
}
