/**
 * The Ansible reference's side: Debian's ansible (pipelining, ControlPersist, host keys checked against the sandbox's
 * known_hosts, the same key: bench/engine's config), running bench/deploy/ansible/deploy.yml with the same image,
 * health interval, successes in a row, health timeout and drain as Slipway's defaults.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO_ROOT, type SandboxInventory, type SandboxTarget } from "../../test/e2e/support/sandbox.js";
import { ansibleConfig, ansibleInventory } from "../engine/playbooks.js";
import { ANSIBLE_APP, APP_PORT, HEALTH_PATH, PUBLIC_PATH, type Release } from "./apps.js";
import { type CommandRun, timedCommand } from "./command.js";

/** The settings both tools share (Slipway's defaults: src/config/schema). Seconds. */
export interface EqualSettings {
  healthIntervalS: number;
  healthSuccesses: number;
  healthTimeoutS: number;
  drainS: number;
}

export interface AnsibleSetup {
  dir: string;
  inventoryPath: string;
  configPath: string;
}

/** Writes ansible.cfg and the inventory of these targets into a temp dir. */
export function writeAnsibleSetup(targets: readonly SandboxTarget[], sandbox: SandboxInventory): AnsibleSetup {
  const dir = mkdtempSync(join(tmpdir(), "ansible-bench-deploy-"));
  const controlDir = join(dir, "cp");
  mkdirSync(controlDir);
  const configPath = join(dir, "ansible.cfg");
  writeFileSync(configPath, ansibleConfig(sandbox.knownHostsPath, controlDir));
  const inventoryPath = join(dir, "inventory.ini");
  const hosts = targets.map((t) => ({ name: t.name, host: t.host, port: t.port, user: t.user }));
  writeFileSync(inventoryPath, ansibleInventory(hosts, sandbox.privateKeyPath));
  return { dir, inventoryPath, configPath };
}

/** The playbook's variables for one release (`-e @vars.json`). */
export function playbookVars(image: string, release: Release, settings: EqualSettings): Record<string, unknown> {
  return {
    app: ANSIBLE_APP.app,
    domain: ANSIBLE_APP.domain,
    ports: ANSIBLE_APP.ports,
    app_port: APP_PORT,
    image,
    release: `${release.version}${release.broken ? `-${release.broken}` : ""}`,
    version: release.version,
    broken: release.broken,
    health_path: HEALTH_PATH,
    health_interval: settings.healthIntervalS,
    health_successes: settings.healthSuccesses,
    health_retries: Math.ceil(settings.healthTimeoutS / settings.healthIntervalS),
    public_path: PUBLIC_PATH,
    drain: settings.drainS,
  };
}

/** `ansible-playbook -i INVENTORY bench/deploy/ansible/deploy.yml -e @vars.json`, timed. */
export function ansibleDeploy(
  setup: AnsibleSetup,
  image: string,
  release: Release,
  settings: EqualSettings,
): Promise<CommandRun> {
  const varsPath = join(setup.dir, `vars-${release.version}-${release.broken || "ok"}.json`);
  writeFileSync(varsPath, JSON.stringify(playbookVars(image, release, settings)));
  const playbook = join(REPO_ROOT, "bench/deploy/ansible/deploy.yml");
  return timedCommand(["ansible-playbook", "-i", setup.inventoryPath, playbook, "-e", `@${varsPath}`], {
    ...process.env,
    ANSIBLE_CONFIG: setup.configPath,
    ANSIBLE_NOCOLOR: "1",
  });
}
