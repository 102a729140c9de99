import { registryLoginArgv, registryLogoutArgv } from "../commands/docker-image.js";
import type { RemoteHost } from "../remote/types.js";

/** A host's own credentials for a registry (each host logs in itself: a runner login does not cross the SSH hop). */
export interface HostRegistryLogin {
  registry: string;
  username: string;
  password: string;
}

/** `docker login --password-stdin` on the host: the password travels in the SSH channel's stdin, never in argv. */
export async function loginHost(host: RemoteHost, login: HostRegistryLogin): Promise<void> {
  await host.exec(registryLoginArgv(login.registry, login.username), {
    stdin: `${login.password}\n`,
    step: "registry login",
    timeoutMs: 60_000,
  });
}

export async function logoutHost(host: RemoteHost, registry: string): Promise<void> {
  await host.exec(registryLogoutArgv(registry), { step: "registry logout", check: false, timeoutMs: 30_000 });
}

/** Runs `work` logged in to the registry (when a login is given) and logs out on every exit path. */
export async function withHostLogin<T>(
  host: RemoteHost,
  login: HostRegistryLogin | undefined,
  work: () => Promise<T>,
): Promise<T> {
  if (!login) return work();
  await loginHost(host, login);
  try {
    return await work();
  } finally {
    await logoutHost(host, login.registry);
  }
}
