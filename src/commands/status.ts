/**
 * The one script `slipway status` runs on a host (one round trip): the deploy dir's live release, color, switch
 * intent, lock holder and free space, then one section per probe the caller lists. Every value is a positional
 * parameter, never shell text; each section starts with a line `@@<probe>` so the output parses without guessing
 * (deploy/status.ts).
 */

import { SERVICE_STATE_FORMAT } from "./docker.js";
import { UNIT_ACTIVE_PROPERTIES } from "./systemd.js";

/**
 * What the script can look at: a systemd unit, a container, a compose project, an HTTP URL, a file anyone may read
 * (the maintenance page, an upstream include), a symlink's target (a socket link), a certificate (root's to read),
 * the certificate nginx serves on 127.0.0.1:443 for a name (SNI; its PEM, empty when nothing answers or openssl is
 * missing: no privilege needed), and on a swarm manager the nodes (`docker node inspect` with the target as its format: `docker node ls` has no
 * labels) and a stack's tasks (`docker stack ps` as one JSON object a line). Swarm is refused in helper mode, so those
 * two call docker directly. `accessories`: every container of a compose project (the accessories' `<app>-accessories`)
 * as SERVICE_STATE_FORMAT lines (compose service, docker state, docker health), no HTTP.
 */
export type StatusProbeKind =
  | "unit"
  | "container"
  | "compose"
  | "accessories"
  | "health"
  | "file"
  | "link"
  | "cert"
  | "tls"
  | "nodes"
  | "stack";

export interface StatusProbe {
  kind: StatusProbeKind;
  /** The unit, container or project name, the URL, the file's path, the node format, or the stack name. */
  target: string;
}

/** `kind|target`: how a probe is passed to the script and how its section is headed. */
export function probeKey(probe: StatusProbe): string {
  return `${probe.kind}|${probe.target}`;
}

/** docker's view of a container's state (status, health), one JSON line: a format the helper's docker gate allows. */
export const CONTAINER_STATE_FORMAT = "{{json .State}}";
/** One line per container of a compose project, stopped ones included: name, state, docker's status text. */
export const COMPOSE_PS_FORMAT = "{{.Names}} {{.State}} {{.Status}}";

/**
 * `$1` the helper's path and `$2` the app in helper mode (both empty in root mode, where the script runs as root):
 * docker then goes through the helper's docker gate (`dk`) and the certificate through its `file read` (`rd`); the
 * rest needs no privilege (the deploy dir is the deploy user's, `systemctl show` and curl are anyone's).
 */
export const STATUS_SCRIPT = [
  "h=$1; app=$2; d=$3; lock=$4; shift 4",
  'dk() { if [ -n "$h" ]; then sudo -n -- "$h" docker "$app" "$@"; else docker "$@"; fi; }',
  'rd() { if [ -n "$h" ]; then sudo -n -- "$h" file read "$1"; else cat -- "$1"; fi; }',
  "printf '@@current\\n'; readlink \"$d/current\" 2>/dev/null",
  "printf '@@color\\n'; cat \"$d/color\" 2>/dev/null",
  // A switch intent left by a run that died between moving nginx and its record (deploy/intent.ts).
  "printf '@@intent\\n'; cat \"$d/intent.json\" 2>/dev/null",
  "printf '@@lock\\n'; cat \"$lock/holder\" 2>/dev/null; echo",
  "printf '@@disk\\n'; df -Pk \"$d\" 2>/dev/null | tail -n 1",
  'for item in "$@"; do',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: shell parameter expansion, not a JS template
  "  kind=${item%%|*}; target=${item#*|}",
  "  printf '@@%s\\n' \"$item\"",
  "  case $kind in",
  `    unit) systemctl show --property=${UNIT_ACTIVE_PROPERTIES} -- "$target" 2>/dev/null ;;`,
  `    container) dk inspect --format '${CONTAINER_STATE_FORMAT}' -- "$target" 2>/dev/null ;;`,
  `    compose) dk ps --all --filter "label=com.docker.compose.project=$target" --format '${COMPOSE_PS_FORMAT}' 2>/dev/null ;;`,
  // The ids unquoted: one word each (docker's hex ids); none listed: an empty section (no container).
  `    accessories) ids=$(dk ps --all --quiet --filter "label=com.docker.compose.project=$target" 2>/dev/null); [ -z "$ids" ] || dk inspect --format '${SERVICE_STATE_FORMAT}' $ids 2>/dev/null ;;`,
  "    health) curl -s -o /dev/null -w '%{http_code}' --max-time 3 \"$target\" 2>/dev/null; echo ;;",
  '    file) cat -- "$target" 2>/dev/null ;;',
  '    link) readlink -- "$target" 2>/dev/null || : ;;',
  '    cert) rd "$target" 2>/dev/null ;;',
  // What nginx has loaded, not what certbot wrote (D70): the leaf of the handshake, as PEM.
  '    tls) if command -v openssl >/dev/null 2>&1; then timeout 10 openssl s_client -connect 127.0.0.1:443 -servername "$target" </dev/null 2>/dev/null | openssl x509 2>/dev/null; fi; : ;;',
  // Not a manager (or no swarm): the daemon's sentence becomes the section, so status can say why.
  '    nodes) if ids=$(docker node ls -q 2>&1); then docker node inspect --format "$target" $ids 2>&1; else printf "%s\\n" "$ids"; fi ;;',
  "    stack) docker stack ps --no-trunc --format '{{json .}}' \"$target\" 2>/dev/null ;;",
  "  esac",
  "done",
].join("\n");

/**
 * `sh -c STATUS_SCRIPT sh "" "" <deployDir> <lockDir> <kind|target>...`. Exit 0 whatever it finds (a missing unit or
 * file is an empty section). Run it with become: root mode runs it as root; helper mode (remote/privilege.ts
 * helperStatusArgv) fills in the helper's path and the app and runs it as the deploy user.
 */
export function statusArgv(deployDir: string, lockDir: string, probes: readonly StatusProbe[]): string[] {
  return ["sh", "-c", STATUS_SCRIPT, "sh", "", "", deployDir, lockDir, ...probes.map(probeKey)];
}

/** statusArgv's argv for helper mode: the same script given the helper's path and the app (no sudo around it). */
export function helperStatusArgv(argv: readonly string[], helperPath: string, app: string): string[] {
  return [...argv.slice(0, 4), helperPath, app, ...argv.slice(6)];
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
