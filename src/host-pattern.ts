/**
 * Ansible's host pattern language, the one implementation: a play's `hosts:`, `slipway run/plan --limit`, the
 * deploy's `--limit` (src/deploy/connect.ts) and slipway.yml's `services.*.hosts` / `proxy.hosts`
 * (src/config/inventory.ts) all select hosts through it. A layer-0 part, so the config and the engine share it.
 *
 * Terms are separated by `,` or `:`: `all`/`*`, a group, a host, globs (`web*`, `db?`), a regular expression
 * (`~web\d+`), exclusions (`!db`) and intersections (`&prod`). As in Ansible the order of terms does not matter:
 * the union of the plain terms, intersected with every `&` term, minus every `!` term; hosts come out in inventory order.
 */
import { ConfigError } from "./errors.js";

/** What a pattern is matched against: host names (in inventory order) and groups of host or group names. */
export interface Inventory {
  hosts: Readonly<Record<string, unknown>>;
  groups: Readonly<Record<string, readonly string[]>>;
}

export interface Selection {
  hosts: string[];
  /** Terms (without their `!`/`&`) that matched no host or group: a play warns, `--limit` refuses. */
  unmatched: string[];
}

function globToRegExp(glob: string): RegExp {
  const escaped = glob
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${escaped}$`);
}

/** The hosts of a group, following nested groups (a cycle ends the walk instead of looping). */
export function groupMembers(inventory: Inventory, group: string, seen = new Set<string>()): string[] {
  if (seen.has(group)) return [];
  seen.add(group);
  const members = inventory.groups[group] ?? [];
  return members.flatMap((m) => (m in inventory.hosts ? [m] : groupMembers(inventory, m, seen)));
}

function byName(inventory: Inventory, re: RegExp): string[] {
  const hosts = Object.keys(inventory.hosts).filter((h) => re.test(h));
  const fromGroups = Object.keys(inventory.groups)
    .filter((g) => re.test(g))
    .flatMap((g) => groupMembers(inventory, g));
  return [...hosts, ...fromGroups];
}

/** `~regex` as a RegExp; a regular expression that does not compile is the user's config error, not a crash. */
function patternRegExp(term: string): RegExp {
  try {
    return new RegExp(term.slice(1));
  } catch (error) {
    throw new ConfigError(`host pattern "${term}": ${(error as Error).message}`, {
      step: "limit",
      hint: "after ~ write a JavaScript regular expression, e.g. ~web\\d+ (quote it for the shell)",
    });
  }
}

function resolveTerm(inventory: Inventory, term: string): string[] {
  if (term === "all" || term === "*") return Object.keys(inventory.hosts);
  if (term in inventory.groups) return groupMembers(inventory, term);
  if (term in inventory.hosts) return [term];
  if (term.startsWith("~")) return byName(inventory, patternRegExp(term));
  if (term.includes("*") || term.includes("?")) return byName(inventory, globToRegExp(term));
  return [];
}

/**
 * The terms of a pattern (or of several, e.g. a repeated `--limit`), trimmed, empty ones dropped. A `~regex` term
 * keeps its `:` and `,` only when it is the whole pattern (as in Ansible, where a regex term cannot be combined).
 */
export function patternTerms(pattern: string | readonly string[]): string[] {
  const patterns = typeof pattern === "string" ? [pattern] : pattern;
  return patterns
    .flatMap((p) => (p.trim().startsWith("~") ? [p.trim()] : p.split(/[:,]/)))
    .map((t) => t.trim())
    .filter(Boolean);
}

/** The hosts a pattern selects, in inventory order, and the terms that matched nothing. */
export function selectHosts(inventory: Inventory, pattern: string | readonly string[]): Selection {
  const chosen = new Set<string>();
  const excluded = new Set<string>();
  const intersections: Array<Set<string>> = [];
  const unmatched: string[] = [];
  for (const term of patternTerms(pattern)) {
    const kind = term[0] === "!" ? "exclude" : term[0] === "&" ? "intersect" : "include";
    const name = kind === "include" ? term : term.slice(1);
    const hosts = resolveTerm(inventory, name);
    if (hosts.length === 0) unmatched.push(name);
    if (kind === "include") for (const h of hosts) chosen.add(h);
    else if (kind === "exclude") for (const h of hosts) excluded.add(h);
    else intersections.push(new Set(hosts));
  }
  const hosts = Object.keys(inventory.hosts).filter(
    (h) => chosen.has(h) && !excluded.has(h) && intersections.every((set) => set.has(h)),
  );
  return { hosts, unmatched };
}

/**
 * The hosts `--limit` selects. Throws ConfigError (step "limit") when a term names no host or group (a typo in
 * `!web1` would otherwise deploy to the very host it meant to leave out) or when the pattern selects no host at all:
 * a run on zero hosts must not report success.
 */
export function limitHosts(inventory: Inventory, pattern: string | readonly string[]): string[] {
  const { hosts, unmatched } = selectHosts(inventory, pattern);
  // As the user wrote it (`a:b` stays `a:b`); repeated `--limit`s are shown comma-joined.
  const shown = typeof pattern === "string" ? pattern : pattern.join(",");
  const known = [...Object.keys(inventory.hosts), ...Object.keys(inventory.groups)].join(", ");
  if (unmatched.length > 0) {
    throw new ConfigError(`--limit "${shown}": ${unmatched.map((u) => `"${u}"`).join(", ")} matches no host or group`, {
      step: "limit",
      hint: `hosts and groups: ${known} (patterns: all, web*, ~regex, a,b, !a, &group)`,
    });
  }
  if (hosts.length === 0) {
    throw new ConfigError(`--limit "${shown}" selects no host`, {
      step: "limit",
      hint: `the exclusions and intersections leave nothing; hosts and groups: ${known}`,
    });
  }
  return hosts;
}
