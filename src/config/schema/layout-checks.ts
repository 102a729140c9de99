/**
 * Checks of the load-balancer layout (`proxy.hosts`, `services.*.hosts`; config/layout.ts): every list names at least
 * one host, every service runs somewhere, and `proxy.hosts` only where there is an nginx to place. Names that are
 * not in the inventory are checkInventory's (cross-checks.ts).
 */
import type { CheckedConfig } from "./cross-checks.js";

type Issue = (path: (string | number)[], message: string, input?: unknown) => void;

/** The inventory hosts a `hosts:` list selects (host names, group names, `all`). */
function selected(config: CheckedConfig, refs: readonly string[]): string[] {
  const { hosts, groups } = config.inventory;
  if (refs.includes("all")) return Object.keys(hosts);
  const names = refs.flatMap((ref) => (hosts[ref] ? [ref] : (groups[ref]?.hosts ?? [])));
  return [...new Set(names)].filter((name) => hosts[name] !== undefined);
}

/** A `hosts:` list: not empty, and selecting at least one host (a group may be empty). */
function checkHostList(config: CheckedConfig, issue: Issue, path: (string | number)[], refs: string[], what: string) {
  if (refs.length === 0) {
    issue(path, `expected at least one host or group; leave \`${path.join(".")}\` out to ${what} on every host`, refs);
    return;
  }
  const known = refs.every((r) => r === "all" || config.inventory.hosts[r] || config.inventory.groups[r]);
  if (known && selected(config, refs).length === 0) {
    issue(path, "selects no inventory host (its groups are empty): add a host to the group, or name hosts", refs);
  }
}

export function checkLayout(config: CheckedConfig, issue: Issue): void {
  const { proxy } = config;
  // Routes are nginx locations, and the deploy verifies them through nginx on port 80: with no nginx, a route (or its
  // check) would be accepted here and fail every deploy's verify against whatever else answers on port 80.
  if (proxy.mode === "internal" && proxy.routes.length > 0) {
    issue(
      ["proxy", "routes"],
      "proxy.mode internal has no nginx to route or check through: remove `proxy.routes` (users reach a service on its `services.<name>.public_port`; its health check gates each deploy), or use proxy.mode nginx",
      proxy.routes,
    );
  }
  if (proxy.hosts !== undefined) {
    if (proxy.mode === "internal") {
      issue(
        ["proxy", "hosts"],
        "proxy.mode internal has no nginx to place: remove `proxy.hosts` (or use proxy.mode nginx for a load balancer)",
        proxy.hosts,
      );
    } else checkHostList(config, issue, ["proxy", "hosts"], proxy.hosts, "run nginx");
  }
  for (const [name, service] of Object.entries(config.services)) {
    if (service.hosts !== undefined) checkHostList(config, issue, ["services", name, "hosts"], service.hosts, "run it");
  }
  checkFileDatabaseHosts(config, issue);
}

/**
 * A SQLite or DuckDB file lives on one host. In the load-balancer layout nginx spreads requests over the app hosts,
 * each with its own file: a user's write lands in one copy and the next request may read another. Refused, with the
 * two ways out, rather than deployed as N databases that silently drift apart.
 */
function checkFileDatabaseHosts(config: CheckedConfig, issue: Issue): void {
  const db = config.database;
  if (!db || (db.engine !== "sqlite" && db.engine !== "duckdb") || config.proxy.hosts === undefined) return;
  const spread = Object.entries(config.services)
    .map(([name, service]) => ({ name, hosts: selected(config, service.hosts ?? ["all"]) }))
    .filter((s) => s.hosts.length > 1);
  const first = spread[0];
  if (!first) return;
  issue(
    ["database", "engine"],
    `${db.engine} is a file on each host, and ${first.name} runs on ${first.hosts.join(", ")} behind the load balancer: each host would write its own copy of the database and answers would disagree; run the service on one host (\`services.${first.name}.hosts\`) or use a database server (postgres, mysql, mongodb)`,
    db.engine,
  );
}
