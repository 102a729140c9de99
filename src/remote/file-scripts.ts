/**
 * The argv for every file operation (pure builders, tested by exact value; host.ts runs them). Content always travels
 * on stdin, never in argv, so secrets in files stay out of process listings.
 */

/** Previous content larger than this is not sent back for diffs (the sha256 is still compared). */
export const MAX_PREVIOUS_BYTES = 1024 * 1024;

/**
 * $1 path, $2 expected sha256, $3 max bytes. Prints `absent`, `not-a-file`, or
 * `present <sha256> <octal mode> <owner> <group> <size>` followed by the content when it differs and is small enough.
 */
export const INSPECT_SCRIPT = `p=$1; want=$2; max=$3
if [ ! -e "$p" ] && [ ! -L "$p" ]; then echo absent; exit 0; fi
if [ ! -f "$p" ]; then echo not-a-file; exit 0; fi
sum=$(sha256sum < "$p") || exit 1
sum=\${sum%% *}
meta=$(stat -c '%a %U %G %s' -- "$p") || exit 1
echo "present $sum $meta"
size=\${meta##* }
if [ "$sum" != "$want" ] && [ "$size" -le "$max" ]; then exec cat -- "$p"; fi`;

export function inspectArgv(path: string, expectedSha256: string, maxBytes = MAX_PREVIOUS_BYTES): string[] {
  return ["/bin/sh", "-c", INSPECT_SCRIPT, "slipway-inspect", path, expectedSha256, String(maxBytes)];
}

export type Inspection =
  | { kind: "absent" }
  | { kind: "not-a-file" }
  | { kind: "present"; sha256: string; mode: number; owner: string; group: string; size: number; content?: Buffer };

export function parseInspection(stdout: Buffer): Inspection {
  const newline = stdout.indexOf(0x0a);
  const header = stdout.subarray(0, newline === -1 ? stdout.length : newline).toString("utf8");
  if (header === "absent") return { kind: "absent" };
  if (header === "not-a-file") return { kind: "not-a-file" };
  const match = /^present ([0-9a-f]{64}) ([0-7]+) (\S+) (\S+) (\d+)$/.exec(header);
  if (!match) throw new Error(`unexpected inspect output: ${header.slice(0, 200)}`);
  const [, sha256 = "", mode = "", owner = "", group = "", size = ""] = match;
  const body = newline === -1 ? undefined : stdout.subarray(newline + 1);
  const result: Inspection = {
    kind: "present",
    sha256,
    mode: Number.parseInt(mode, 8),
    owner,
    group,
    size: Number(size),
  };
  // The body is only sent when the content differs; an empty file that differs still has a (zero-length) body.
  if (body !== undefined && (body.length > 0 || Number(size) === 0)) result.content = body;
  return result;
}

/**
 * $1 path, $2 octal mode or "", $3 chown spec (`user`, `user:group`, `:group`) or "", $4 "1" to keep the old file as
 * `<path>.slipway-prev` (a hard link, so it costs no copy). Content on stdin. The temp file sits in the target directory
 * so the final mv is a rename on one filesystem: readers see the old file or the new one, never a partial one.
 */
export const WRITE_SCRIPT = `set -e
p=$1; mode=$2; own=$3; keep=$4
dir=$(dirname -- "$p"); base=$(basename -- "$p")
tmp=$(mktemp "$dir/.$base.slipway-XXXXXX")
trap 'rm -f -- "$tmp"' EXIT
cat > "$tmp"
if [ -n "$mode" ]; then chmod "$mode" "$tmp"; elif [ -f "$p" ]; then chmod --reference="$p" "$tmp"; else chmod 644 "$tmp"; fi
if [ -n "$own" ]; then chown "$own" "$tmp"; elif [ -f "$p" ] && [ "$(id -u)" = 0 ]; then chown --reference="$p" "$tmp"; fi
sync -- "$tmp" 2>/dev/null || true
if [ "$keep" = 1 ] && [ -f "$p" ]; then ln -f -- "$p" "$p.slipway-prev"; fi
mv -f -- "$tmp" "$p"
trap - EXIT`;

export function chownSpec(owner?: string, group?: string): string {
  if (owner && group) return `${owner}:${group}`;
  if (owner) return owner;
  if (group) return `:${group}`;
  return "";
}

export function octalMode(mode: number): string {
  if (!Number.isInteger(mode) || mode < 0 || mode > 0o7777) throw new Error(`invalid file mode ${mode}`);
  return mode.toString(8).padStart(4, "0");
}

export function writeArgv(path: string, options: { mode?: number; owner?: string; group?: string; backup?: boolean }) {
  return [
    "/bin/sh",
    "-c",
    WRITE_SCRIPT,
    "slipway-write",
    path,
    options.mode === undefined ? "" : octalMode(options.mode),
    chownSpec(options.owner, options.group),
    options.backup ? "1" : "",
  ];
}

/** Same content, different mode/owner: fix the metadata in place (no rewrite, mtime kept). */
export function fixMetadataArgv(path: string, options: { mode?: number; owner?: string; group?: string }): string[] {
  const script = 'p=$1; [ -z "$2" ] || chmod "$2" -- "$p"; [ -z "$3" ] || chown "$3" -- "$p"';
  const mode = options.mode === undefined ? "" : octalMode(options.mode);
  return ["/bin/sh", "-c", script, "slipway-meta", path, mode, chownSpec(options.owner, options.group)];
}

/** Exit code readArgv uses for "no such file" (distinct from cat's 1 for unreadable). */
export const ABSENT_EXIT_CODE = 3;
export const ABSENT_MARKER = "SLIPWAY-ABSENT";

export function readArgv(path: string): string[] {
  const script = `if [ -e "$1" ]; then exec cat -- "$1"; else echo ${ABSENT_MARKER} >&2; exit ${ABSENT_EXIT_CODE}; fi`;
  return ["/bin/sh", "-c", script, "slipway-read", path];
}

export function mkdirArgv(path: string, mode?: number): string[] {
  return mode === undefined ? ["mkdir", "-p", "--", path] : ["mkdir", "-p", "-m", octalMode(mode), "--", path];
}

export function removeArgv(path: string, options: { recursive?: boolean } = {}): string[] {
  const normalized = path.replace(/\/+$/, "");
  if (normalized === "" || normalized === "/" || !path.startsWith("/") || /(^|\/)\.\.?(\/|$)/.test(path)) {
    throw new Error(`refusing to remove "${path}": give an absolute path without . or .. components`);
  }
  return ["rm", options.recursive ? "-rf" : "-f", "--", path];
}
