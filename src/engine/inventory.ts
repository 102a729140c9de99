/**
 * The engine's view of an inventory: plain typed data, so slipway.yml's inventory and the sandbox's JSON both map onto
 * it. Host patterns follow Ansible: `all`/`*`, a group, a host, globs (`web*`), unions (`a:b` or `a,b`),
 * exclusions (`!db`) and intersections (`&prod`).
 */
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

export interface Selection {
  hosts: string[];
  /** Pattern terms that matched no host or group (the runner warns about them). */
  unmatched: string[];
}

function globToRegExp(glob: string): RegExp {
  const escaped = glob
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${escaped}$`);
}

function groupMembers(inventory: Inventory, group: string, seen = new Set<string>()): string[] {
  if (seen.has(group)) return [];
  seen.add(group);
  const members = inventory.groups[group] ?? [];
  return members.flatMap((m) => (m in inventory.hosts ? [m] : groupMembers(inventory, m, seen)));
}

function resolveTerm(inventory: Inventory, term: string): string[] {
  if (term === "all" || term === "*") return Object.keys(inventory.hosts);
  if (term in inventory.groups) return groupMembers(inventory, term);
  if (term in inventory.hosts) return [term];
  if (term.includes("*") || term.includes("?")) {
    const re = globToRegExp(term);
    const hosts = Object.keys(inventory.hosts).filter((h) => re.test(h));
    const fromGroups = Object.keys(inventory.groups)
      .filter((g) => re.test(g))
      .flatMap((g) => groupMembers(inventory, g));
    return [...hosts, ...fromGroups];
  }
  return [];
}

export function selectHosts(inventory: Inventory, pattern: string): Selection {
  const terms = pattern
    .split(/[:,]/)
    .map((t) => t.trim())
    .filter(Boolean);
  const chosen = new Set<string>();
  const excluded = new Set<string>();
  const intersections: Array<Set<string>> = [];
  const unmatched: string[] = [];
  for (const term of terms) {
    const kind = term[0] === "!" ? "exclude" : term[0] === "&" ? "intersect" : "include";
    const name = kind === "include" ? term : term.slice(1);
    const hosts = resolveTerm(inventory, name);
    if (hosts.length === 0 && kind !== "exclude") unmatched.push(name);
    if (kind === "include") for (const h of hosts) chosen.add(h);
    else if (kind === "exclude") for (const h of hosts) excluded.add(h);
    else intersections.push(new Set(hosts));
  }
  // Inventory order, so output and batches are stable.
  const hosts = Object.keys(inventory.hosts).filter(
    (h) => chosen.has(h) && !excluded.has(h) && intersections.every((set) => set.has(h)),
  );
  return { hosts, unmatched };
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
