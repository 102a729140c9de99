/** The per-host recap printed at the end of a deploy or rollback. */
import type { HostResult } from "./types.js";

/**
 * `deploy <release>: succeeded in 1.2s` then one line per host. A check-mode run says `plan of deploy <release>: ready`
 * instead, so a log never shows "succeeded" for a run that only planned (the CLI plans before every real run).
 */
export function formatRecap(
  kind: string,
  release: string,
  hosts: readonly HostResult[],
  seconds: number,
  check = false,
): string {
  const width = Math.max(4, ...hosts.map((h) => h.name.length));
  const lines = hosts.map((h) => {
    const color = h.color ? ` live=${h.color}` : "";
    const url = h.url && h.status !== "failed" && h.status !== "unreachable" ? ` ${h.url}` : "";
    const error = h.error ? `: ${h.error}` : "";
    return `${h.name.padEnd(width)}  ${h.status.padEnd(11)}${color}${url}${error}`;
  });
  const ok = hosts.every((h) => h.status === "ok" || h.status === "changed");
  const head = check
    ? `plan of ${kind} ${release}: ${ok ? "ready" : "FAILED"}`
    : `${kind} ${release}: ${ok ? "succeeded" : "FAILED"}`;
  return [`${head} in ${seconds.toFixed(1)}s`, ...lines].join("\n");
}
