/**
 * The one place that decides how a privileged (`become`) command runs on a host. Pure: unit tests compare the argv.
 *
 * - `root` mode: `sudo -n -u <become user> -- argv`, as always (the deploy user is root-equivalent, on purpose).
 * - `helper` mode: the deploy user's only sudo rule is the root-owned helper (playbooks/files/slipway-helper). Each
 *   command Slipway runs with become is translated to what it needs, with the least privilege that does it:
 *   files of units and nginx sites, units, nginx, the app's user, its data dir and certbot go to the helper's verbs
 *   (which validate every argument: the helper, not this file, is the security boundary); docker and compose, with
 *   become or not, to its docker gate (privilege-docker.ts); commands on the deploy dir
 *   (which the deploy user owns) run without sudo; commands on the app's data dir run as the app's user
 *   (`helper as-app`). Anything else is refused here with a hint, before it reaches the host.
 */
import { OWNED_TREE_SCRIPT } from "../commands/files.js";
import { UNTIL_STDIN_CLOSES, untilStdinClosesArgv } from "../commands/logs.js";
import { NGINX_RELOAD_AND_WAIT, POINT_LINKS_SCRIPT } from "../commands/nginx.js";
import { helperStatusArgv, STATUS_SCRIPT } from "../commands/status.js";
import { streamParts } from "../commands/stream.js";
import { ENSURE_USER_SCRIPT } from "../commands/users.js";
import { SlipwayError } from "../errors.js";
import { dockerGateArgs, volumeFileCommand } from "./privilege-docker.js";
import { shQuote } from "./quote.js";

/** Where bootstrap installs the helper (a root-owned directory; the sudoers rule names this exact path). */
export const HELPER_PATH = "/usr/local/libexec/slipway/slipway-helper";

export type PrivilegeMode = "root" | "helper";

/** What the helper mode needs to know about the app being deployed (from slipway.yml). */
export interface PrivilegeContext {
  mode: PrivilegeMode;
  /** The app (`app:` of slipway.yml): the helper's verbs take it to find what bootstrap recorded. */
  app?: string;
  /** The app's deploy dir (owned by the deploy user): commands on it need no privilege. */
  deployDir?: string;
  /** Directories of the app's data (the database's), owned by the app's user. */
  dataDirs?: readonly string[];
}

/** The line the plan and the deploy print for a host: which mode it is in and what that lets `user` do as root. */
export function describePrivilege(mode: PrivilegeMode, user: string): string {
  return mode === "helper"
    ? `privilege: helper (${user} runs only ${HELPER_PATH} as root)`
    : `privilege: root (${user} is root-equivalent: sudo for every privileged step)`;
}

/** Whether a command's outcome is the helper refusing it (exit 64, `slipway-helper: refused ...` on stderr). */
export function isHelperRefusal(code: number | null, stderr: string): boolean {
  return code === 64 && /^slipway-helper: refused/m.test(stderr);
}

/** The refusal as the helper worded it (`the privilege helper refused: <what and why>`), D37: it named nothing. */
export function helperRefusalMessage(stderr: string): string {
  const reason = /^slipway-helper: (refused.*)$/m.exec(stderr)?.[1];
  return reason ? `the privilege helper ${reason}` : "the privilege helper refused the request";
}

/**
 * The next step after a helper refusal (D23): the helper acts only on what bootstrap recorded, so a new app or domain
 * is the usual cause, not the command (retrying it by hand gets the same refusal).
 */
export function helperRefusalHint(app = "<app>"): string {
  return `the helper acts only on what bootstrap recorded for ${app} (/etc/slipway/apps/${app}.conf: deploy dir, domains); if ${app} or a name in proxy.domains is new on this host, run playbooks/bootstrap.yml for it again (-e app_name=${app}); otherwise see docs/security.md for what helper mode allows`;
}

/** How one command runs: its argv and whether command.ts wraps it in `sudo -n -u USER --`. */
export interface PlannedCommand {
  argv: string[];
  sudo: boolean;
}

const HELPER = [HELPER_PATH];
const FILE_SCRIPTS: Record<string, string> = {
  "slipway-inspect": "inspect",
  "slipway-write": "write",
  "slipway-meta": "meta",
  "slipway-read": "read",
};
/** Paths only root may change; the helper knows which of them belong to an app. */
const SYSTEM_PREFIXES = ["/etc/", "/var/www/", "/run/slipway"];
const UNIT_ACTIONS = new Set(["start", "stop", "restart", "reload", "enable", "disable"]);
/** systemctl queries any user may make (over D-Bus, read-only): they run without sudo. */
const UNIT_QUERIES = new Set(["show", "is-active", "is-enabled", "is-failed"]);

/**
 * The argv for a command run with `become` (or not) on a host in the given mode. Throws a SlipwayError (step
 * "privilege") for a become command that helper mode has no verb for.
 */
export function planCommand(argv: readonly string[], become: boolean, context: PrivilegeContext): PlannedCommand {
  // A `slipway logs -f` follower: the wrapper runs as the deploy user (it must be able to end what it started), the
  // command inside it as planned on its own.
  if (context.mode === "helper" && argv[2] === UNTIL_STDIN_CLOSES && argv[0] === "sh" && argv[1] === "-c") {
    const inner = planCommand(argv.slice(4), become, context);
    return plain(untilStdinClosesArgv(asArgv(inner)));
  }
  // A dump or restore's redirection (commands/stream.ts): the wrapper stays the deploy user's (its files are in the
  // backup dir), each command inside is planned on its own, so a `docker exec` reaches the gate (D74).
  const stream = context.mode === "helper" ? streamParts(argv) : undefined;
  if (stream) return plain(stream.rebuild(stream.commands.map((c) => asArgv(planCommand(c, become, context)))));
  // A command that itself starts with `sudo -n` (restore stops writers that way) is the same request.
  const inner = argv[0] === "sudo" && argv[1] === "-n" ? argv.slice(argv[2] === "--" ? 3 : 2) : argv;
  // Docker with or without become: the deploy user is in no docker group, the gate is its only way to the socket.
  const gate = context.mode === "helper" ? dockerGateArgs(inner, context.app) : undefined;
  if (gate) return helper(...gate);
  if (!become) return { argv: [...argv], sudo: false };
  if (context.mode === "root") return { argv: [...argv], sudo: true };
  const volumeFile = volumeFileCommand(argv, context.app, context.deployDir, HELPER_PATH);
  if (volumeFile) return volumeFile;
  const planned = helperCommand(inner, context);
  if (planned) return planned;
  const why = "the helper does not run this command as root; set";
  throw new SlipwayError(`helper mode has no privileged operation for \`${inner.slice(0, 2).join(" ")}\``, {
    step: "privilege",
    command: inner.join(" "),
    hint: `this host is in helper mode (ssh.privilege: helper): ${why} \`ssh.privilege: root\` for this host (bootstrap with -e deploy_privilege=root gives its deploy user NOPASSWD: ALL); a playbook such as bootstrap.yml runs as an admin with \`slipway run PLAYBOOK -c slipway.yml --user <root or an admin with full sudo>\``,
  });
}

function helperCommand(argv: readonly string[], ctx: PrivilegeContext): PlannedCommand | undefined {
  const system = fileCommand(argv, ctx) ?? systemCommand(argv, ctx);
  if (system) return system;
  // These act on the system whatever their paths say: a call systemCommand did not map is refused, not run plainly.
  if (SYSTEM_PROGRAMS.has((argv[0] ?? "").replace(/^.*\//, ""))) return undefined;
  return databaseCopy(argv, ctx) ?? byPaths(argv, ctx);
}

const SYSTEM_PROGRAMS = new Set([
  "systemctl",
  "systemd-analyze",
  "journalctl",
  "nginx",
  "certbot",
  "useradd",
  "usermod",
  "chown",
]);

/** A planned command as the argv a script runs (its sudo written out: the script itself runs without). */
const asArgv = (planned: PlannedCommand): string[] =>
  planned.sudo ? ["sudo", "-n", "--", ...planned.argv] : planned.argv;
const helper = (...args: string[]): PlannedCommand => ({ argv: [...HELPER, ...args], sudo: true });
const plain = (argv: readonly string[]): PlannedCommand => ({ argv: [...argv], sudo: false });

function under(path: string, dir: string | undefined): boolean {
  if (!dir) return false;
  const base = dir.replace(/\/+$/, "");
  return path === base || path.startsWith(`${base}/`);
}

const isSystemPath = (path: string) => SYSTEM_PREFIXES.some((p) => path.startsWith(p));

/** The file scripts of file-scripts.ts and mkdir/rm, on system paths (helper) or the deploy dir (no sudo). */
function fileCommand(argv: readonly string[], ctx: PrivilegeContext): PlannedCommand | undefined {
  const script = argv[0] === "/bin/sh" && argv[1] === "-c" ? FILE_SCRIPTS[argv[3] ?? ""] : undefined;
  if (script) {
    const [path = "", ...rest] = argv.slice(4);
    if (isSystemPath(path)) return helper("file", script, path, ...rest);
    return undefined;
  }
  if (argv[0] === "mkdir" && argv[1] === "-p") {
    const paths = argv.slice(argv.indexOf("--") + 1);
    if (argv.indexOf("--") === -1 || !paths.every(isSystemPath)) return undefined;
    return perPath("mkdir", paths);
  }
  // Does a root-only file exist (the certificate, before the HTTPS block is rendered)? The helper looks.
  if (argv[0] === "test" && argv[1] === "-f" && argv.length === 3 && isSystemPath(argv[2] as string)) {
    return helper("file", "exists", argv[2] as string);
  }
  if (argv[0] === "rm" && (argv[1] === "-f" || argv[1] === "-rf") && argv[2] === "--" && argv.length >= 4) {
    const paths = argv.slice(3);
    if (!paths.every(isSystemPath)) return undefined;
    // `slipway remove`'s socket links: the helper's `links rm` checks each is one of the app's (file rm refuses links).
    if (ctx.app && argv[1] === "-f" && paths.every((p) => SOCKET_LINK.test(p)))
      return helper("links", ctx.app, "rm", ...paths);
    return perPath("rm", paths);
  }
  return undefined;
}

/** The nginx side of the socket switch: /etc/nginx/slipway/<app>-<service>[.preview].sock. */
const SOCKET_LINK = /^\/etc\/nginx\/slipway\/[a-z][a-z0-9_-]*(\.preview)?\.sock$/;

/** `file VERB path` for one path; for several, one helper call per path, each through its own `sudo -n`. */
function perPath(verb: "mkdir" | "rm", paths: readonly string[]): PlannedCommand {
  if (paths.length === 1) return helper("file", verb, paths[0] as string);
  const loop = `for p; do sudo -n -- ${shQuote(HELPER_PATH)} file ${verb} "$p" || exit; done`;
  return plain(["sh", "-c", loop, "sh", ...paths]);
}

/** systemctl, systemd-analyze verify, nginx, the socket switch's links, the app's user and data dir, certbot. */
function systemCommand(argv: readonly string[], ctx: PrivilegeContext): PlannedCommand | undefined {
  const [program = "", first = "", ...rest] = argv;
  const base = program.replace(/^.*\//, "");
  if (base === "systemctl") {
    if (UNIT_QUERIES.has(first)) return plain(argv);
    if (first === "daemon-reload" && rest.length === 0) return helper("unit", "daemon-reload");
    const units = rest.filter((u) => u !== "--");
    // No flags (`enable --now` of a timer is bootstrap's job): only the app's units, each a plain name.
    if (UNIT_ACTIONS.has(first) && units.length > 0 && !units.some((u) => u.startsWith("-"))) {
      return helper("unit", first, ...units);
    }
    return undefined;
  }
  if (base === "journalctl" && first === "--no-pager") return journalCommand(rest);
  if (base === "systemd-analyze" && first === "verify" && rest.length === 1) {
    return helper("unit", "verify", (rest[0] as string).replace(/^.*\//, ""));
  }
  if (base === "nginx" && first === "-t") return helper("nginx", "test");
  if (program === "sh" && first === "-c" && rest[0] === NGINX_RELOAD_AND_WAIT) return helper("nginx", "reload");
  // The names the deploy asks for (the helper accepts only recorded ones); every other flag is the helper's own.
  if (base === "certbot" && first === "certonly" && ctx.app) {
    const names = argv.flatMap((a, i) => (argv[i - 1] === "-d" ? [a] : []));
    return helper("certbot", ctx.app, ...names);
  }
  // `slipway status` (D34): the script runs as the deploy user and asks the gate and `file read` for what is root's.
  if (program === "sh" && first === "-c" && rest[0] === STATUS_SCRIPT && ctx.app) {
    return plain(helperStatusArgv(argv, HELPER_PATH, ctx.app));
  }
  if (program === "sh" && first === "-c" && rest[0] === POINT_LINKS_SCRIPT && ctx.app) {
    return helper("links", ctx.app, ...rest.slice(2));
  }
  // `tls.ca_bundle` readable? A CA certificate is public: the deploy user's own look is enough.
  if (base === "test" && argv.length === 6 && first === "-f" && rest[1] === "-a" && rest[2] === "-r")
    return plain(argv);
  if (program === "sh" && first === "-c" && rest[0] === ENSURE_USER_SCRIPT && ctx.app) {
    return rest[2] === `app-${ctx.app}` ? helper("app-user", ctx.app) : undefined;
  }
  // The database dir step: create it and hand it to the app's user (backup-step.ts).
  if (program === "sh" && first === "-c" && rest[0] === OWNED_TREE_SCRIPT) {
    const dir = rest[2] ?? "";
    if (ctx.app && rest[3] === `app-${ctx.app}` && ctx.dataDirs?.some((d) => under(dir, d))) {
      return helper("data-dir", ctx.app);
    }
  }
  return undefined;
}

/**
 * journalArgv's shape (`[-o short-iso] [-n N] [--since -Ss] [-f] -u UNIT...`): the app's units' journal through the
 * helper, which checks each unit. The gate's failure lines (`-n N` only) keep the form every helper knows,
 * `unit journal N UNIT...`; `slipway logs`' queries pass their flags, then `--` and the units.
 */
function journalCommand(args: readonly string[]): PlannedCommand | undefined {
  const firstUnit = args.indexOf("-u");
  if (firstUnit === -1) return undefined;
  const flags = args.slice(0, firstUnit);
  const pairs = args.slice(firstUnit);
  const units = pairs.filter((_, i) => i % 2 === 1);
  if (pairs.length % 2 !== 0 || pairs.some((a, i) => i % 2 === 0 && a !== "-u")) return undefined;
  if (flags.length === 2 && flags[0] === "-n") return helper("unit", "journal", flags[1] as string, ...units);
  return helper("unit", "journal", ...flags, "--", ...units);
}

/**
 * Copies between the data dir (the app's user) and the deploy dir (the deploy user): the app's user reads or writes
 * the data side through the helper, the deploy user the other side through a pipe, so neither gains the other's files.
 */
function databaseCopy(argv: readonly string[], ctx: PrivilegeContext): PlannedCommand | undefined {
  if (!ctx.app) return undefined;
  const asApp = `sudo -n -- ${shQuote(HELPER_PATH)} as-app ${shQuote(ctx.app)}`;
  const inData = (p: string) => ctx.dataDirs?.some((d) => under(p, d)) ?? false;
  if (argv[0] === "sqlite3") {
    const sql = argv.at(-1) ?? "";
    const into = /^VACUUM INTO '([^']+)';?$/.exec(sql)?.[1];
    const database = argv.at(-2) ?? "";
    if (!into || !inData(database) || !under(into, ctx.deployDir)) return undefined;
    // The app's user writes the copy in a private temp dir and streams it; the deploy user writes the file.
    const copy = `d=$(mktemp -d) || exit; sqlite3 -bail -cmd '.timeout 30000' "$1" "VACUUM INTO '$d/copy'" && cat -- "$d/copy"; s=$?; rm -rf -- "$d"; exit $s`;
    const script = `${asApp} sh -c "$1" sh "$2" > "$3"`;
    return plain(["sh", "-c", script, "sh", copy, database, into]);
  }
  if (argv[0] === "cp" && argv[1] === "--" && argv.length === 4) {
    const [from = "", to = ""] = argv.slice(2);
    if (!under(from, ctx.deployDir) || !inData(to)) return undefined;
    const script = `${asApp} sh -c 'cat > "$1"' sh "$1" < "$2"`;
    return plain(["sh", "-c", script, "sh", to, from]);
  }
  return undefined;
}

/**
 * Any other command by the absolute paths among its arguments: all in the deploy dir (or none at all) runs as the
 * deploy user; all in the data dir (or the deploy dir) with at least one in the data dir runs as the app's user.
 */
function byPaths(argv: readonly string[], ctx: PrivilegeContext): PlannedCommand | undefined {
  const args = argv[1] === "-c" ? argv.slice(4) : argv.slice(1);
  const paths = args.filter((a) => a.startsWith("/"));
  if (paths.some((p) => /(^|\/)\.\.?(\/|$)/.test(p))) return undefined;
  const inData = (p: string) => ctx.dataDirs?.some((d) => under(p, d)) ?? false;
  if (paths.every((p) => under(p, ctx.deployDir))) return plain(argv);
  if (ctx.app && paths.every((p) => inData(p) || under(p, ctx.deployDir)) && paths.some(inData)) {
    if (paths.some((p) => under(p, ctx.deployDir))) return undefined;
    return helper("as-app", ctx.app, ...argv);
  }
  return undefined;
}
