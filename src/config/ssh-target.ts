/**
 * A host of slipway.yml's inventory as the SSH layer's TargetSpec: paths relative to slipway.yml, `host_keys` split
 * into known_hosts lines and SHA256 fingerprints, the jump host resolved the same way. Every command that connects
 * from a config (run, plan, deploy, backup) goes through this one mapping.
 */
import { readFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import type { TargetSpec } from "../remote/target.js";
import type { ResolvedHost } from "./inventory.js";

export async function sshTargetFor(
  host: ResolvedHost,
  all: readonly ResolvedHost[],
  baseDir: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<TargetSpec> {
  const jumpHost = host.jump ? all.find((h) => h.name === host.jump) : undefined;
  // Trust on first use records what it learns: in known_hosts_file, else OpenSSH's own file, read back on the next run.
  const knownHostsFile = host.knownHostsFile
    ? resolve(baseDir, host.knownHostsFile)
    : host.trustOnFirstUse
      ? join(env.HOME ?? homedir(), ".ssh", "known_hosts")
      : undefined;
  const knownHostsText = knownHostsFile
    ? await readFile(knownHostsFile, "utf8").catch((error: NodeJS.ErrnoException) => {
        if (error.code === "ENOENT" && host.trustOnFirstUse) return "";
        throw error;
      })
    : "";
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
    knownHostsFile,
    becomeUser: host.becomeUser,
    privilege: host.privilege,
    jump: jumpHost ? await sshTargetFor(jumpHost, all, baseDir, env) : undefined,
  };
}
