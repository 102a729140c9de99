/**
 * The host-path policy of `services.*.volumes` (what `services.*.allow_host_paths` lifts), run by validate and by
 * every load of the config before a deploy. Bind mounts that hand a container the host: `/`, system directories (or
 * a directory holding one, like `/var`), and the docker socket (root on the host for whoever can write to it).
 * Refused unless the service lists the host path in `allow_host_paths`, so a dangerous mount is always a visible,
 * deliberate choice. A path with `..` is always refused.
 */
import { posix } from "node:path";
import { SYSTEM_DIRS } from "./schema/system-dirs.js";

/** Host paths a container never gets by default: system directories and the docker daemon's files. */
export const PROTECTED_HOST_PATHS = [...SYSTEM_DIRS, "/var/lib/docker", "/var/run", "/var/log"];

const DOCKER_SOCKETS = ["/var/run/docker.sock", "/run/docker.sock"];

/** Why mounting host path `source` is refused, or null when it is fine (named volumes are always fine). */
export function hostMountProblem(source: string): string | null {
  if (!source.startsWith("/")) return null;
  const path = posix.normalize(source).replace(/(.)\/$/, "$1");
  if (path === "/") return "mounts the host's whole filesystem";
  if (DOCKER_SOCKETS.includes(path)) return "is the docker socket: whoever can write to it is root on the host";
  const inside = PROTECTED_HOST_PATHS.find((dir) => path === dir || path.startsWith(`${dir}/`));
  if (inside) return `is a system directory (${inside})`;
  const holds = PROTECTED_HOST_PATHS.find((dir) => dir.startsWith(`${path}/`));
  if (holds) return `holds the system directory ${holds}`;
  return null;
}

/** Issues for each refused bind mount of each service, at `services.<name>.volumes[i]`. */
export function checkVolumes(
  services: Record<string, { volumes: string[]; allow_host_paths?: string[] }>,
  issue: (path: (string | number)[], message: string, input?: unknown) => void,
): void {
  for (const [name, service] of Object.entries(services)) {
    const allowed = new Set(service.allow_host_paths ?? []);
    service.volumes.forEach((volume, i) => {
      const source = volume.split(":")[0] ?? "";
      if (source.startsWith("/") && source.split("/").includes("..")) {
        // Never allowed: what it names depends on the host's layout; the real path can be reviewed (and allowed).
        issue(["services", name, "volumes", i], `bind mount ${source} has a \`..\` segment: write the path it means`);
        return;
      }
      const problem = allowed.has(source) ? null : hostMountProblem(source);
      if (problem) {
        issue(
          ["services", name, "volumes", i],
          `bind mount ${source} ${problem}; if the container really needs it, list "${source}" in \`services.${name}.allow_host_paths\``,
        );
      }
    });
  }
}
