/**
 * A host of slipway.yml's inventory as the SSH layer's TargetSpec: paths relative to slipway.yml, `host_keys` split
 * into known_hosts lines and SHA256 fingerprints, the jump host resolved the same way. Every command that connects
 * from a config (run, plan, deploy, backup) goes through this one mapping.
 */
import { readFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { PASSPHRASE_ENV } from "../remote/ssh-key.js";
import type { TargetSpec } from "../remote/target.js";
import type { ResolvedHost } from "./inventory.js";

/** OpenSSH's system-wide known_hosts (GlobalKnownHostsFile), read like the user's own when no file is named. */
export const GLOBAL_KNOWN_HOSTS = "/etc/ssh/ssh_known_hosts";

/**
 * The known_hosts text a host is checked against, as `ssh` does: `known_hosts_file` when set (a missing one is an error
 * unless trust_on_first_use will create it), else ~/.ssh/known_hosts, ~/.ssh/known_hosts2 and /etc/ssh/ssh_known_hosts,
 * each optional. `recordTo` is where trust on first use appends a learned key; `searched` names the files for errors.
 */
async function readKnownHosts(
  host: ResolvedHost,
  baseDir: string,
  env: NodeJS.ProcessEnv,
): Promise<{ text: string; recordTo: string; searched: string[] }> {
  const sshDir = join(env.HOME ?? homedir(), ".ssh");
  const named = host.knownHostsFile ? resolve(baseDir, host.knownHostsFile) : undefined;
  const searched = named ? [named] : [join(sshDir, "known_hosts"), join(sshDir, "known_hosts2"), GLOBAL_KNOWN_HOSTS];
  const texts = await Promise.all(
    searched.map((file) =>
      readFile(file, "utf8").catch((error: NodeJS.ErrnoException) => {
        if (error.code === "ENOENT" && (!named || host.trustOnFirstUse)) return "";
        throw error;
      }),
    ),
  );
  return { text: texts.filter((t) => t !== "").join("\n"), recordTo: searched[0] as string, searched };
}

export async function sshTargetFor(
  host: ResolvedHost,
  all: readonly ResolvedHost[],
  baseDir: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<TargetSpec> {
  const jumpHost = host.jump ? all.find((h) => h.name === host.jump) : undefined;
  const known = await readKnownHosts(host, baseDir, env);
  return {
    name: host.name,
    host: host.address,
    port: host.port,
    user: host.user,
    privateKeyPath: host.identityFile ? resolve(baseDir, host.identityFile) : undefined,
    privateKey: host.privateKeySecret ? env[host.privateKeySecret] : undefined,
    passphrase: env[PASSPHRASE_ENV] || undefined,
    agentSocket: env.SSH_AUTH_SOCK || undefined,
    knownHosts: [known.text, ...host.hostKeys.filter((k) => !k.startsWith("SHA256:"))].join("\n"),
    fingerprints: host.hostKeys.filter((k) => k.startsWith("SHA256:")),
    trustOnFirstUse: host.trustOnFirstUse,
    knownHostsFile: known.recordTo,
    knownHostsSearched: known.searched,
    becomeUser: host.becomeUser,
    privilege: host.privilege,
    jump: jumpHost ? await sshTargetFor(jumpHost, all, baseDir, env) : undefined,
  };
}
