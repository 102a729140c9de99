/**
 * The app's dedicated system user (runtime systemd): created on first deploy with no home, no login shell and no
 * group but its own, so code running in the app holds no privilege of the SSH user (sudo, the docker group).
 */

import { ensureUserArgv, userExistsArgv } from "../commands/users.js";
import type { RemoteHost } from "../remote/types.js";

/** Creates the system user `name` when missing (check mode: only says it would). Returns the action taken, or null. */
export async function ensureSystemUser(host: RemoteHost, name: string, check = false): Promise<string | null> {
  const exists = await host.exec(userExistsArgv(name), { check: false, step: "app user" });
  if (exists.code === 0) return null;
  if (!check) await host.exec(ensureUserArgv(name), { become: true, step: "app user" });
  return `create system user ${name} (no home, no shell, no extra group)`;
}
