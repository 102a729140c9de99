/**
 * Helpers of the fault suite: the `slipway` CLI in a child process (so a fault can kill it), a request flood through
 * nginx with keep-alive connections, and what a host serves and holds after a fault.
 */
import { spawn } from "node:child_process";
import { Agent, request } from "node:http";
import { join } from "node:path";
import { REPO_ROOT } from "../support/sandbox.js";

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
}

/** `node bin/slipway.js ...args` with `env` on top of the test's environment; resolves when it exits. */
export function runCli(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(REPO_ROOT, "bin/slipway.js"), ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (d: Buffer) => {
      output += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      output += d.toString();
    });
    child.on("exit", (code, signal) => resolve({ code, signal, output }));
  });
}

export interface FloodCounts {
  total: number;
  ok: number;
  /** Answers other than 200 with the expected body, and requests that got no answer. */
  failed: number;
  /** The first few failures, for the assertion message. */
  samples: string[];
  /** Requests started before stop() was called (while the deploy ran). */
  duringDeploy: number;
}

/**
 * `workers` concurrent request loops on keep-alive connections to nginx's port 80 (the site's Host header) until
 * stop() is called and at least `minimum` requests were made. A request counts as failed unless it got a 200 whose
 * body does not contain `badBody`.
 */
export function requestFlood(address: string, domain: string, path: string, workers: number, badBody: string) {
  const agent = new Agent({ keepAlive: true, maxSockets: workers });
  const counts: FloodCounts = { total: 0, ok: 0, failed: 0, samples: [], duringDeploy: 0 };
  let stopping = false;
  let minimum = 0;
  const one = () =>
    new Promise<void>((resolve) => {
      const fail = (why: string) => {
        counts.failed++;
        if (counts.samples.length < 5) counts.samples.push(why);
        resolve();
      };
      const req = request({ host: address, port: 80, path, agent, headers: { Host: domain }, timeout: 5000 }, (res) => {
        let body = "";
        res.on("data", (d: Buffer) => {
          body += d.toString();
        });
        res.on("end", () => {
          if (res.statusCode === 200 && !body.includes(badBody)) counts.ok++;
          else fail(`HTTP ${res.statusCode}: ${body.slice(0, 80)}`);
          resolve();
        });
      });
      req.on("error", (e) => fail(String(e)));
      req.on("timeout", () => req.destroy(new Error("timeout")));
      req.end();
    });
  const loop = async () => {
    while (!stopping || counts.total < minimum) {
      counts.total++;
      await one();
    }
  };
  const done = Promise.all(Array.from({ length: workers }, loop));
  return {
    counts,
    async stop(atLeast: number): Promise<FloodCounts> {
      counts.duringDeploy = counts.total;
      minimum = atLeast;
      stopping = true;
      await done;
      agent.destroy();
      return counts;
    },
  };
}
