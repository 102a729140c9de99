/**
 * Helpers of the fault suite: the `slipway` CLI in a child process (so a fault can kill it), a request flood through
 * nginx with keep-alive connections, what a host serves and holds after a fault, and the fault matrix itself (one
 * driver for every runtime's test file).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { Agent, request } from "node:http";
import { expect, it } from "vitest";
import type { Color } from "../../../src/config/index.js";
import type { DeployResult } from "../../../src/deploy/index.js";
import type { RemoteHost } from "../../../src/remote/types.js";
import { CLI_ENTRY, REPO_ROOT } from "../support/sandbox.js";
import { type Answer, viaNginx } from "./support.js";

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
}

/**
 * `node bin/slipway.js ...args` with `env` on top of the test's environment; resolves when it exits. `onOutput` hears
 * the output so far after each chunk, with the child (to signal it at a given line).
 */
export function runCli(
  args: string[],
  env: Record<string, string> = {},
  onOutput?: (output: string, child: ChildProcess) => void,
): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI_ENTRY, ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    const add = (d: Buffer) => {
      output += d.toString();
      onOutput?.(output, child);
    };
    child.stdout.on("data", add);
    child.stderr.on("data", add);
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

/** One app on one target, as the fault matrix drives and inspects it (built in the test file's beforeAll). */
export interface FaultSite {
  app: string;
  domain: string;
  address: string;
  host: RemoteHost;
  /** Route answering `{"version": ...}` through nginx. */
  healthPath: string;
  /** Writes one row through nginx (the test expects 201). */
  writeRow(name: string): Promise<Answer>;
  /** Names of every row the app lists through nginx. */
  rows(): Promise<string[]>;
  /** CLI arguments of a plain deploy of `release` (config, --release-id, --drain 0, images, version env). */
  cliArgs(release: string): string[];
  /** Environment of the CLI child on top of the test's (secrets). */
  cliEnv?: Record<string, string>;
  /** A plain deploy of `release` in this process (`versionEnv` added to APP_VERSION=release; `log` gets its lines). */
  deploy(release: string, versionEnv?: Record<string, string>, log?: (line: string) => void): Promise<DeployResult>;
  rollback(): Promise<DeployResult>;
  /** Whether any process of the color runs (unit, container or compose project). */
  running(color: Color): Promise<boolean>;
  /** strategy stop-first: a run killed between stop-old and the switch leaves the site down until the next deploy. */
  stopFirst?: boolean;
  /** Seconds of `health.timeout` in the overlay (the hang test's bound). */
  healthTimeoutSeconds: number;
  /**
   * Where a hanging health endpoint stops the deploy when not at the gate: compose's `up` waits for a dependency's
   * docker healthcheck, which gives up after retries x (interval + request_timeout) (`withinSeconds`, measured on the
   * step's own duration).
   */
  hangFailsAt?: { step: string; error: RegExp; withinSeconds: number };
}

/** Steps after which a stop-first run, killed, leaves nothing serving (the old color stopped, nginx not switched). */
const STOP_FIRST_DOWN = ["stop-old", "backup", "start", "gate", "preview", "before-switch"];

interface RecordSeen {
  id: string;
  result: string;
  color: string;
}

/** The release history's newest record, or its newest with `result`. */
async function lastRecord(site: FaultSite, result?: string): Promise<RecordSeen | undefined> {
  const text = (await site.host.readFile(`/opt/${site.app}/releases.json`))?.toString() ?? "{}";
  const records: RecordSeen[] = JSON.parse(text).releases ?? [];
  return records.filter((r) => !result || r.result === result).at(-1);
}

async function servedVersion(site: FaultSite): Promise<string> {
  const answer = await viaNginx(site.address, site.domain, site.healthPath);
  return answer.status === 200 ? JSON.parse(answer.body).version : `HTTP ${answer.status}: ${answer.body}`;
}

/**
 * Exactly one known release serves: the version through nginx, nginx's X-Slipway-Color header, the color file,
 * `current` and the history's newest record agree; the lock is free, no switch intent is left, every row is there.
 */
export async function expectConverged(site: FaultSite, release: string, rows: readonly string[]): Promise<void> {
  const { host, app } = site;
  expect(await servedVersion(site)).toBe(release);
  const color = (await host.readFile(`/opt/${app}/color`))?.toString().trim();
  const headers = ["curl", "-s", "-D", "-", "-o", "/dev/null", "-H", `Host: ${site.domain}`];
  const served = await host.exec([...headers, `http://127.0.0.1${site.healthPath}`], { check: false });
  expect(served.stdout).toMatch(new RegExp(`X-Slipway-Color: ${app}/${color}\\r?\\n`, "i"));
  const current = await host.exec(["readlink", `/opt/${app}/current`], { check: false });
  expect(current.stdout.trim()).toBe(`/opt/${app}/releases/${release}`);
  expect(await lastRecord(site, "deployed")).toMatchObject({ id: release, color });
  expect((await host.exec(["test", "-e", `/opt/${app}/.slipway-lock`], { check: false })).code).not.toBe(0);
  expect((await host.exec(["test", "-e", `/opt/${app}/intent.json`], { check: false })).code).not.toBe(0);
  expect(await site.rows()).toEqual(expect.arrayContaining([...rows]));
}

/**
 * After a kill between the switch and the record (D63): users get the killed run's release, and `slipway status`
 * says so (nginx's color, the unrecorded release, the way out), exit 2, instead of naming the recorded one as live.
 */
async function expectStatusSaysUnrecorded(site: FaultSite, release: string): Promise<void> {
  expect(await servedVersion(site)).toBe(release);
  const [, , file] = site.cliArgs(release);
  const status = await runCli(["status", "-c", file as string], site.cliEnv);
  expect(status.code, status.output).toBe(2);
  const head = new RegExp(
    `: nginx serves (blue|green) \\(release ${release}, not recorded\\); recorded \\S+ on (blue|green)`,
  );
  expect(status.output).toMatch(head);
  expect(status.output).toMatch(
    new RegExp(
      `release ${release}, not recorded: run \\S+ was killed during its switch at .*the next deploy points nginx back at the recorded (blue|green)`,
    ),
  );
}

/**
 * The fault matrix over one site (registers one test per fault, then a rollback and a health hang): before each
 * fault a row is written; the CLI deploys release `f<i>` with SLIPWAY_FAULT=<fault>; a plain deploy of the same
 * release converges (expectConverged). Blue-green: the site answers right after the fault, and a row written then is
 * kept too. `site()` is called inside the tests (the site is built in beforeAll); `first` is the release live before.
 */
export function faultMatrix(faults: readonly string[], first: string, site: () => FaultSite): string[] {
  const rows: string[] = [];
  const addRow = async (name: string) => {
    const added = await site().writeRow(name);
    expect(added.status, added.body).toBe(201);
    rows.push(name);
  };

  for (const [i, fault] of faults.entries()) {
    it(`${fault}: a plain deploy of the same release converges, nothing written is lost`, async () => {
      const s = site();
      const release = `f${i + 1}`;
      await addRow(`row-${release}-before`);
      const run = await runCli(s.cliArgs(release), { ...s.cliEnv, SLIPWAY_FAULT: fault });
      if (fault.endsWith(":kill")) expect(run.signal, run.output).toBe("SIGKILL");
      // SIGTERM: the undo ran and the run says it was interrupted (exit 130, docs/cli.md).
      else expect(run.code, run.output).toBe(130);
      const [step] = fault.split(":");
      const down = s.stopFirst && fault.endsWith(":kill") && STOP_FIRST_DOWN.includes(step as string);
      const answer = await viaNginx(s.address, s.domain, s.healthPath);
      if (down) {
        // The lost runner stopped the old color and never switched: nothing serves until the next deploy.
        expect(answer.status, run.output).toBe(502);
      } else {
        // Whatever the fault left, the site still answers from one color, and takes writes.
        expect(answer.status, run.output).toBe(200);
        await addRow(`row-${release}-after`);
      }
      if (fault === "switch:after:kill" || fault === "verify:after:kill") await expectStatusSaysUnrecorded(s, release);
      const converge = await s.deploy(release);
      expect(converge.ok, converge.recap).toBe(true);
      await expectConverged(s, release, rows);
    });
  }

  it("a rollback after the faults goes back to the previous release and keeps the data", async () => {
    const result = await site().rollback();
    expect(result.ok, result.recap).toBe(true);
    await expectConverged(site(), faults.length > 1 ? `f${faults.length - 1}` : first, rows);
  });

  it("a health endpoint that never answers: the gate gives up within health.timeout, the new color is stopped, the live release answers at once", async () => {
    const s = site();
    const live = await servedVersion(s);
    const lines: string[] = [];
    // gunicorn waits for a hung request when stopped: a short grace keeps the new color's stop quick.
    const env = { BROKEN: "hang", GUNICORN_CMD_ARGS: "--graceful-timeout=2" };
    const result = await s.deploy("hang", env, (line) => lines.push(line));
    expect(result.ok, lines.join("\n")).toBe(false);
    // Right after the failed run, before anything else is read: the live release answers (stop-first: its color was
    // started again and the undo waited for its health, so no 502 while it boots).
    expect(await servedVersion(s), lines.join("\n")).toBe(live);
    const at = s.hangFailsAt ?? {
      step: "gate",
      error: /did not become healthy at http:\/\/127\.0\.0\.1:\d+.*timed out/s,
      // The gate's deadline plus at most one SSH round trip.
      withinSeconds: s.healthTimeoutSeconds + 2,
    };
    expect(result.hosts[0]?.error).toMatch(at.error);
    // The failing step's own duration (the per-step timings line).
    const seconds = Number(new RegExp(`\\b${at.step} FAILED (\\d+\\.\\d)s`).exec(lines.join("\n"))?.[1]);
    console.log(
      `health hang (${s.app}): ${at.step} gave up after ${seconds} s (health.timeout ${s.healthTimeoutSeconds} s)`,
    );
    if (at.step === "gate") expect(seconds).toBeGreaterThanOrEqual(s.healthTimeoutSeconds - 1);
    expect(seconds).toBeLessThan(at.withinSeconds);
    const record = await lastRecord(s);
    expect(record).toMatchObject({ id: "hang", result: "failed" });
    expect(await s.running(record?.color as Color)).toBe(false);
    expect(await s.rows()).toEqual(expect.arrayContaining(rows));
  });
  return rows;
}
