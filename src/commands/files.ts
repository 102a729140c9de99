/**
 * The argv for every file operation on a host (pure builders, tested by exact value): the atomic write, read and
 * inspect scripts RemoteHost.putFile/readFile run (remote/ssh-host.ts), and the mkdir/rm/ln/install/chown/chmod/test
 * argv and small scripts the deploy and the modules run. Content always travels on stdin, never in argv, so secrets in
 * files stay out of process listings. Scripts take their values as positional parameters ("$1"), never spliced in.
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
 * `<path>.slipway-prev` (a hard link, so it costs no copy), $5 the content's length in bytes or "". Content on stdin.
 * The temp file sits in the target directory so the final mv is a rename on one filesystem: readers see the old file
 * or the new one, never a partial one. The length check is what makes that hold when the sender dies mid-write (D55:
 * a killed CLI closes the channel, `cat` sees end-of-file and exits 0): a short temp file is dropped, not renamed.
 */
export const WRITE_SCRIPT = `set -e
p=$1; mode=$2; own=$3; keep=$4; size=$5
dir=$(dirname -- "$p"); base=$(basename -- "$p")
tmp=$(mktemp "$dir/.$base.slipway-XXXXXX")
trap 'rm -f -- "$tmp"' EXIT
cat > "$tmp"
if [ -n "$size" ] && [ "$(wc -c < "$tmp")" -ne "$size" ]; then echo "slipway: $p: content cut off, old file kept" >&2; exit 1; fi
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

/**
 * The argv of WRITE_SCRIPT. `size` (bytes of the content sent on stdin) makes the script refuse a cut-off transfer;
 * without it (callers that stream content of unknown length) the argument is left out.
 */
export function writeArgv(
  path: string,
  options: { mode?: number; owner?: string; group?: string; backup?: boolean; size?: number },
) {
  const argv = [
    "/bin/sh",
    "-c",
    WRITE_SCRIPT,
    "slipway-write",
    path,
    options.mode === undefined ? "" : octalMode(options.mode),
    chownSpec(options.owner, options.group),
    options.backup ? "1" : "",
  ];
  return options.size === undefined ? argv : [...argv, String(options.size)];
}

/**
 * WRITE_SCRIPT after `mkdir -p` of the file's directory: a file in a directory that may not exist yet (a new release's)
 * in one round trip instead of two. Same positional parameters as WRITE_SCRIPT; content on stdin.
 */
export const WRITE_WITH_DIR_SCRIPT = WRITE_SCRIPT.replace("set -e\n", 'set -e\nmkdir -p -- "$(dirname -- "$1")"\n');

/** writeArgv that makes the file's directory first (WRITE_WITH_DIR_SCRIPT); `size` as in writeArgv; no backup. */
export function writeWithDirArgv(
  path: string,
  options: { mode?: number; owner?: string; group?: string; size?: number },
): string[] {
  return ["/bin/sh", "-c", WRITE_WITH_DIR_SCRIPT, ...writeArgv(path, options).slice(3)];
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

/**
 * Reads several files in one command, so a wave of reads costs one shell (and one `sudo`) instead of one each. For
 * every path, in order, the output has a header line `\n<boundary> present\n` followed by the file's bytes, or
 * `\n<boundary> absent\n` (no such file), and `\n<boundary> failed\n` after a `cat` that failed (unreadable, a
 * directory). `boundary` is random per call (readFilesBoundary) so no file content can forge a header.
 */
export function readFilesArgv(paths: readonly string[], boundary: string): string[] {
  const header = (status: string) => `printf '\\n%s ${status}\\n' "$b"`;
  const script = `b=$1; shift; for p; do if [ -e "$p" ]; then ${header("present")}; cat -- "$p" || ${header("failed")}; else ${header("absent")}; fi; done`;
  return ["/bin/sh", "-c", script, "slipway-read-all", boundary, ...paths];
}

/** One file of a readFilesArgv answer: its bytes, absent, or a read that failed (to be read alone for its error). */
export type FileRead = { kind: "present"; content: Buffer } | { kind: "absent" } | { kind: "failed" };

/**
 * Splits readFilesArgv's output into one FileRead per path, in order; undefined when the output does not hold exactly
 * `count` files (the caller then reads each file alone).
 */
export function parseReadFiles(stdout: Buffer, boundary: string, count: number): FileRead[] | undefined {
  const separator = Buffer.from(`\n${boundary} `);
  const parts: Buffer[] = [];
  let at = stdout.indexOf(separator);
  if (at !== 0 && count > 0) return undefined;
  while (at >= 0) {
    const next = stdout.indexOf(separator, at + separator.length);
    parts.push(stdout.subarray(at + separator.length, next < 0 ? stdout.length : next));
    at = next;
  }
  const reads: FileRead[] = [];
  for (const part of parts) {
    const newline = part.indexOf(0x0a);
    const status = part.subarray(0, newline < 0 ? part.length : newline).toString("utf8");
    const content = part.subarray(newline + 1);
    if (status === "present") reads.push({ kind: "present", content: Buffer.from(content) });
    else if (status === "absent") reads.push({ kind: "absent" });
    else if (status === "failed" && reads.length > 0) reads[reads.length - 1] = { kind: "failed" };
    else return undefined;
  }
  return reads.length === count ? reads : undefined;
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

/** `mkdir -p -- <paths...>` (several directories in one round trip). */
export function mkdirsArgv(paths: readonly string[]): string[] {
  return ["mkdir", "-p", "--", ...paths];
}

/** The directory part of an absolute path (`/a/b/c.conf` -> `/a/b`), for mkdirsArgv before a file is written. */
export function parentDir(path: string): string {
  return path.replace(/\/[^/]*$/, "");
}

/** `rm -f -- <paths...>`: files only, absent ones are fine (directories go through remote/remove.ts). */
export function removeFilesArgv(paths: readonly string[]): string[] {
  return ["rm", "-f", "--", ...paths];
}

/**
 * `test -e|-d|-f|-s|-L <path>`: exit 0 when the path exists (is a directory, a regular file, non-empty, a symlink:
 * `-L` holds for a dangling link, which `-e` follows and misses).
 */
export function testArgv(flag: "-e" | "-d" | "-f" | "-s" | "-L", path: string): string[] {
  return ["test", flag, path];
}

/** Exit 0 when `path` is a regular file this user can read. */
export function readableFileArgv(path: string): string[] {
  return ["test", "-f", path, "-a", "-r", path];
}

/** `ln -sfn -- <target> <link>`: (re)points a symlink; not atomic (swapSymlinkArgv is). */
export function symlinkArgv(target: string, link: string): string[] {
  return ["ln", "-sfn", "--", target, link];
}

/** $1 target, $2 link: a temporary link renamed over the old one, so the link is never missing. */
export const SWAP_SYMLINK_SCRIPT = 'set -e; ln -sfn -- "$1" "$2.tmp"; mv -T -- "$2.tmp" "$2"';

/** Points `link` at `target` atomically: a temporary link renamed over the old one, so the link is never missing. */
export function swapSymlinkArgv(target: string, link: string): string[] {
  return ["sh", "-c", SWAP_SYMLINK_SCRIPT, "sh", target, link];
}

/** A directory only its owner can enter (`install -d -m 0700`), owned by `owner` (and its group) when given. */
export function privateDirArgv(dir: string, owner?: string): string[] {
  return ["install", "-d", "-m", "0700", ...(owner ? ["-o", owner, "-g", owner] : []), "--", dir];
}

/** `chown [-h] <owner[:group]> -- <path>`; `-h` changes a symlink itself, not what it points at. */
export function chownArgv(spec: string, path: string, options: { noDereference?: boolean } = {}): string[] {
  return ["chown", ...(options.noDereference ? ["-h"] : []), spec, "--", path];
}

export function chmodArgv(mode: string, path: string): string[] {
  return ["chmod", mode, "--", path];
}

/** `stat -c <format> -- <path>` (GNU stat), e.g. `%s` for the size in bytes. */
export function statFormatArgv(format: string, path: string): string[] {
  return ["stat", "-c", format, "--", path];
}

/** `mv -f -- <from> <to>`: a rename within one filesystem is atomic. */
export function moveArgv(from: string, to: string): string[] {
  return ["mv", "-f", "--", from, to];
}

/** Creates `dir` owned by `owner` when it is missing; an existing directory is left as it is. */
export function ownedDirArgv(dir: string, owner: string): string[] {
  return ["sh", "-c", 'test -d "$1" || { mkdir -p -- "$1" && chown -- "$2" "$1"; }', "sh", dir, owner];
}

/**
 * Creates `dir` when missing and gives the whole tree to `owner` unless it already owns the top (the database
 * directory: the app's user writes there). remote/privilege.ts recognizes this script by its start.
 */
export const OWNED_TREE_SCRIPT =
  'test -d "$1" || mkdir -p -- "$1"; [ "$(stat -c %U -- "$1")" = "$2" ] || chown -R -- "$2" "$1"';

export function ownedTreeArgv(dir: string, owner: string): string[] {
  return ["sh", "-c", OWNED_TREE_SCRIPT, "sh", dir, owner];
}

/** Unpacks a gzipped tar on stdin into a temp dir beside the target, then renames it: a half-shipped tree never has the name. */
export function unpackArgv(target: string): string[] {
  const script = 'set -e; rm -rf -- "$1.part"; mkdir -p -- "$1.part"; tar -xzf - -C "$1.part"; mv -- "$1.part" "$1"';
  return ["sh", "-c", script, "sh", target];
}

/** Runs `argv` with its stderr merged into stdout (one stream for logs shown to the user). */
export function mergeStderrArgv(argv: readonly string[]): string[] {
  return ["sh", "-c", '"$@" 2>&1', "sh", ...argv];
}

/** `rm -rf -- <path>` of a playbook's `file: state=absent` (the deploy's guarded removal is remote/remove.ts). */
export function removeTreeArgv(path: string): string[] {
  return ["rm", "-rf", "--", path];
}

export function touchArgv(path: string): string[] {
  return ["touch", "--", path];
}

/** Where a symlink points (exit 1 and nothing on stdout when it is not a link). */
export function readlinkArgv(path: string): string[] {
  return ["readlink", "--", path];
}

/** The entries directly inside `dir`, one path a line (none for an empty or missing directory, exit 1 if missing). */
export function listDirArgv(dir: string): string[] {
  return ["find", dir, "-mindepth", "1", "-maxdepth", "1"];
}

/** `stat -c %s` of a file: its size in bytes. */
export function fileSizeArgv(file: string): string[] {
  return ["stat", "-c", "%s", file];
}

/** Exit 0 when `dir` exists (made if missing) and a file can be created in it (a full or read-only disk fails). */
export function writableDirArgv(dir: string): string[] {
  const script = 'mkdir -p -- "$1" && probe="$1/.slipway-write-test" && : > "$probe" && rm -f -- "$probe"';
  return ["sh", "-c", script, "sh", dir];
}

/**
 * Atomic 0600 write of stdin: temp file then rename, so a reader never sees half a file. With `size` (bytes), a
 * transfer cut off by the sender's death is not renamed (see WRITE_SCRIPT).
 */
export function privateWriteArgv(file: string, size?: number): string[] {
  if (size === undefined) return ["sh", "-c", 'umask 077; cat > "$1.tmp" && mv -f "$1.tmp" "$1"', "sh", file];
  const script = 'umask 077; cat > "$1.tmp" && [ "$(wc -c < "$1.tmp")" -eq "$2" ] && mv -f "$1.tmp" "$1"';
  return ["sh", "-c", script, "sh", file, String(size)];
}

/**
 * Prints every `*.json` file of `dir`, each followed by a line holding `end`, in one round trip (the backup
 * manifests). A missing directory prints nothing.
 */
export function jsonFilesArgv(dir: string, end: string): string[] {
  const script =
    'cd "$1" 2>/dev/null || exit 0; for f in *.json; do [ -f "$f" ] || continue; cat "$f"; printf \'\\n%s\\n\' "$2"; done';
  return ["sh", "-c", script, "sh", dir, end];
}

/** `cp -- <from> <to>` (mode from the umask, owner the caller). */
export function copyArgv(from: string, to: string): string[] {
  return ["cp", "--", from, to];
}

/** The version of the `cp` copyArgv runs (recorded as a backup's tool). */
export function copyVersionArgv(): string[] {
  return ["cp", "--version"];
}

/** A copy only its owner can read (umask 077 before cp creates it). */
export function privateCopyArgv(from: string, to: string): string[] {
  return ["sh", "-c", 'umask 077; cp -- "$1" "$2"', "sh", from, to];
}

/** `chmod 600`: readable and writable by the owner only. */
export function ownerOnlyArgv(path: string): string[] {
  return ["chmod", "600", path];
}

/** Gives `target` the owner and mode of `reference` when the reference exists (a restored file takes the old one's). */
export function copyOwnershipArgv(reference: string, target: string): string[] {
  const script = 'if [ -e "$1" ]; then chown --reference="$1" "$2" && chmod --reference="$1" "$2"; fi';
  return ["sh", "-c", script, "sh", reference, target];
}

/** Exit 0 when the two files are byte for byte equal. */
export function sameContentArgv(a: string, b: string): string[] {
  return ["cmp", "--", a, b];
}

/** Fails with a message when `<path>.wal` exists: a database that was not shut down cleanly left its WAL behind. */
export function noWalArgv(path: string): string[] {
  const script = 'if [ -e "$1.wal" ]; then echo "$1.wal exists: the app did not shut down cleanly" >&2; exit 1; fi';
  return ["sh", "-c", script, "sh", path];
}
