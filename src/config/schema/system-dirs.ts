/**
 * The host's system directories (FHS top level), the one list: what a deploy_dir may not be, a file database may not
 * live in, a container may not mount. Each check adds its own: a deploy_dir must not be a shared parent such as `/opt`
 * or `/var`; a mount must not reach the docker daemon's files or the logs.
 */
import { posix } from "node:path";

export const SYSTEM_DIRS: readonly string[] = [
  "/bin",
  "/boot",
  "/dev",
  "/etc",
  "/home",
  "/lib",
  "/lib32",
  "/lib64",
  "/proc",
  "/root",
  "/run",
  "/sbin",
  "/sys",
  "/usr",
];

/** The system directory `path` is in (or is), or undefined; `path` is absolute, normalized here (`/etc/../x` = `/x`). */
export function systemDirOf(path: string): string | undefined {
  const normal = posix.normalize(path).replace(/(.)\/+$/, "$1");
  return SYSTEM_DIRS.find((dir) => normal === dir || normal.startsWith(`${dir}/`));
}
