/**
 * The one script `slipway status` runs on a host (one round trip): the deploy dir's live release, color, lock holder
 * and free space, then one section per probe the caller lists. Every value is a positional parameter, never shell
 * text; each section starts with a line `@@<probe>` so the output parses without guessing (deploy/status.ts).
 */

/**
 * What the script can look at: a systemd unit, a container, a compose project, an HTTP URL, a file's content, and on
 * a swarm manager the nodes (`docker node inspect` with the target as its format: `docker node ls` has no labels)
 * and a stack's tasks (`docker stack ps` as one JSON object a line).
 */
export type StatusProbeKind = "unit" | "container" | "compose" | "health" | "file" | "nodes" | "stack";

export interface StatusProbe {
  kind: StatusProbeKind;
  /** The unit, container or project name, the URL, the file's path, the node format, or the stack name. */
  target: string;
}

/** `kind|target`: how a probe is passed to the script and how its section is headed. */
export function probeKey(probe: StatusProbe): string {
  return `${probe.kind}|${probe.target}`;
}

export const STATUS_SCRIPT = [
  "d=$1; lock=$2; shift 2",
  "printf '@@current\\n'; readlink \"$d/current\" 2>/dev/null",
  "printf '@@color\\n'; cat \"$d/color\" 2>/dev/null",
  "printf '@@lock\\n'; cat \"$lock/holder\" 2>/dev/null; echo",
  "printf '@@disk\\n'; df -Pk \"$d\" 2>/dev/null | tail -n 1",
  'for item in "$@"; do',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: shell parameter expansion, not a JS template
  "  kind=${item%%|*}; target=${item#*|}",
  "  printf '@@%s\\n' \"$item\"",
  "  case $kind in",
  '    unit) systemctl show --property=ActiveState,SubState -- "$target" 2>/dev/null ;;',
  "    container) docker inspect -f '{{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{end}}' \"$target\" 2>/dev/null ;;",
  "    compose) docker ps -a --filter \"label=com.docker.compose.project=$target\" --format '{{.Names}} {{.State}} {{.Status}}' 2>/dev/null ;;",
  "    health) curl -s -o /dev/null -w '%{http_code}' --max-time 3 \"$target\" 2>/dev/null; echo ;;",
  '    file) cat "$target" 2>/dev/null ;;',
  // Not a manager (or no swarm): the daemon's sentence becomes the section, so status can say why.
  '    nodes) if ids=$(docker node ls -q 2>&1); then docker node inspect --format "$target" $ids 2>&1; else printf "%s\\n" "$ids"; fi ;;',
  "    stack) docker stack ps --no-trunc --format '{{json .}}' \"$target\" 2>/dev/null ;;",
  "  esac",
  "done",
].join("\n");

/**
 * `sh -c STATUS_SCRIPT sh <deployDir> <lockDir> <kind|target>...`. Exit 0 whatever it finds (a missing unit or file
 * is an empty section). Run it with root (docker, certificates under /etc/letsencrypt).
 */
export function statusArgv(deployDir: string, lockDir: string, probes: readonly StatusProbe[]): string[] {
  return ["sh", "-c", STATUS_SCRIPT, "sh", deployDir, lockDir, ...probes.map(probeKey)];
}

/** The script's output split into its sections: `@@name` -> the lines after it (trailing empty lines dropped). */
export function parseStatusSections(stdout: string): Map<string, string[]> {
  const sections = new Map<string, string[]>();
  let current: string[] | null = null;
  for (const line of stdout.split("\n")) {
    if (line.startsWith("@@")) {
      current = [];
      sections.set(line.slice(2), current);
    } else if (current) current.push(line);
  }
  for (const lines of sections.values()) while (lines.length > 0 && lines.at(-1)?.trim() === "") lines.pop();
  return sections;
}
