/**
 * A host of slipway.yml's inventory as the SSH layer's TargetSpec: paths relative to slipway.yml, `host_keys` split
 * into known_hosts lines and SHA256 fingerprints, the jump host resolved the same way. Every command that connects
 * from a config (run, plan, deploy, backup) goes through this one mapping.
 */
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import type { TargetSpec } from "../remote/target.js";
import type { ResolvedHost } from "./inventory.js";

export async function sshTargetFor(
  host: ResolvedHost,
  all: readonly ResolvedHost[],
  baseDir: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<TargetSpec> {
  const jumpHost = host.jump ? all.find((h) => h.name === host.jump) : undefined;
  const knownHostsText = host.knownHostsFile ? await readFile(resolve(baseDir, host.knownHostsFile), "utf8") : "";
  return {
    name: host.name,
    host: host.address,
    port: host.port,
    user: host.user,
    privateKeyPath: host.identityFile ? resolve(baseDir, host.identityFile) : undefined,
    privateKey: host.privateKeySecret ? env[host.privateKeySecret] : undefined,
    knownHosts: [knownHostsText, ...host.hostKeys.filter((k) => !k.startsWith("SHA256:"))].join("\n"),
    fingerprints: host.hostKeys.filter((k) => k.startsWith("SHA256:")),
    trustOnFirstUse: host.trustOnFirstUse,
    becomeUser: host.becomeUser,
    jump: jumpHost ? await sshTargetFor(jumpHost, all, baseDir, env) : undefined,
  };
}
