/**
 * The load through nginx during every deploy: Debian's wrk, keep-alive, 1 thread and 16 connections (the issue's
 * `wrk -c16`), on the public route with the site's Host header. It runs until stopped (SIGINT: wrk stops and prints
 * its totals, which bench/deploy/wrk-report.lua writes as one JSON line).
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { REPO_ROOT } from "../../test/e2e/support/sandbox.js";
import { parseWrkReport, type WrkReport } from "./stats.js";

export interface Load {
  /** Stops wrk; resolves with its totals. */
  stop(): Promise<WrkReport>;
  /** ms since the load started. */
  elapsedMs(): number;
}

/** Starts wrk against http://ADDRESS:80PATH with `Host: DOMAIN`. */
export function startLoad(address: string, domain: string, path: string, connections = 16): Load {
  const started = performance.now();
  const script = join(REPO_ROOT, "bench/deploy/wrk-report.lua");
  const argv = ["-t1", `-c${connections}`, "-d3600s", "--timeout", "5s", "-s", script, "-H", `Host: ${domain}`];
  const child = spawn("wrk", [...argv, `http://${address}:80${path}`], { stdio: ["ignore", "pipe", "pipe"] });
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
