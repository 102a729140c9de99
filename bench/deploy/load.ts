/**
 * The load through nginx during every deploy: Debian's wrk, keep-alive, 1 thread and 16 connections (the issue's
 * `wrk -c16`), on the public route with the site's Host header. It runs until stopped (SIGINT: wrk stops and prints
 * its totals, which bench/deploy/wrk-report.lua writes as one JSON line).
 *
 * Two shapes: `closed` (the published figures): each connection sends its next request as soon as the answer came,
 * so wrk takes whatever CPU the 2 shared cores have left and the deploy's own CPU time is inflated. `paced`: each
 * connection waits `delayMs` after an answer (wrk's Lua `delay` hook; Debian's wrk 4.1 has no `-R`), so the rate is
 * about a fixed share of what nginx can answer and the rest of the CPU stays free; a slow answer delays its
 * connection's next request (not an open loop: wrk2's corrected latencies are not the point here, the CPU share is).
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { REPO_ROOT } from "../../test/e2e/support/sandbox.js";
import { parseWrkReport, type WrkReport } from "./stats.js";

export const LOAD_CONNECTIONS = 16;

export type LoadShape = { kind: "closed" } | { kind: "paced"; delayMs: number };

export interface Load {
  /** Stops wrk; resolves with its totals. */
  stop(): Promise<WrkReport>;
  /** ms since the load started. */
  elapsedMs(): number;
}

/** How the shape is named in results and tables. */
export function describeLoad(shape: LoadShape): string {
  const base = `wrk -t1 -c${LOAD_CONNECTIONS}, keep-alive, through nginx on the first target`;
  return shape.kind === "closed"
    ? `${base}, closed loop (as fast as nginx answers)`
    : `${base}, paced: each connection waits ${shape.delayMs} ms after an answer`;
}

/** Starts wrk against http://ADDRESS:80PATH with `Host: DOMAIN`. */
export function startLoad(address: string, domain: string, path: string, shape: LoadShape = { kind: "closed" }): Load {
  const started = performance.now();
  const script = join(REPO_ROOT, "bench/deploy/wrk-report.lua");
  const argv = ["-t1", `-c${LOAD_CONNECTIONS}`, "-d3600s", "--timeout", "5s", "-s", script, "-H", `Host: ${domain}`];
  const pace = shape.kind === "paced" ? ["--", String(shape.delayMs)] : [];
  const child = spawn("wrk", [...argv, `http://${address}:80${path}`, ...pace], { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (d: Buffer) => {
    output += d.toString();
  });
  child.stderr.on("data", (d: Buffer) => {
    output += d.toString();
  });
  const exited = new Promise<void>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", () => resolve());
  });
  return {
    elapsedMs: () => performance.now() - started,
    async stop() {
      child.kill("SIGINT");
      await exited;
      return parseWrkReport(output);
    },
  };
}
