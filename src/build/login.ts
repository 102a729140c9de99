import { registryLoginArgv, registryLogoutArgv } from "../commands/docker-image.js";
import { runLocal } from "./local.js";
import type { RegistryCredentials } from "./registry.js";

/**
 * Credentials for the runner's push: explicit ones win; for ghcr.io inside Actions the workflow's GITHUB_TOKEN (with
 * `packages: write`) is used as the actor's password.
 */
export function runnerCredentials(
  registry: string,
  explicit: Partial<RegistryCredentials> | undefined,
  env: NodeJS.ProcessEnv,
): RegistryCredentials | null {
  if (explicit?.username && explicit.password) return { username: explicit.username, password: explicit.password };
  if (registry === "ghcr.io" && env.GITHUB_TOKEN) {
    return { username: explicit?.username ?? env.GITHUB_ACTOR ?? "github-actions", password: env.GITHUB_TOKEN };
  }
  return null;
}

/** `docker login --password-stdin` on the runner: the password goes through stdin, never argv or logs. */
export async function loginRunner(registry: string, credentials: RegistryCredentials): Promise<void> {
  await runLocal(registryLoginArgv(registry, credentials.username), {
    input: `${credentials.password}\n`,
    step: "registry login (runner)",
    secrets: [credentials.password],
    hint: `check the user name and password for ${registry}`,
  });
}

export async function logoutRunner(registry: string): Promise<void> {
  await runLocal(registryLogoutArgv(registry), { step: "registry logout (runner)", check: false });
}
