/**
 * Watches which version each target serves through nginx: a GET of the health route with the site's Host header on a
 * fresh connection every 50 ms per target (a new visitor, not one of the load's keep-alive connections, which an old
 * nginx worker may still hold), reading the `version` the app reports.
 */
import { request } from "node:http";
import { HEALTH_PATH } from "./apps.js";

export interface VersionWatch {
  /** Stops; per target, ms after `since` when it first answered `version` (null: never). */
  stop(): Promise<Record<string, number | null>>;
}

function versionAt(address: string, domain: string): Promise<string | null> {
  return new Promise((resolve) => {
    const req = request(
      { host: address, port: 80, path: HEALTH_PATH, headers: { Host: domain }, agent: false, timeout: 2000 },
      (res) => {
        let text = "";
        res.on("data", (d: Buffer) => {
          text += d.toString();
        });
        res.on("end", () => {
          try {
            resolve(String(JSON.parse(text).version));
          } catch {
            resolve(null);
          }
        });
      },
    );
    req.on("error", () => resolve(null));
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.end();
  });
}

/** Starts polling every target for `version`; times are ms after `since` (a performance.now() value). */
export function watchVersion(
  targets: ReadonlyArray<{ name: string; host: string }>,
  domain: string,
  version: string,
  since: () => number,
): VersionWatch {
  const firstSeen: Record<string, number | null> = Object.fromEntries(targets.map((t) => [t.name, null]));
  let running = true;
  const loops = targets.map(async (t) => {
    while (running) {
      const tick = performance.now();
      const seen = await versionAt(t.host, domain);
      if (seen === version && firstSeen[t.name] === null) firstSeen[t.name] = Math.round(performance.now() - since());
      const wait = 50 - (performance.now() - tick);
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
  });
  return {
    async stop() {
      running = false;
      await Promise.all(loops);
      return firstSeen;
    },
  };
}
