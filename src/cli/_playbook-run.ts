/**
 * Shared by `slipway run` and `slipway plan`: load the inventory (slipway.yml or an inventory file), parse the
 * playbook, run it with the console reporter, print the recap. Returns the exit code.
 */

import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { firewallPorts } from "../config/firewall.js";
import { type ResolvedHost, resolveHosts } from "../config/inventory.js";
import { loadConfig } from "../config/load.js";
import type { SlipwayConfig } from "../config/schema.js";
import { resolveSecrets } from "../config/secrets.js";
import { certificateNames } from "../config/served-names.js";
import { sshTargetFor } from "../config/ssh-target.js";
import { swarmPlaybookVars } from "../config/swarm.js";
import { inventoryOf } from "../deploy/connect.js";
import type { Inventory } from "../engine/inventory.js";
import { hooksFromConfig } from "../engine/parse/hooks.js";
import { parsePlaybookFile } from "../engine/parse/playbook.js";
import type { HookEntry } from "../engine/parse/task.js";
import { consoleReporter } from "../engine/reporter.js";
import { type Connect, runPlaybook } from "../engine/run.js";
import { loadInventoryFile, sshConnect } from "../engine/ssh.js";
import { UsageError } from "../errors.js";
import { defaultRegistry } from "../modules/index.js";
import { connect, type Redactor } from "../remote/index.js";
import { exitCodeForOutcome } from "./_exit.js";
import { DEFAULT_CONFIG } from "./_options.js";
import type { CliRun } from "./_run.js";

export interface PlaybookCommandOptions {
  inventory?: string;
  config?: string;
  env?: string;
  check?: boolean;
  diff?: boolean;
  /** `-l` values, joined into one host pattern. */
  limit?: string[];
  json?: boolean;
  detailedExitcode?: boolean;
  tags?: string;
  skipTags?: string;
  forks?: string;
  extraVars?: string[];
  /** `NAME=FILE`: a task file run at the playbook's `hook: NAME` point (after slipway.yml's own hook tasks). */
  hook?: string[];
  verbose?: boolean;
  /**
   * `-u, --user`: connect to slipway.yml's hosts as this admin (root, or full sudo) instead of `ssh.user`, for a
   * playbook such as bootstrap.yml on a host the config reaches in helper mode; `--private-key` its key.
   */
  user?: string;
  privateKey?: string;
}

/** The admin a playbook connects as instead of the config's deploy user (`--user`, `--private-key`). */
export interface AdminLogin {
  user: string;
  privateKey?: string;
}

/**
 * The host as the admin reaches it: its user, full sudo (privilege root: the helper only serves the deploy user) and
 * its key when given (relative to the working directory); everything else (address, host keys, jump) as configured.
 */
export function asAdmin(host: ResolvedHost, admin: AdminLogin): ResolvedHost {
  return {
    ...host,
    user: admin.user,
    privilege: { ...host.privilege, mode: "root" },
    ...(admin.privateKey ? { identityFile: resolve(admin.privateKey), privateKeySecret: undefined } : {}),
  };
}

/** Adds `--hook NAME=FILE` task files to the hooks from slipway.yml (any hook name: after_bootstrap too). */
export function withHookFiles(
  hooks: Readonly<Record<string, HookEntry[]>>,
  values: readonly string[] = [],
): Record<string, HookEntry[]> {
  const merged: Record<string, HookEntry[]> = { ...hooks };
  for (const value of values) {
    const match = /^([A-Za-z0-9_-]+)=(.+)$/.exec(value);
    if (!match) throw new UsageError(`--hook expects NAME=FILE (e.g. after_bootstrap=ops/extra.yml), got "${value}"`);
    const [, name, file] = match as unknown as [string, string, string];
    merged[name] = [...(merged[name] ?? []), resolve(file)];
  }
  return merged;
}

/** `-e key=value`, `-e '{"json": 1}'` or `-e @file.yml`. */
export async function parseExtraVars(values: readonly string[] = []): Promise<Record<string, unknown>> {
  const { parse } = await import("yaml");
  const vars: Record<string, unknown> = {};
  for (const value of values) {
    if (value.startsWith("@")) Object.assign(vars, parse(await readFile(value.slice(1), "utf8")));
    else if (value.trim().startsWith("{")) Object.assign(vars, JSON.parse(value));
    else {
      const at = value.indexOf("=");
      if (at <= 0) throw new UsageError(`-e expects key=value, JSON or @file, got "${value}"`);
      vars[value.slice(0, at)] = value.slice(at + 1);
    }
  }
  return vars;
}

interface Target {
  inventory: Inventory;
  connect: Connect;
  config?: Record<string, unknown>;
  hooks: Record<string, HookEntry[]>;
  /** The slipway.yml the hooks came from. */
  hooksFile?: string;
}

async function fromConfig(
  file: string,
  env: string | undefined,
  redactor: Redactor,
  admin: AdminLogin | undefined,
): Promise<Target> {
  const config = await loadConfig(file, { environment: env });
  // Secret values slipway.yml names are masked in every message and diff the run prints.
  for (const value of Object.values(resolveSecrets(config, process.env).values)) redactor.add(value);
  const hosts = resolveHosts(config);
  const base = dirname(resolve(file));
  const byName = new Map(hosts.map((h) => [h.name, h]));
  const listed = inventoryOf(config);
  const inventory: Inventory = {
    ...listed,
    hosts: Object.fromEntries(
      Object.entries(listed.hosts).map(([name, h]) => {
        const vars = {
          ...(admin ? deployUserVars(byName.get(name)) : {}),
          ...hostVarsFromConfig(config, name, h.vars),
        };
        return [name, { ...h, ...(admin ? { user: admin.user } : {}), vars }];
      }),
    ),
  };
  const connectHost: Connect = async (name) => {
    const h = byName.get(name);
    if (!h) throw new Error(`host ${name} is not in ${file}`);
    return connect(await sshTargetFor(admin ? asAdmin(h, admin) : h, hosts, base), { redactor });
  };
  const hooks = hooksFromConfig(config as unknown as { hooks: Record<string, unknown[]> });
  return {
    inventory,
    connect: connectHost,
    config: config as unknown as Record<string, unknown>,
    hooks,
    hooksFile: resolve(file),
  };
}

/**
 * With `--user`, the config's own SSH user and privilege mode are the deploy user bootstrap.yml sets up
 * (`slipway_deploy_user`, `slipway_deploy_privilege`; `-e deploy_user=...` still wins).
 */
function deployUserVars(host: ResolvedHost | undefined): Record<string, unknown> {
  return host ? { slipway_deploy_user: host.user, slipway_deploy_privilege: host.privilege.mode } : {};
}

/**
 * A host's vars plus what bootstrap.yml derives from slipway.yml: `slipway_firewall_tcp_ports` (SSH port, nginx's
 * 80/443), `slipway_firewall_upstream_rules` (upstream ports open to the nginx hosts only) and, with TLS from ACME,
 * what the privilege helper records for its certbot verb (`slipway_certificate_names`, first the lineage's, and
 * `slipway_acme_server|email|ca_bundle`). The host's own vars win.
 */
function hostVarsFromConfig(
  config: SlipwayConfig,
  host: string,
  vars: Record<string, unknown> | undefined,
): Record<string, unknown> {
  const firewall = firewallPorts(config, host);
  const { tls } = config;
  const acme = tls.enabled && tls.certificate_path === undefined;
  return {
    slipway_firewall_tcp_ports: firewall.tcp,
    slipway_firewall_upstream_rules: firewall.upstreamRules,
    ...(acme
      ? {
          slipway_certificate_names: certificateNames(config),
          slipway_acme_server: tls.acme_server,
          slipway_acme_email: tls.email ?? "",
          slipway_acme_ca_bundle: tls.ca_bundle ?? "",
        }
      : {}),
    ...(config.runtime === "swarm" ? swarmPlaybookVars(config, host) : {}),
    ...vars,
  };
}

/**
 * Runs `playbookPath` against the inventory (an inventory file, or slipway.yml's); progress through `run` (stderr
 * with --json, which prints the result on stdout). Returns the exit code (_exit.ts).
 */
export async function runPlaybookCommand(
  playbookPath: string,
  run: CliRun,
  options: PlaybookCommandOptions,
): Promise<number> {
  const redactor = run.redactor;
  if (options.privateKey && !options.user) throw new UsageError("--private-key goes with --user (the admin's key)");
  const admin = options.user ? { user: options.user, privateKey: options.privateKey } : undefined;
  if (options.inventory && (options.user || options.privateKey)) {
    throw new UsageError(
      "--user and --private-key apply to slipway.yml's inventory; an inventory file names its own ssh user and key",
    );
  }
  const target: Target = options.inventory
    ? await (async () => {
        const loaded = await loadInventoryFile(options.inventory as string);
        return { inventory: loaded.inventory, connect: sshConnect(loaded.ssh, { redactor }), hooks: {} };
      })()
    : await fromConfig(options.config ?? DEFAULT_CONFIG, options.env, redactor, admin);
  const modules = defaultRegistry();
  const playbook = parsePlaybookFile(playbookPath, {
    modules,
    hooks: withHookFiles(target.hooks, options.hook),
    hooksFile: target.hooksFile,
  });
  const reporter = consoleReporter({ verbose: options.verbose, write: options.json ? run.writeErr : run.write });
  for (const warning of playbook.warnings ?? []) reporter.warn?.(warning);
  const list = (v?: string) =>
    v
      ? v
          .split(",")
          .map((t) => t.trim())
          .filter(Boolean)
      : [];
  const result = await runPlaybook(playbook, {
    inventory: target.inventory,
    connect: target.connect,
    modules,
    check: options.check,
    diff: options.diff,
    limit: options.limit && options.limit.length > 0 ? options.limit : undefined,
    tags: list(options.tags),
    skipTags: list(options.skipTags),
    forks: options.forks ? Number(options.forks) : undefined,
    extraVars: await parseExtraVars(options.extraVars),
    config: target.config,
    redactor,
    reporter,
  });
  reporter.recap(result);
  if (options.check) (options.json ? run.err : run.out)("\ncheck mode: nothing was changed");
  if (options.json) run.json(result);
  const hosts = Object.values(result.recap);
  return exitCodeForOutcome(
    {
      failed: hosts.filter((h) => h.failed > 0).length,
      unreachable: hosts.filter((h) => h.unreachable > 0).length,
      changed: hosts.filter((h) => h.changed > 0).length,
    },
    options.detailedExitcode,
  );
}
