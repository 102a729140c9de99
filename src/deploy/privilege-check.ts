/**
 * Root mode's preflight (D50): the SSH user can do what `privilege: root` needs, or the plan says which setting to
 * change before anything runs. A host bootstrapped with the default `deploy_privilege=helper` has no `sudo` for
 * everything and no docker group; a deploy in root mode then failed at `pull` with a registry hint.
 */
import { rootModeProbeArgv } from "../commands/users.js";
import { resolveHosts, type SlipwayConfig } from "../config/index.js";
import { SlipwayError } from "../errors.js";
import { HELPER_PATH } from "../remote/privilege.js";
import type { RemoteHost } from "../remote/types.js";

/** The probe's answer: ROOT_MODE_PROBE_SCRIPT's `key=value` lines. */
export type RootModeProbe = Record<string, string>;

export function parseRootModeProbe(stdout: string): RootModeProbe {
  return Object.fromEntries(
    stdout
      .split("\n")
      .map((line) => /^([a-z]+)=(\S*)$/.exec(line.trim()))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => [m[1], m[2]]),
  );
}

const FIX_BOOTSTRAP = "re-run playbooks/bootstrap.yml for this host with -e deploy_privilege=root";

/**
 * What root mode cannot do on this host, as the error to throw (undefined: all is there). `user` is the SSH user,
 * `key` the config key that chose root mode, `defaulted` when it is unset (root is its default), `host` the host the
 * error names.
 */
export function rootModeProblem(
  probe: RootModeProbe,
  user: string,
  key: string,
  defaulted: boolean,
  host?: string,
): SlipwayError | undefined {
  if (probe.uid === "0") return undefined;
  const helperHost = probe.helper === "yes";
  if (probe.sudo === "no") {
    const why = helperHost
      ? `this host was bootstrapped with deploy_privilege=helper (${HELPER_PATH} is ${user}'s only sudo command)`
      : `${user} cannot run \`sudo -n\` without a password`;
    const mode = `${key} is root${defaulted ? " (its default)" : ""}`;
    return new SlipwayError(`${mode}, which needs passwordless sudo for everything: ${why}`, {
      host,
      step: "preflight",
      hint: helperHost
        ? `set ${key}: helper (least privilege; docs/security.md), or ${FIX_BOOTSTRAP}`
        : `run playbooks/bootstrap.yml for this host (-e deploy_privilege=root), or set ${key}: helper after bootstrapping with the default`,
    });
  }
  if (probe.docker === "no") {
    return new SlipwayError(
      `${user} cannot reach the docker daemon: ${key} is root, which runs docker pull and load as ${user}`,
      {
        host,
        step: "preflight",
        hint: helperHost
          ? `${FIX_BOOTSTRAP} (it puts ${user} into the docker group), or set ${key}: helper`
          : `${FIX_BOOTSTRAP} (it puts ${user} into the docker group), or check that docker runs (systemctl status docker)`,
      },
    );
  }
  return undefined;
}

/**
 * Throws rootModeProblem's error for a root-mode host (one round trip); helper mode is checked by helper-record.ts.
 * `runsServices`: the host runs the app's colors (an nginx-only host of a load-balancer layout needs no docker).
 */
export async function checkRootMode(host: RemoteHost, config: SlipwayConfig, runsServices = true): Promise<void> {
  const target = resolveHosts(config).find((h) => h.name === host.name);
  if (target?.privilege.mode !== "root") return;
  const own = config.inventory.hosts[host.name]?.privilege;
  const key = own ? `inventory.hosts.${host.name}.privilege` : "inventory.ssh.privilege";
  const defaulted = !own && !config.inventory.ssh.privilege;
  const result = await host.exec(rootModeProbeArgv(HELPER_PATH, runsServices && config.runtime !== "systemd"), {
    check: false,
    step: "preflight",
  });
  const problem = rootModeProblem(parseRootModeProbe(result.stdout), target.user, key, defaulted, host.name);
  if (problem) throw problem;
}
