import type { DeliveryProgressEvent } from "./types.js";

/**
 * Turns delivery progress events into short lines people can follow when several hosts pull at once:
 * `t1 web: 3/7 layers`, `t2 web: 12.5 MB sent`, `t1 web: pulled`. At most one line per host and image every
 * `intervalMs` (the final line always), so a fast pull does not flood the log.
 */
export function progressPrinter(
  write: (line: string) => void,
  options: { intervalMs?: number; now?: () => number } = {},
): (event: DeliveryProgressEvent) => void {
  const intervalMs = options.intervalMs ?? 2000;
  const now = options.now ?? Date.now;
  const last = new Map<string, { at: number; text: string }>();
  return (event) => {
    const key = `${event.host}\0${event.service}`;
    const text = describeProgress(event);
    const previous = last.get(key);
    if (previous?.text === text) return;
    if (event.kind !== "done" && previous && now() - previous.at < intervalMs) return;
    last.set(key, { at: now(), text });
    write(`${event.host} ${event.service}: ${text}`);
  };
}

export function describeProgress(event: DeliveryProgressEvent): string {
  switch (event.kind) {
    case "layers":
      return `${event.done}/${event.total ?? "?"} layers`;
    case "bytes":
      return `${(event.done / 1e6).toFixed(1)} MB sent`;
    case "done":
      return event.status;
  }
}
