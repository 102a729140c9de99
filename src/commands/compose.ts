/**
 * Pure argv builders of docker compose: the binary choice (v2 plugin or v1 standalone), one project per color
 * (`<app>-<color>`, render's composeProjectName), and the verbs the deploy, the compose module and the backup use.
 */
import type { Command } from "./command.js";

/** The compose a host has, as its facts report it: the plugin (v2) or the standalone python one (v1). */
type Flavour = "v2" | "v1";

/**
 * The one choice of compose binary (the deploy, the compose module, the render check): `docker-compose` for v1,
 * `docker compose` for v2 and when the facts found none (its "not a docker command" error is the clearer one).
 */
export function composeBinary(flavour: Flavour | null): string[] {
  return flavour === "v1" ? ["docker-compose"] : ["docker", "compose"];
}

/** `<compose> -p <project> -f <file>`; the project of a color is render's composeProjectName (`<app>-<color>`). */
export function composeBase(flavour: Flavour, project: string, file: string): string[] {
  return [...composeBinary(flavour), "-p", project, "-f", file];
}

/** `<compose> --project-name <name> [--file F]...`: the compose module's form (files optional, compose finds them). */
export function composeProjectBase(flavour: Flavour | null, project: string, files: readonly string[]): string[] {
  return [...composeBinary(flavour), "--project-name", project, ...files.flatMap((f) => ["--file", f])];
}

export function composeUpArgv(base: readonly string[]): string[] {
  return [...base, "up", "--detach", "--remove-orphans"];
}

/** `up` that starts what is missing and leaves running containers as they are (the accessories: databases). */
export function composeUpKeepArgv(base: readonly string[]): string[] {
  return [...base, "up", "--detach", "--no-recreate"];
}

/** Replaces these services' containers with new ones from the file (their named volumes stay), nothing else. */
export function composeRecreateArgv(base: readonly string[], services: readonly string[]): string[] {
  return [...base, "up", "--detach", "--no-deps", "--force-recreate", "--", ...services];
}

/** Ids of the project's containers (empty output: none). */
export function composePsArgv(base: readonly string[]): string[] {
  return [...base, "ps", "--quiet"];
}

export function composeDownArgv(base: readonly string[], removeOrphans = true): string[] {
  return [...base, "down", ...(removeOrphans ? ["--remove-orphans"] : [])];
}

/** `stop` giving each container `timeoutS` seconds between SIGTERM and SIGKILL (the config's `stop_timeout`). */
export function composeStopArgv(base: readonly string[], timeoutS = 10): string[] {
  return [...base, "stop", "--timeout", String(timeoutS)];
}

export function composeLogsArgv(base: readonly string[], lines: number): string[] {
  return [...base, "logs", "--no-color", "--tail", String(lines)];
}

/**
 * `compose logs --no-color` output split per container: each line is `<container> | <text>` (v1 names containers
 * `<project>_<service>_<n>`, v2 `<project>-<service>-<n>`); the service is the one of `services` the name ends with
 * before its number. Lines without that prefix (v1's "Attaching to ...") are dropped. Groups in first-seen order.
 */
export function composeLogGroups(
  stdout: string,
  services: readonly string[],
): Array<{ service: string; name: string; lines: string[] }> {
  const groups = new Map<string, { service: string; name: string; lines: string[] }>();
  const byLength = [...services].sort((a, b) => b.length - a.length);
  for (const line of stdout.split("\n")) {
    const bar = line.indexOf(" | ");
    if (bar < 0) continue;
    const name = line.slice(0, bar).trim();
    const base = name.replace(/[-_]\d+$/, "");
    const service = byLength.find((s) => base === s || base.endsWith(`_${s}`) || base.endsWith(`-${s}`));
    if (!service || !/^\S+$/.test(name)) continue;
    const group = groups.get(name) ?? { service, name, lines: [] };
    group.lines.push(line.slice(bar + 3));
    groups.set(name, group);
  }
  return [...groups.values()];
}

/** Ids of the project's running containers (compose v1 and v2 both label them with the project). */
export function runningContainersArgv(project: string): string[] {
  return ["docker", "ps", "--quiet", "--filter", `label=com.docker.compose.project=${project}`];
}

/**
 * Lists the running container of a compose service (with `all`: every one, stopped too, as `slipway logs` wants);
 * works with compose v1 and v2 (both set these labels).
 */
export function composeContainerArgv(
  project: string | undefined,
  service: string,
  options: { all?: boolean } = {},
): string[] {
  const byProject = project ? ["--filter", `label=com.docker.compose.project=${project}`] : [];
  const all = options.all ? ["-a"] : [];
  return ["docker", "ps", ...all, "-q", ...byProject, "--filter", `label=com.docker.compose.service=${service}`];
}

/** `<compose> -p <project> -f <file> config -q`: compose's own check of a candidate file, before it goes live. */
export function composeConfigCheck(flavour: Flavour, project: string, file: string): Command {
  const base = composeBinary(flavour);
  return { argv: [...base, "-p", project, "-f", file, "config", "-q"], what: `${base.join(" ")} config` };
}
