/**
 * The host's system directories (FHS top level): what neither a deploy_dir may be nor a container may mount. Each
 * check adds its own: a deploy_dir must not be a shared parent such as `/opt` or `/var`; a mount must not reach the
 * docker daemon's files or the logs.
 */
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
