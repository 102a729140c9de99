/**
 * `slipway init`'s slipway.yml: the detection (detect.ts) and the user's answers as a commented YAML document, built
 * with the `yaml` library's Document API (comments sit on their keys; values are quoted by the library, never by
 * string concatenation). Pure.
 */
import { Document, isMap, isScalar, type Pair, type YAMLMap } from "yaml";
import type { DetectedService, Detection } from "./detect.js";
import { backendOf } from "./wiring.js";

export interface InitHost {
  name: string;
  address: string;
}

/** What the user says (flags or prompts); every field has a default that validates. */
export interface InitAnswers {
  hosts: InitHost[];
  domain?: string;
  email?: string;
  sshUser?: string;
  /** The private key: from --ssh-key, or the first of ssh's default keys found in ~/.ssh (`found`). */
  identityFile?: { path: string; found: boolean };
  /** --known-hosts: the host keys to pin (without it, ~/.ssh/known_hosts is read, as ssh does). */
  knownHostsFile?: string;
  registry?: string;
  /** Path or URL of slipway.schema.json for the editor line. */
  schema: string;
}

/** A placeholder address from TEST-NET-3 (RFC 5737): valid, and never anyone's server. */
export const PLACEHOLDER_HOST: InitHost = { name: "web1", address: "203.0.113.10" };

type Comments = Array<[path: string[], comment: string]>;

/** The slipway.yml text for `detection` and `answers`. */
export function initConfigYaml(detection: Detection, answers: InitAnswers, environment = "production"): string {
  const { value, comments } = initConfig(detection, answers);
  value.environments = { [environment]: {} };
  comments.push([
    ["environments"],
    ` What differs in ${environment} (the environment the workflows deploy), e.g. proxy.domains.`,
  ]);
  const doc = new Document(value);
  doc.commentBefore = [
    ` Written by \`slipway init\` from what it found in this directory; check it with \`slipway validate\`,`,
    " see what it resolves to with `slipway config`, and the reference in docs/config.md.",
    ` yaml-language-server: $schema=${answers.schema}`,
  ].join("\n");
  for (const [path, comment] of comments) commentKey(doc, path, comment);
  // A blank line before each top-level section after the first two.
  if (isMap(doc.contents))
    for (const pair of doc.contents.items.slice(2)) if (isScalar(pair.key)) pair.key.spaceBefore = true;
  return doc.toString({ lineWidth: 0 });
}

/** The config as plain data, with the comment of each key that gets one. */
export function initConfig(
  detection: Detection,
  answers: InitAnswers,
): { value: Record<string, unknown>; comments: Comments } {
  const comments: Comments = [];
  const value: Record<string, unknown> = { app: detection.app, runtime: detection.runtime };
  comments.push([["runtime"], detection.reasons.find((r) => r.startsWith("runtime ")) ?? ""]);
  if (detection.database?.engine === "duckdb") {
    value.strategy = "stop-first";
    comments.push([
      ["strategy"],
      " DuckDB allows one writer: blue and green cannot both run (a short downtime per deploy)",
    ]);
  }
  if (detection.runtime !== "systemd" && answers.registry) {
    value.image = { registry: answers.registry, repository: detection.app };
  } else if (detection.runtime !== "systemd") {
    comments.push([
      ["services"],
      " Images are built here and streamed to each host over SSH; set image.registry to push and pull instead.",
    ]);
  }
  value.services = Object.fromEntries(detection.services.map((s) => [s.name, serviceConfig(s, detection)]));
  for (const s of detection.services) {
    const compose = (s.composeNotes ?? []).map((line) => `\n compose ${line}`).join("");
    comments.push([["services", s.name], ` ${serviceComment(s)}${compose}`]);
  }
  const hosts = answers.hosts.length > 0 ? answers.hosts : [PLACEHOLDER_HOST];
  const ssh = {
    ...(answers.sshUser ? { user: answers.sshUser } : {}),
    ...(answers.identityFile ? { identity_file: answers.identityFile.path } : {}),
    ...(answers.knownHostsFile ? { known_hosts_file: answers.knownHostsFile } : {}),
  };
  value.inventory = {
    ...(Object.keys(ssh).length > 0 ? { ssh } : {}),
    hosts: Object.fromEntries(hosts.map((h) => [h.name, { address: h.address }])),
  };
  const placeholder =
    answers.hosts.length === 0 ? " Replace the placeholder with your server (slipway init --host name=address).\n" : "";
  comments.push([["inventory"], `${placeholder}${sshComment(answers)}`]);
  value.proxy = proxyConfig(detection, answers);
  if (!answers.domain) comments.push([["proxy"], " No --domain: nginx answers any name on port 80 (default server)."]);
  value.tls = answers.domain && answers.email ? { enabled: true, email: answers.email } : { enabled: false };
  if (!(answers.domain && answers.email)) {
    comments.push([
      ["tls"],
      " HTTPS from Let's Encrypt: give --domain and --email (or set enabled: true and email here).",
    ]);
  }
  const database = databaseConfig(detection);
  if (database) {
    value.database = database;
    const note = detection.database?.note ? `\n ${detection.database.note}` : "";
    comments.push([
      ["database"],
      ` ${detection.reasons.find((r) => r.startsWith("database")) ?? ""}; backed up before each deploy${note}`,
    ]);
  }
  return { value, comments };
}

function serviceConfig(s: DetectedService, detection: Detection): Record<string, unknown> {
  const compose = detection.runtime === "compose";
  const out: Record<string, unknown> = s.image ? { image: s.image } : { build: { context: s.context } };
  out.port = s.port;
  if (s.accessory) {
    out.accessory = true;
    out.health = { container_check: ["pg_isready", "-q"] };
    if (!s.image?.includes("postgres") && !s.image?.includes("postgis")) {
      out.health = { container_check: ["mysqladmin", "ping", "--silent"] };
    }
    // The official database images start as root and drop to their user.
    out.container = { capabilities: ["CHOWN", "DAC_OVERRIDE", "FOWNER", "SETGID", "SETUID"] };
  } else {
    const health: Record<string, unknown> = { path: s.healthPath ?? "/" };
    if (compose && s.framework) health.container_check = "python";
    out.health = health;
  }
  if (detection.runtime === "systemd" && !s.image) {
    out.systemd = {
      ...(s.server && s.server !== "gunicorn" ? { server: s.server } : {}),
      app_module: s.appModule ?? "wsgi:app",
    };
  }
  if (Object.keys(s.env).length > 0) out.env = s.env;
  if (s.secrets.length > 0) out.secrets = s.secrets;
  if (s.volumes.length > 0 && detection.runtime !== "systemd") out.volumes = s.volumes;
  if (s.dependsOn.length > 0 && compose) out.depends_on = s.dependsOn;
  return out;
}

function serviceComment(s: DetectedService): string {
  if (s.image) return `${s.image}: run once beside the colors, kept across deploys`;
  const what = s.framework ? `${s.framework} app` : "app";
  const module = s.appModule ? `, ${s.appModule}` : ", app module not found: set systemd.app_module";
  return `${what} in ${s.context}${s.framework ? module : ""}; health: ${s.healthPath ? "its own route" : "no health route found, / is polled"}`;
}

/**
 * Slipway connects with the key file it is given (a passphrase-protected one opens with SLIPWAY_SSH_PASSPHRASE or
 * ssh-agent); without one and without ssh-agent the first deploy stops at "no private key configured". The host key is read from ~/.ssh/known_hosts as ssh does, unless a file is pinned.
 */
function sshComment(answers: InitAnswers): string {
  const key = answers.identityFile
    ? answers.identityFile.found
      ? ` SSH: ssh.identity_file is the key found in ~/.ssh (ssh's default); its public half must be in the server's
   ~USER/.ssh/authorized_keys (pass --ssh-key to choose another). A passphrase-protected key: ssh-agent or SLIPWAY_SSH_PASSPHRASE.`
      : " SSH: ssh.identity_file (from --ssh-key): its public half must be in the server's ~USER/.ssh/authorized_keys."
    : [
        " SSH: set ssh.identity_file to the private key whose public half is in the server's ~USER/.ssh/authorized_keys",
        "   (e.g. ssh: { user: deploy, identity_file: ~/.ssh/id_ed25519 }), or load it into ssh-agent.",
      ].join("\n");
  const hostKey = answers.knownHostsFile
    ? "   The servers' host keys are pinned in ssh.known_hosts_file (from --known-hosts)."
    : [
        "   The server's host key must be in ~/.ssh/known_hosts (ssh-keyscan -H ADDRESS >> ~/.ssh/known_hosts, then check",
        "   its fingerprint) or pinned with ssh.known_hosts_file.",
      ].join("\n");
  return `${key}\n${hostKey}`;
}

/** Routes: a backend/api service gets /api/ when another service serves /; static/ is served by nginx. */
function proxyConfig(detection: Detection, answers: InitAnswers): Record<string, unknown> {
  const web = detection.services.filter((s) => !s.accessory);
  const api = backendOf(detection.services);
  const front = web.find((s) => s !== api);
  // The verify after the switch GETs each route's path: `/api/` itself is mostly a 404. A data route proves more than
  // the health route the gate already polled (D44); the health route when the code declares none.
  const checkOf = (s: DetectedService | undefined) => {
    const path = s?.dataPath ?? (s?.healthPath?.startsWith("/api/") ? s.healthPath : undefined);
    return path ? { check: { path } } : {};
  };
  const apiCheck = checkOf(api);
  // A lone service whose routes are under /api/ is an API: its `/` is a 404 too (seed 001).
  const frontCheck = !api && (front?.dataPath || front?.healthPath?.startsWith("/api/")) ? checkOf(front) : {};
  const routes = [
    ...(api ? [{ path: "/api/", service: api.name, ...apiCheck }] : []),
    ...(front ? [{ path: "/", service: front.name, ...frontCheck }] : []),
  ];
  const staticDir = web.find((s) => s.staticDir)?.staticDir;
  return {
    ...(answers.domain ? { domains: [answers.domain] } : { default_server: true }),
    routes,
    ...(staticDir ? { static: { source: staticDir, path: "/static/" } } : {}),
  };
}

function databaseConfig(detection: Detection): Record<string, unknown> | undefined {
  const db = detection.database;
  if (!db) return undefined;
  if (db.composeService) {
    return {
      engine: db.engine,
      compose_service: db.composeService,
      ...(db.passwordSecret ? { password_secret: db.passwordSecret } : {}),
    };
  }
  if (db.urlSecret) return { engine: db.engine, url_secret: db.urlSecret };
  return { engine: db.engine, path: db.path, ...(db.volume ? { volume: db.volume } : {}) };
}

/** Puts `comment` above the key at `path` (a top-level key or a nested one). */
function commentKey(doc: Document, path: string[], comment: string): void {
  if (!comment.trim()) return;
  const parent = path.length === 1 ? doc.contents : doc.getIn(path.slice(0, -1), true);
  if (!isMap(parent)) return;
  const pair = (parent as YAMLMap).items.find((p: Pair) => (isScalar(p.key) ? p.key.value : p.key) === path.at(-1));
  if (pair && isScalar(pair.key)) pair.key.commentBefore = comment.startsWith(" ") ? comment : ` ${comment}`;
}
