/**
 * `slipway releases`: each host's release history from `<deploy_dir>/releases.json`, the live release marked. The
 * table is a pure function of the history (unit-tested); reading it from the hosts uses the deploy's connections.
 */
import type { SlipwayConfig } from "../config/index.js";
import { ConnectionPool } from "../remote/index.js";
import { chosenHosts, connectAll } from "./connect.js";
import type { ReleaseHistory } from "./history.js";
import { type LiveState, readLiveState } from "./host-state.js";
import { deployPaths } from "./paths.js";

export interface HostReleases {
  name: string;
  live?: LiveState;
  error?: string;
}

export async function listReleases(config: SlipwayConfig, limit?: string[]): Promise<HostReleases[]> {
  const pool = new ConnectionPool();
  try {
    const connected = await connectAll(config, chosenHosts(config, limit), pool);
    return await Promise.all(
      connected.map(async ({ resolved, host, error }): Promise<HostReleases> => {
        if (!host) return { name: resolved.name, error: error ?? "unreachable" };
        try {
          return { name: resolved.name, live: await readLiveState(host, deployPaths(config.deploy_dir)) };
        } catch (e) {
          return { name: resolved.name, error: e instanceof Error ? e.message : String(e) };
        }
      }),
    );
  } finally {
    await pool.closeAll();
  }
}

/**
 * The commit as the table shows it: its first 12 characters, and for a release shipped from a tree with uncommitted
 * changes (recorded `<sha>-dirty.<id>`, D27) the `-dirty.<id>` too, which a plain cut would drop.
 */
export function commitCell(commit: string): string {
  if (!commit) return "-";
  const dirty = /-dirty\.[0-9A-Za-z]+$/.exec(commit)?.[0] ?? "";
  return `commit ${commit.slice(0, commit.length - dirty.length).slice(0, 12)}${dirty}`;
}

/** Newest first: `* <id>  <result>  <color>  <time>  <actor>  commit <short>  backup <id>` (`*` = live). */
export function formatHistory(history: ReleaseHistory, live: string | null): string[] {
  if (history.releases.length === 0) return ["  (no releases)"];
  const rows = [...history.releases]
    .reverse()
    .map((r) => [
      `${r.id === live ? "*" : " "} ${r.id}`,
      r.result,
      r.color ?? "-",
      r.time,
      r.actor,
      commitCell(r.commit),
      r.backup ? `backup ${r.backup}` : "",
    ]);
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((row) => (row[i] ?? "").length))) ?? [];
  return rows.map((row) => `  ${row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join("  ")}`.trimEnd());
}

export function formatHostReleases(hosts: readonly HostReleases[]): string {
  const out: string[] = [];
  for (const h of hosts) {
    if (!h.live) {
      out.push(`${h.name}: unreachable (${h.error})`);
      continue;
    }
    out.push(`${h.name}: live ${h.live.release ?? "none"} on ${h.live.color ?? "-"}`);
    out.push(...formatHistory(h.live.history, h.live.release));
  }
  return out.join("\n");
}
