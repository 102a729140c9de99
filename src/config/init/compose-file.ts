/**
 * The services of an existing docker compose file, as `slipway init` carries them over: built services keep their
 * context, port, environment and named volumes; a Postgres/MySQL/MariaDB image becomes an accessory (run once,
 * outside the colors) with its password as a secret; an nginx service is left out (Slipway runs nginx on the host).
 * Pure; the values in `environment:` that look like passwords, or are built from variables, become secret names,
 * never copied.
 */
import { parse } from "yaml";
import type { DetectedService } from "./detect.js";

export interface ComposeServices {
  services: DetectedService[];
  notes: string[];
}

type Raw = Record<string, unknown>;

const DATABASE_IMAGE = /(^|\/)(postgres|postgis|mysql|mariadb)(:|@|$)/;
const DATABASE_PORTS: Record<string, number> = { postgres: 5432, postgis: 5432, mysql: 3306, mariadb: 3306 };
const DATA_DIRS: Record<string, string> = {
  postgres: "/var/lib/postgresql/data",
  postgis: "/var/lib/postgresql/data",
  mysql: "/var/lib/mysql",
  mariadb: "/var/lib/mysql",
};
const SECRET_NAME = /PASSWORD|SECRET|TOKEN|_KEY$|^KEY$/;

/**
 * The compose file's services; an unparsable file gives none and a note saying why. `read` gives the text of a file
 * of the app directory (an `env_file:`), undefined when it is missing or unreadable.
 */
export function composeServices(
  text: string,
  file: string,
  read: (path: string) => string | undefined = () => undefined,
): ComposeServices {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (error) {
    return { services: [], notes: [`${file}: not valid YAML (${(error as Error).message.split("\n")[0]}), ignored`] };
  }
  const raw = (doc as Raw | null)?.services;
  if (!raw || typeof raw !== "object") return { services: [], notes: [`${file}: no services, ignored`] };
  const services: DetectedService[] = [];
  const notes: string[] = [];
  for (const [name, value] of Object.entries(raw as Record<string, Raw>)) {
    const image = typeof value?.image === "string" ? value.image : undefined;
    if (image && /(^|\/)nginx(:|@|$)/.test(image)) {
      notes.push(`${file}: service ${name} (nginx) left out: Slipway runs nginx on the host and routes to the app`);
      continue;
    }
    const service = composeService(name, value ?? {}, image);
    if (service) {
      const lines = [...carryEnvFiles(service, value?.env_file, read), ...notCarried(service, value ?? {})];
      notes.push(...lines.map((line) => `${file}: service ${name}: ${line}`));
      if (lines.length > 0) service.composeNotes = lines;
      services.push(service);
    } else
      notes.push(
        `${file}: service ${name} (image ${image}) left out: add it by hand as an accessory if the app needs it`,
      );
  }
  return { services, notes };
}

function composeService(name: string, value: Raw, image: string | undefined): DetectedService | undefined {
  const { env, secrets } = environmentOf(value.environment);
  const dependsOn = Array.isArray(value.depends_on)
    ? value.depends_on.map(String)
    : value.depends_on && typeof value.depends_on === "object"
      ? Object.keys(value.depends_on)
      : [];
  const binds = bindMounts(value.volumes);
  const base = {
    name,
    env,
    secrets,
    dependsOn,
    dockerfile: false,
    volumes: namedVolumes(value.volumes),
    ...(binds.length > 0 ? { bindMounts: binds } : {}),
  };
  if (value.build !== undefined) {
    const context = typeof value.build === "string" ? value.build : String((value.build as Raw).context ?? ".");
    const port = portOf(value) ?? 8000;
    return { ...base, context: context.replace(/^\.\/?/, "") || ".", port, dockerfile: true };
  }
  const kind = image ? DATABASE_IMAGE.exec(image)?.[2] : undefined;
  if (!image || !kind) return undefined;
  const volumes = base.volumes.length > 0 ? base.volumes : [`${name}-data:${DATA_DIRS[kind]}`];
  return { ...base, context: ".", image, accessory: true, port: DATABASE_PORTS[kind] ?? 5432, volumes };
}

/** The container port of `ports:` ("8000:8000", "127.0.0.1:80:8000", {target: 8000}) or `expose:`. */
function portOf(value: Raw): number | undefined {
  const first = [
    ...(Array.isArray(value.ports) ? value.ports : []),
    ...(Array.isArray(value.expose) ? value.expose : []),
  ][0];
  if (first === undefined) return undefined;
  if (typeof first === "object" && first !== null) return Number((first as Raw).target) || undefined;
  const container = String(first).split("/")[0]?.split(":").pop();
  return Number(container) || undefined;
}

/** Plain values kept; a password-like name becomes a secret (its value is never copied into slipway.yml). */
function environmentOf(environment: unknown): { env: Record<string, string>; secrets: string[] } {
  const pairs: Array<[string, string]> = Array.isArray(environment)
    ? environment.map((line) => {
        const [key = "", ...rest] = String(line).split("=");
        return [key, rest.join("=")];
      })
    : Object.entries((environment as Raw | undefined) ?? {}).map(([k, v]) => [k, v === null ? "" : String(v)]);
  const env: Record<string, string> = {};
  const secrets: string[] = [];
  for (const [key, value] of pairs) {
    // A value built from variables (`postgresql://app:${POSTGRES_PASSWORD}@db/app`) holds a secret too.
    if (SECRET_NAME.test(key) || /\$\{/.test(value)) secrets.push(key);
    else env[key] = value;
  }
  return { env, secrets };
}

/** `source:/target` of each `volumes:` entry (the short form or the long one), options dropped. */
function mounts(volumes: unknown): string[] {
  if (!Array.isArray(volumes)) return [];
  return volumes
    .map((v) => (typeof v === "string" ? v : `${(v as Raw).source}:${(v as Raw).target}`))
    .filter((v) => /^[^:]+:\//.test(v))
    .map((v) => v.split(":").slice(0, 2).join(":"));
}

/** `name:/path` entries (named volumes). */
function namedVolumes(volumes: unknown): string[] {
  return mounts(volumes).filter((v) => /^[a-z0-9][a-z0-9_.-]*:\//i.test(v));
}

/**
 * Bind mounts (`./instance:/app/instance`, `/srv/x:/x`): a directory of the machine compose ran on, which the
 * servers do not have; the file database's location may take one over as a named volume (file-database.ts).
 */
function bindMounts(volumes: unknown): string[] {
  return mounts(volumes).filter((v) => /^[.~/]/.test(v));
}

/** Compose keys Slipway does the same way itself, or carries (above); any other is said not to be carried. */
const CARRIED = new Set(["build", "image", "ports", "expose", "environment", "env_file", "volumes", "depends_on"]);
const SAME_RESTART = new Set(["unless-stopped", "always"]);

/** The service's keys init does not carry, one line each for `command` and the rest, so nothing is dropped unsaid. */
function notCarried(service: DetectedService, value: Raw): string[] {
  const keys = Object.keys(value).filter(
    (k) => !CARRIED.has(k) && !(k === "restart" && SAME_RESTART.has(String(value.restart))),
  );
  const lines: string[] = [];
  if (keys.includes("command")) {
    const command = [value.command].flat().join(" ");
    lines.push(
      `command \`${command}\` not carried: the image's CMD runs instead (set services.${service.name}.command to keep it)`,
    );
  }
  const others = keys.filter((k) => k !== "command");
  if (others.length > 0)
    lines.push(
      `not carried: ${others.join(", ")} (set what the app needs under services.${service.name}; see docs/config.md)`,
    );
  return lines;
}

/** `env_file:` as compose takes it: a path, a list of paths, or a list of `{path, required}`. */
export function envFilePaths(envFile: unknown): string[] {
  const list = Array.isArray(envFile) ? envFile : envFile === undefined || envFile === null ? [] : [envFile];
  return list
    .map((e) => (typeof e === "object" && e !== null ? (e as Raw).path : e))
    .filter((p): p is string => typeof p === "string" && p !== "")
    .map((p) => p.replace(/^\.\//, ""));
}

/** The variable names of a dotenv file (`KEY=value`, `export KEY=value`); comments, blanks and values ignored. */
export function dotenvNames(text: string): string[] {
  const names: string[] = [];
  for (const line of text.split("\n")) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=/.exec(line);
    if (m?.[1] && !names.includes(m[1])) names.push(m[1]);
  }
  return names;
}

/**
 * The `env_file:` variables of a service become its secrets, by name only (an env file holds secrets and their values
 * are never written to slipway.yml); `environment:` wins over the file, as in compose. Returns what was done, one line
 * per file, for init's output and the service's comment.
 */
function carryEnvFiles(
  service: DetectedService,
  envFile: unknown,
  read: (path: string) => string | undefined,
): string[] {
  const lines: string[] = [];
  for (const path of envFilePaths(envFile)) {
    const text = read(path);
    if (text === undefined) {
      lines.push(
        `env_file ${path} not found: its variables are not carried over; list them under services.${service.name}.secrets (values from the deploy's environment) or env`,
      );
      continue;
    }
    const names = dotenvNames(text).filter((n) => !(n in service.env) && !service.secrets.includes(n));
    service.secrets.push(...names);
    lines.push(
      names.length > 0
        ? `env_file ${path}: ${names.join(", ")} carried as secrets (names only; set their values in the deploy's environment)`
        : `env_file ${path}: no variables to carry`,
    );
  }
  return lines;
}
