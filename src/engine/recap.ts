/** Counting outcomes into Ansible's recap, and formatting it with each task's duration. */
import type { HostRecap, TaskOutcome } from "./types.js";

export function emptyRecap(): HostRecap {
  return { ok: 0, changed: 0, unreachable: 0, failed: 0, skipped: 0, rescued: 0, ignored: 0 };
}

/** Ansible's counting: `ok` includes changed tasks; a rescued failure counts as rescued, an ignored one as ignored. */
export function countOutcome(recap: HostRecap, outcome: TaskOutcome): void {
  switch (outcome.status) {
    case "ok":
      recap.ok++;
      break;
    case "changed":
      recap.ok++;
      recap.changed++;
      break;
    case "skipped":
      recap.skipped++;
      break;
    case "unreachable":
      recap.unreachable++;
      break;
    case "failed":
      if (outcome.rescued) recap.rescued++;
      else if (outcome.ignored) recap.ignored++;
      else recap.failed++;
      break;
  }
}

export function recapFor(hosts: readonly string[], outcomes: readonly TaskOutcome[]): Record<string, HostRecap> {
  const recap: Record<string, HostRecap> = {};
  for (const host of hosts) recap[host] = emptyRecap();
  for (const outcome of outcomes) {
    recap[outcome.host] ??= emptyRecap();
    countOutcome(recap[outcome.host] as HostRecap, outcome);
  }
  return recap;
}

export function formatRecapLine(host: string, r: HostRecap, width: number): string {
  return (
    `${host.padEnd(width)} : ok=${r.ok} changed=${r.changed} unreachable=${r.unreachable} failed=${r.failed} ` +
    `skipped=${r.skipped} rescued=${r.rescued} ignored=${r.ignored}`
  );
}

export function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)}s`;
}

/** PLAY RECAP block followed by every task's duration (the slowest host's time for that task). */
export function formatRecap(recap: Record<string, HostRecap>, outcomes: readonly TaskOutcome[]): string {
  const hosts = Object.keys(recap);
  const width = Math.max(0, ...hosts.map((h) => h.length));
  const lines = ["PLAY RECAP", ...hosts.map((h) => formatRecapLine(h, recap[h] as HostRecap, width))];
  const durations = new Map<string, number>();
  for (const o of outcomes) {
    const key = `${o.where} ${o.task}`;
    durations.set(key, Math.max(durations.get(key) ?? 0, o.durationMs));
  }
  if (durations.size > 0) {
    lines.push("", "TASK DURATIONS");
    const keyWidth = Math.min(70, Math.max(...[...durations.keys()].map((k) => k.length)));
    for (const [key, ms] of durations) lines.push(`${key.padEnd(keyWidth)}  ${formatSeconds(ms).padStart(8)}`);
  }
  return lines.join("\n");
}
