/**
 * The deploy lock: the same `mkdir <deploy_dir>/.slipway-lock` + holder file as the `lock` module, so a playbook run
 * and a deploy exclude each other. A held lock is never removed silently: only with `force` (`--force-unlock`), and
 * then the holder it replaced is reported.
 */
import { SlipwayError } from "../errors.js";
import { type LockHolder, parseHolder } from "../modules/lock.js";
import type { RemoteHost } from "../remote/types.js";

/** "alice (commit abc123) since 2026-01-01T00:00:00Z": who holds a lock, for messages. */
export function describeHolder(held: LockHolder | undefined): string {
  if (!held) return "an unknown holder";
  const commit = held.commit ? ` (commit ${held.commit})` : " (commit unknown)";
  const since = held.since ? ` since ${held.since}` : " since an unknown time";
  return `${held.holder}${commit}${since}`;
}

export function lockHeldError(hostName: string, path: string, held: LockHolder | undefined): SlipwayError {
  return new SlipwayError(`deploy lock ${path} is held by ${describeHolder(held)}`, {
    host: hostName,
    step: "lock",
    hint: "wait for that deploy to finish; if it is stale (the deploy died), deploy again with --force-unlock",
  });
}

export interface AcquireOptions {
  /** Remove a lock someone else holds (reported through `say`) instead of failing. */
  force?: boolean;
  say?: (line: string) => void;
}

export async function acquireLock(
  host: RemoteHost,
  path: string,
  holder: string,
  commit: string,
  options: AcquireOptions = {},
): Promise<void> {
  const mkdir = () => host.exec(["mkdir", "--", path], { check: false, step: "lock" });
  let made = await mkdir();
  if (made.code !== 0) {
    const held = parseHolder((await host.readFile(`${path}/holder`))?.toString("utf8"));
    if (!options.force) throw lockHeldError(host.name, path, held);
    options.say?.(`--force-unlock: removing the lock ${path} held by ${describeHolder(held)}`);
    await host.exec(["rm", "-rf", "--", path], { step: "force unlock" });
    made = await mkdir();
    if (made.code !== 0) {
      // Someone took it between the removal and our mkdir: that one is not stale.
      const again = parseHolder((await host.readFile(`${path}/holder`))?.toString("utf8"));
      throw lockHeldError(host.name, path, again);
    }
  }
  const record = { holder, commit, since: new Date().toISOString() };
  await host.putFile(`${path}/holder`, `${JSON.stringify(record)}\n`, { mode: 0o644, step: "lock" });
}

export async function releaseLock(host: RemoteHost, path: string): Promise<void> {
  await host.exec(["rm", "-rf", "--", path], { check: false, step: "unlock" });
}
