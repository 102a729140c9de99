/**
 * Where the `ssh-private-key` input goes so the config's hosts use it: hosts naming `private_key_secret` read it
 * from that environment variable (kept in memory), hosts naming `identity_file` read that file (written 0600 when
 * it does not exist yet). A host with neither would not use the key: that is reported, not guessed.
 */
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import type { ResolvedHost } from "../config/inventory.js";

export interface KeyPlacement {
  envNames: string[];
  files: string[];
  hostsWithoutKey: string[];
}

export function keyPlacement(hosts: readonly ResolvedHost[], baseDir: string): KeyPlacement {
  const envNames = new Set<string>();
  const files = new Set<string>();
  const hostsWithoutKey: string[] = [];
  for (const host of hosts) {
    if (host.privateKeySecret) envNames.add(host.privateKeySecret);
    else if (host.identityFile) files.add(resolve(baseDir, host.identityFile));
    else hostsWithoutKey.push(host.name);
  }
  return { envNames: [...envNames], files: [...files], hostsWithoutKey };
}

/** Applies a placement; returns the files it wrote (existing files are the user's: never overwritten). */
export async function placeKey(
  key: string,
  placement: KeyPlacement,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string[]> {
  for (const name of placement.envNames) if (!env[name]) env[name] = key;
  const written: string[] = [];
  for (const file of placement.files) {
    if (existsSync(file)) continue;
    await mkdir(dirname(file), { recursive: true, mode: 0o700 });
    await writeFile(file, key, { mode: 0o600, flag: "wx" });
    written.push(file);
  }
  return written;
}
