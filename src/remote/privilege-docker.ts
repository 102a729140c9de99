/**
 * Helper mode's docker: every docker and compose argv the builders make (src/commands/docker*.ts, compose.ts), with
 * `become` or without, goes to the helper's `docker APP` verb, whose gate (playbooks/files/slipway-docker) parses it,
 * checks it against the app's record and runs the argv it rebuilds. The deploy user is in no docker group, so a docker
 * call that is not translated here fails at the socket. Pure: unit tests compare the argv.
 */
import { CONTAINER_LOGS, REPLACE_CONTAINER, VOLUME_HAS_PATH } from "../commands/docker.js";
import { privateCopyArgv } from "../commands/files.js";
import { SlipwayError } from "../errors.js";
import { shQuote } from "./quote.js";

/** The helper verb's argv for a docker command of `app`; undefined when `argv` is no docker command. */
export function dockerGateArgs(argv: readonly string[], app: string | undefined): string[] | undefined {
  const gate = gateArgs(argv);
  if (!gate) return undefined;
  if (!app) {
    throw new SlipwayError("helper mode runs docker only for a named app", {
      step: "privilege",
      command: argv.join(" "),
      hint: "the helper's docker verb takes the app's name (slipway.yml `app:`); run this through a deploy of that app",
    });
  }
  return ["docker", app, ...gate];
}

function gateArgs(argv: readonly string[]): string[] | undefined {
  const [program = "", first = "", script = "", , ...rest] = argv;
  const base = program.replace(/^.*\//, "");
  if (base === "docker" && first === "compose") return ["compose", "v2", ...argv.slice(2)];
  if (base === "docker") return argv.slice(1);
  if (base === "docker-compose") return ["compose", "v1", ...argv.slice(1)];
  if (program !== "sh" || first !== "-c") return undefined;
  if (script === REPLACE_CONTAINER) return ["@replace", ...rest];
  // The gate's failure lines (`--tail N` only) keep the form every gate knows, `@logs N NAME`.
  if (script === CONTAINER_LOGS)
    return rest[0] === "--tail" && rest.length === 4 ? ["@logs", rest[1] ?? "", rest[3] ?? ""] : ["@logs", ...rest];
  if (script === VOLUME_HAS_PATH) return ["@volume-has", ...rest];
  return undefined;
}

const PRIVATE_COPY = privateCopyArgv("", "")[2];

/** Where docker keeps a named volume's files (its default data root); the gate checks the mountpoint itself. */
const VOLUME_PATH = /^\/var\/lib\/docker\/volumes\/([A-Za-z0-9][A-Za-z0-9_.-]*)\/_data\//;

/**
 * A file database in one of the app's volumes (backup and restore recipes): commands whose paths are all inside one
 * volume go to the gate's `@volume VOL` (it does the file operation itself, never through a symlink); the two copies
 * between the volume and the deploy dir stream through the gate, so the deploy user writes its own side. `sudoHelper`
 * is the helper's path. Undefined when no path of `argv` is in a volume.
 */
export function volumeFileCommand(
  argv: readonly string[],
  app: string | undefined,
  deployDir: string | undefined,
  helperPath: string,
): { argv: string[]; sudo: boolean } | undefined {
  const paths = argv.filter((a) => a.startsWith("/"));
  const volumes = new Set(paths.flatMap((p) => VOLUME_PATH.exec(p)?.[1] ?? []));
  if (volumes.size !== 1 || !app) return undefined;
  const [volume = ""] = volumes;
  const inDeploy = (p: string) => deployDir !== undefined && p.startsWith(`${deployDir.replace(/\/+$/, "")}/`);
  const via = `sudo -n -- ${shQuote(helperPath)} docker "$1"`;
  if (argv[0] === "sqlite3") {
    const into = /^VACUUM INTO '([^']+)';?$/.exec(argv.at(-1) ?? "")?.[1];
    const database = argv.at(-2) ?? "";
    if (into && inDeploy(into) && VOLUME_PATH.test(database)) {
      const script = `${via} @volume-sqlite-copy "$2" "$3" > "$4"`;
      return { argv: ["sh", "-c", script, "sh", app, volume, database, into], sudo: false };
    }
  }
  if (argv[0] === "cp" && argv[1] === "--" && argv.length === 4 && inDeploy(argv[2] ?? "")) {
    const script = `${via} @volume-put "$2" "$3" < "$4"`;
    return { argv: ["sh", "-c", script, "sh", app, volume, argv[3] ?? "", argv[2] ?? ""], sudo: false };
  }
  // DuckDB's stopped-app copy and its byte-for-byte check (adapters/duckdb.ts).
  if (argv[2] === PRIVATE_COPY && VOLUME_PATH.test(argv[4] ?? "") && inDeploy(argv[5] ?? "")) {
    const script = `umask 077; ${via} @volume-cat "$2" "$3" > "$4"`;
    return { argv: ["sh", "-c", script, "sh", app, volume, argv[4] ?? "", argv[5] ?? ""], sudo: false };
  }
  if (argv[0] === "cmp" && argv[1] === "--" && argv.length === 4) {
    const [a = "", b = ""] = argv.slice(2);
    const [inVolume, other] = VOLUME_PATH.test(a) ? [a, b] : [b, a];
    if (inDeploy(other)) {
      const script = `${via} @volume-cat "$2" "$3" | cmp -- - "$4"`;
      return { argv: ["sh", "-c", script, "sh", app, volume, inVolume, other], sudo: false };
    }
  }
  if (!paths.every((p) => VOLUME_PATH.test(p))) return undefined;
  return { argv: [helperPath, "docker", app, "@volume", volume, ...argv], sudo: true };
}
