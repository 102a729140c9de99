/**
 * The host firewall bootstrap installs (playbooks/bootstrap.yml, tag `firewall`): the host-wide ruleset, one file per
 * app it includes, and the unit that loads it. Paths and argv only; the playbook's handler `reload firewall` restarts
 * the unit, and so does everything else that changes these files.
 */

/** The host-wide ruleset; it includes every file of FIREWALL_APPS_DIR. */
export const FIREWALL_RULESET = "/etc/slipway/firewall.nft";
export const FIREWALL_APPS_DIR = "/etc/slipway/firewall.d";
export const FIREWALL_UNIT = "slipway-firewall";

/** What one app opens (bootstrap's `firewall rules` task). */
export function appFirewallPath(app: string): string {
  return `${FIREWALL_APPS_DIR}/${app}.nft`;
}

/** `nft -c -f <ruleset>`: parses the ruleset with its includes without applying it (exit 1 and the error if bad). */
export function firewallCheckArgv(): string[] {
  return ["nft", "-c", "-f", FIREWALL_RULESET];
}
