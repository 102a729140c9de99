/**
 * The deploy lock: the same `mkdir <deploy_dir>/.slipway-lock` + holder file as the `lock` module, so a playbook run
 * and a deploy exclude each other.
 */
import { SlipwayError } from "../errors.js";
import { parseHolder } from "../modules/lock.js";
import type { RemoteHost } from "../remote/types.js";

export async function acquireLock(host: RemoteHost, path: string, holder: string, commit: string): Promise<void> {
  const made = await host.exec(["mkdir", "--", path], { check: false, step: "lock" });
  if (made.code !== 0) {
    const held = parseHolder((await host.readFile(`${path}/holder`))?.toString("utf8"));
    const who = held ? `${held.holder}${held.commit ? ` (commit ${held.commit})` : ""} since ${held.since}` : "someone";
    throw new SlipwayError(`deploy lock ${path} is held by ${who}`, {
      host: host.name,
      step: "lock",
      hint: `wait for that deploy to finish; a stale lock can be removed with: ssh ${host.name} rm -rf ${path}`,
    });
  }
  const record = { holder, commit, since: new Date().toISOString() };
  await host.putFile(`${path}/holder`, `${JSON.stringify(record)}\n`, { mode: 0o644, step: "lock" });
}

export async function releaseLock(host: RemoteHost, path: string): Promise<void> {
  await host.exec(["rm", "-rf", "--", path], { check: false, step: "unlock" });
}
