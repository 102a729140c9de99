/**
 * Who owns a service's config files (`services.*.files`) on the host, so its container can read them (D65): they are
 * installed 0600 and bind-mounted read-only, and Slipway drops every capability (`cap_drop: ALL`, so not even root
 * in the container passes DAC_OVERRIDE), so only the file's owner reads it. The owner is the uid:gid the container
 * runs as: `container.user` when set, else the image's `USER`, else root (0:0). A name is looked up in the image's
 * own /etc/passwd and /etc/group, as docker does; a numeric uid without a group gets the passwd entry's group, else 0
 * (docker's default).
 */
import { imageAccountsArgv, imageUserArgv } from "../../commands/docker-image.js";
import type { SlipwayConfig } from "../../config/index.js";
import { helperMode } from "../../config/inventory.js";
import { SlipwayError } from "../../errors.js";
import type { RemoteHost } from "../../remote/types.js";

/** Numeric owner of the files: `{ uid, gid }`. */
export interface FileOwner {
  uid: number;
  gid: number;
}

/** An image's accounts: passwd lines (`name:x:uid:gid:...`, 7 fields) and group lines (`name:x:gid:members`, 4). */
export interface ImageAccounts {
  passwd: string;
  group: string;
}

/** Splits `cat /etc/passwd /etc/group` output into the two files by their field counts. */
export function splitAccounts(output: string): ImageAccounts {
  const lines = output.split("\n").filter((l) => l.trim() !== "" && !l.startsWith("#"));
  return {
    passwd: lines.filter((l) => l.split(":").length === 7).join("\n"),
    group: lines.filter((l) => l.split(":").length === 4).join("\n"),
  };
}

const NUMERIC = /^\d+$/;

/** Whether resolving `user` (`user[:group]`) reads the image's account files: all but `uid:gid` (a bare uid takes its
 * passwd entry's group). */
export function needsAccounts(user: string): boolean {
  return user !== "" && !/^\d+:\d+$/.test(user);
}

/**
 * The uid:gid a container started with `--user user` (or `USER user`) runs as. `user` is `""` (root: 0:0),
 * `name|uid` or `name|uid:group|gid`. Throws a plain Error naming what is missing when a name is not in the image's
 * files (`accounts` undefined: none could be read), as docker refuses to start such a container.
 */
export function resolveFileOwner(user: string, accounts: ImageAccounts | undefined): FileOwner {
  if (user === "") return { uid: 0, gid: 0 };
  const [name = "", group] = user.split(":");
  const passwd = rows(accounts?.passwd ?? "");
  const entry = NUMERIC.test(name) ? passwd.find((r) => r[2] === name) : passwd.find((r) => r[0] === name);
  if (!NUMERIC.test(name) && !entry) {
    throw new Error(`user "${name}" is not in the image's /etc/passwd${accounts ? "" : " (it could not be read)"}`);
  }
  const uid = Number(NUMERIC.test(name) ? name : entry?.[2]);
  if (group === undefined) return { uid, gid: Number(entry?.[3] ?? 0) };
  if (NUMERIC.test(group)) return { uid, gid: Number(group) };
  const found = rows(accounts?.group ?? "").find((r) => r[0] === group);
  if (!found) {
    throw new Error(`group "${group}" is not in the image's /etc/group${accounts ? "" : " (it could not be read)"}`);
  }
  return { uid, gid: Number(found[2]) };
}

function rows(text: string): string[][] {
  return text
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => l.split(":"));
}

/**
 * The owner of `service`'s config files on `host`, for `image` (on the host: call after the pull). undefined when
 * the service has no files, or in helper mode: there the docker gate mounts a root-owned 0644 copy of each file
 * (playbooks/files/slipway-docker copy_in), which every uid reads, and the helper runs no `chown`. Throws a
 * SlipwayError (step "config files") when a user or group name is not in the image.
 */
export async function configFilesOwner(
  host: RemoteHost,
  config: SlipwayConfig,
  service: string,
  image: string,
): Promise<FileOwner | undefined> {
  const spec = config.services[service];
  if ((spec?.files ?? []).length === 0 || helperMode(config, host.name)) return undefined;
  const step = "config files";
  const configured = spec?.container?.user;
  const user = configured ?? (await host.exec(imageUserArgv(image), { become: true, step })).stdout.trim();
  let accounts: ImageAccounts | undefined;
  if (needsAccounts(user)) {
    const read = await host.exec(imageAccountsArgv(image), { become: true, step, check: false });
    if (read.code === 0) accounts = splitAccounts(read.stdout);
  }
  try {
    return resolveFileOwner(user, accounts);
  } catch (error) {
    const where = configured ? `services.${service}.container.user` : `the image's USER (${image})`;
    throw new SlipwayError(`cannot give services.${service}.files to ${where}: ${(error as Error).message}`, {
      host: host.name,
      step,
      command: imageAccountsArgv(image).join(" "),
      hint: `set services.${service}.container.user to numbers (uid:gid, e.g. "1000:1000") so no lookup in the image is needed`,
    });
  }
}
