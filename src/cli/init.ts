/**
 * `slipway init [dir]`: writes a commented slipway.yml (and the deploy and rollback workflows) for the app in `dir`,
 * from what detection finds there (src/config/init/). Asks for the server and the domain only on a terminal; every
 * answer has a flag. Refuses to overwrite unless --force; the config is validated before anything is written.
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { basename, dirname, isAbsolute, join, relative, resolve } from "node:path";
import { createInterface } from "node:readline/promises";
import { fileURLToPath } from "node:url";
import type { Command } from "commander";
import { type Detection, detectApp, type Runtime } from "../config/init/detect.js";
import { readAppTree } from "../config/init/read-tree.js";
import { initWorkflows } from "../config/init/workflows.js";
import { type InitAnswers, type InitHost, initConfigYaml } from "../config/init/write.js";
import { formatIssue } from "../config/issues.js";
import { JSON_SCHEMA_ID } from "../config/json-schema.js";
import { validateConfigText } from "../config/load.js";
import { secretReferences } from "../config/secrets.js";
import { ConfigError, SlipwayError, UsageError } from "../errors.js";
import { collect, DEFAULT_CONFIG, jsonOption } from "./_options.js";
import type { CliRun } from "./_run.js";

interface InitFlags {
  host: string[];
  domain?: string;
  email?: string;
  runtime?: string;
  registry?: string;
  sshUser?: string;
  sshKey?: string;
  knownHosts?: string;
  app?: string;
  env: string;
  workflows: boolean;
  force?: boolean;
  json?: boolean;
}

const RUNTIMES = ["systemd", "container", "compose"];

/** `name=address` or a bare address (named web1, web2, ...). */
export function parseHost(value: string, index: number): InitHost {
  const [name, address] = value.includes("=") ? value.split("=", 2) : [`web${index + 1}`, value];
  if (!name || !address || !/^[A-Za-z0-9_.-]+$/.test(name) || /\s/.test(address)) {
    throw new UsageError(`--host ${value}: expected NAME=ADDRESS or ADDRESS`, {
      hint: "e.g. --host web1=203.0.113.10",
    });
  }
  return { name, address };
}

/**
 * The schema for the editor line: a relative path when the app sits inside the Slipway checkout (examples/x) or has
 * Slipway installed under it (node_modules/slipway); else the published URL (a path into a checkout elsewhere breaks
 * once the app is committed and cloned).
 */
function schemaPath(dir: string): string {
  const schema = fileURLToPath(new URL("../../schema/slipway.schema.json", import.meta.url));
  const checkout = dirname(dirname(schema));
  const inside = (parent: string, child: string) => !relative(parent, child).startsWith("..");
  return inside(dir, schema) || inside(checkout, dir) ? relative(dir, schema) : JSON_SCHEMA_ID;
}

/** ssh's default key files, in the order ssh tries them. */
const DEFAULT_KEYS = ["id_ed25519", "id_ecdsa", "id_rsa"];

/** A local path as slipway.yml holds it: `~/...` under the home directory, else absolute (the cwd is not the config's dir). */
function configPath(path: string): string {
  const absolute = resolve(path.replace(/^~(?=\/|$)/, homedir()));
  const home = relative(homedir(), absolute);
  return home && !home.startsWith("..") && !isAbsolute(home) ? `~/${home}` : absolute;
}

/** --ssh-key (must exist), else the first of ssh's default keys in ~/.ssh; --known-hosts (must exist). */
function sshAnswers(flags: InitFlags): Pick<InitAnswers, "identityFile" | "knownHostsFile"> {
  const must = (flag: string, path: string) => {
    if (!existsSync(resolve(path.replace(/^~(?=\/|$)/, homedir()))))
      throw new UsageError(`${flag} ${path}: no such file`, { hint: `give the path of an existing file to ${flag}` });
    return configPath(path);
  };
  const found = DEFAULT_KEYS.find((k) => existsSync(join(homedir(), ".ssh", k)));
  const identityFile = flags.sshKey
    ? { path: must("--ssh-key", flags.sshKey), found: false }
    : found
      ? { path: `~/.ssh/${found}`, found: true }
      : undefined;
  return {
    ...(identityFile ? { identityFile } : {}),
    ...(flags.knownHosts ? { knownHostsFile: must("--known-hosts", flags.knownHosts) } : {}),
  };
}

async function ask(question: string): Promise<string | undefined> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return (await rl.question(question)).trim() || undefined;
  } finally {
    rl.close();
  }
}

/** The answers from flags; on a terminal, the server and domain not given are asked for (empty: keep the default). */
async function answersOf(dir: string, flags: InitFlags): Promise<InitAnswers> {
  const hosts = flags.host.map(parseHost);
  let domain = flags.domain;
  if (process.stdin.isTTY && !flags.json) {
    if (hosts.length === 0) {
      const given = await ask("server address (NAME=ADDRESS or ADDRESS, empty for a placeholder): ");
      if (given) hosts.push(parseHost(given, 0));
    }
    domain ??= await ask("domain (empty: answer any name on port 80): ");
  }
  return {
    hosts,
    schema: schemaPath(dir),
    ...(domain ? { domain } : {}),
    ...(flags.email ? { email: flags.email } : {}),
    ...(flags.sshUser ? { sshUser: flags.sshUser } : {}),
    ...sshAnswers(flags),
    ...(flags.registry ? { registry: flags.registry } : {}),
  };
}

function runtimeOf(value: string | undefined): Runtime | undefined {
  if (value === undefined) return undefined;
  if (RUNTIMES.includes(value)) return value as Runtime;
  throw new UsageError(`--runtime ${value}: expected one of ${RUNTIMES.join(", ")}`, {
    hint: "e.g. --runtime systemd",
  });
}

/** The files init writes, refusing (before writing any) when one exists and --force is not given. */
function filesToWrite(dir: string, config: string, detection: Detection, flags: InitFlags) {
  const files = [{ path: DEFAULT_CONFIG, text: config }];
  if (flags.workflows) {
    const secrets = detection.services.flatMap((s) => s.secrets);
    files.push(...initWorkflows(flags.env, [...new Set(secrets)]));
  }
  const existing = files.filter((f) => existsSync(join(dir, f.path))).map((f) => f.path);
  if (existing.length > 0 && !flags.force) {
    throw new SlipwayError(`${existing.map((f) => join(dir, f)).join(", ")}: already exists, left as it is`, {
      hint: "compare with `slipway init --force` in a copy, or pass --force to overwrite",
    });
  }
  return files;
}

export function register(program: Command, run: CliRun): void {
  const command = program
    .command("init")
    .description("write a commented slipway.yml (and deploy/rollback workflows) from what the app directory holds")
    .argument("[dir]", "the app directory", ".")
    .option("--host <host>", "a server: NAME=ADDRESS or ADDRESS (repeatable)", collect, [])
    .option("--domain <name>", "the site's domain (nginx server_name, and the certificate with --email)")
    .option("--email <address>", "ACME account e-mail: enables HTTPS from Let's Encrypt for --domain")
    .option("--runtime <runtime>", `override the detected runtime: ${RUNTIMES.join(", ")}`)
    .option("--registry <host>", "image registry (container/compose); default: images streamed over SSH")
    .option("--ssh-user <user>", "SSH user on the servers (default: deploy)")
    .option("--ssh-key <file>", "private key for SSH (default: the first of ~/.ssh/id_ed25519, id_ecdsa, id_rsa)")
    .option("--known-hosts <file>", "known_hosts file pinning the servers' host keys (default: ~/.ssh/known_hosts)")
    .option("--app <name>", "app name (default: the directory's name)")
    .option("--env <name>", "the environment the workflows deploy (an empty overlay in slipway.yml)", "production")
    .option("--no-workflows", "do not write .github/workflows/deploy.yml and rollback.yml")
    .option("-f, --force", "overwrite slipway.yml and the workflows when they exist");
  jsonOption(command, "print {dir, app, runtime, services, database, reasons, files} as JSON");
  command.action(async (dirArg: string, flags: InitFlags) => {
    const dir = resolve(dirArg);
    if (!existsSync(dir)) throw new SlipwayError(`${dirArg}: no such directory`, { hint: "give the app's directory" });
    const detection = detectApp(readAppTree(dir), flags.app ?? basename(dir), runtimeOf(flags.runtime));
    const text = initConfigYaml(detection, await answersOf(dir, flags), flags.env);
    const file = join(dir, DEFAULT_CONFIG);
    const checked = validateConfigText(text, file, { environment: flags.env });
    if (!checked.ok) {
      throw new ConfigError(`the config init made does not validate:\n${checked.issues.map(formatIssue).join("\n")}`, {
        hint: "a bug in slipway init's detection: pass --runtime or --app, or report the directory layout",
      });
    }
    const files = filesToWrite(dir, text, detection, flags);
    for (const f of files) {
      mkdirSync(dirname(join(dir, f.path)), { recursive: true });
      writeFileSync(join(dir, f.path), f.text);
    }
    const secrets = checked.configs[0] ? secretReferences(checked.configs[0]).map((s) => s.name) : [];
    if (flags.json) {
      const { app, runtime, services, database, reasons } = detection;
      run.json({ dir, app, runtime, services, database, reasons, files: files.map((f) => f.path), secrets });
      return;
    }
    for (const reason of detection.reasons) run.out(`found: ${reason}`);
    for (const f of files) run.out(`wrote ${join(dirArg, f.path)}`);
    run.out(`next: review ${join(dirArg, DEFAULT_CONFIG)}, then \`slipway validate\` and \`slipway deploy -C\``);
    if (secrets.length > 0) run.out(`secrets the deploy reads from its environment: ${secrets.join(", ")}`);
  });
}
