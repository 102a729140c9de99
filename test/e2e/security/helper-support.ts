/**
 * Set-up for the helper-mode e2e tests on t2: a deploy user `slipdeploy` whose only sudo rule is the privilege helper,
 * made by playbooks/bootstrap.yml itself (tags user, helper, dirs), and configs that deploy as that user.
 * The sandbox's own `deploy` user (NOPASSWD: ALL) only prepares and cleans up.
 */
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { parse, stringify } from "yaml";
import { type ResolvedHost, resolveHosts, type SlipwayConfig } from "../../../src/config/index.js";
import { sshTargetFor } from "../../../src/config/ssh-target.js";
import { parsePlaybookFile } from "../../../src/engine/parse/playbook.js";
import { type RunResult, runPlaybook } from "../../../src/engine/run.js";
import { inventoryFromSandbox, sshConnect } from "../../../src/engine/ssh.js";
import { defaultRegistry } from "../../../src/modules/index.js";
import { connect } from "../../../src/remote/index.js";
import type { RemoteHost } from "../../../src/remote/types.js";
import { connectTarget, loadSandbox } from "../support/sandbox.js";

export const TARGET = "t2";
export const DEPLOY_USER = "slipdeploy";

/** Creates the login user (like an admin's `adduser`), then runs bootstrap for `app` with that user in helper mode. */
export function bootstrapHelperUser(
  root: RemoteHost,
  app: string,
  vars: Record<string, unknown> = {},
): Promise<RunResult> {
  return bootstrapHelperHost(root, app, { target: TARGET, tags: ["user", "helper", "dirs"], vars });
}

/** bootstrapHelperUser on any target; `tags` undefined runs the whole playbook (a fresh host: packages, nginx, ...). */
export async function bootstrapHelperHost(
  root: RemoteHost,
  app: string,
  options: { target: string; tags?: string[]; vars?: Record<string, unknown> },
): Promise<RunResult> {
  const sandbox = loadSandbox();
  const script = 'id -u "$1" >/dev/null 2>&1 || useradd --create-home --shell /bin/bash -- "$1"';
  await root.exec(["sh", "-c", script, "sh", DEPLOY_USER], { become: true });
  const publicKey = execFileSync("ssh-keygen", ["-y", "-f", sandbox.privateKeyPath], { encoding: "utf8" }).trim();
  const modules = defaultRegistry();
  const { inventory, ssh } = inventoryFromSandbox(sandbox);
  return runPlaybook(parsePlaybookFile("playbooks/bootstrap.yml", { modules }), {
    inventory,
    connect: sshConnect(ssh),
    modules,
    limit: options.target,
    ...(options.tags ? { tags: options.tags } : {}),
    extraVars: {
      deploy_public_keys: [publicKey],
      deploy_user: DEPLOY_USER,
      deploy_privilege: "helper",
      app_name: app,
      ...options.vars,
    },
  });
}

/** Rewrites a config written by writeOverlay so that it deploys as the helper-mode user (with `tls` when given). */
export function asHelperUser(file: string, tls?: Record<string, unknown>): string {
  const config = parse(readFileSync(file, "utf8"));
  config.inventory.ssh.user = DEPLOY_USER;
  config.inventory.ssh.privilege = "helper";
  if (tls) config.tls = tls;
  writeFileSync(file, stringify(config));
  return file;
}

/** The config's own connection to its first host: in helper mode as the config says, like the deploy's. */
export async function connectAsConfigured(config: SlipwayConfig): Promise<RemoteHost> {
  const all = resolveHosts(config);
  return connect(await sshTargetFor(all[0] as ResolvedHost, all, config.source.dir));
}

/** The helper-mode user's own connection (what an attacker holding its key can do). */
export function connectAsDeployUser(target = TARGET): Promise<RemoteHost> {
  return connectTarget(target, { user: DEPLOY_USER });
}

/** Removes an app's record for the helper (test clean-up only). */
export async function forgetApp(root: RemoteHost, app: string): Promise<void> {
  await root.exec(["rm", "-f", "--", `/etc/slipway/apps/${app}.conf`], { become: true });
}
