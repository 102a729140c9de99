/**
 * The engine's view of an inventory: plain typed data, so slipway.yml's inventory and the sandbox's JSON both map onto
 * it. Host patterns (Ansible's language) live in host-pattern.ts.
 */
import { groupMembers } from "../host-pattern.js";

export interface InventoryHost {
  address: string;
  port?: number;
  user?: string;
  vars?: Record<string, unknown>;
}

export interface Inventory {
  hosts: Record<string, InventoryHost>;
  /** Group name -> member host names (or names of other groups). */
  groups: Record<string, string[]>;
  /** Variables every host sees (lowest precedence). */
  vars?: Record<string, unknown>;
}

/** Variables of a host: inventory-wide, then its groups' (`group_vars` are not modelled: use host vars), then its own. */
export function hostVars(inventory: Inventory, host: string): Record<string, unknown> {
  const entry = inventory.hosts[host];
  const groups = Object.keys(inventory.groups).filter((g) => groupMembers(inventory, g).includes(host));
  return {
    ...(inventory.vars ?? {}),
    ...(entry?.vars ?? {}),
    inventory_hostname: host,
    ansible_host: entry?.address,
    // The SSH port the run connects to (bootstrap's firewall keeps it open).
    ...(entry?.port !== undefined ? { ansible_port: entry.port } : {}),
    group_names: groups,
  };
}
