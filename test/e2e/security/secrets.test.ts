/**
 * No secret in any output channel, in any encoding: a deploy and a failed deploy (runtime systemd, the test-only probe
 * app on t1) with secrets in env (a password full of quoting characters), a URL with credentials, an HTTP Basic
 * header and a multi-line key. The failing release prints every secret to its journal plain, base64 (Basic), hex,
 * lowercase percent-encoded and JSON, and the deploy shows that journal. Scanned: the CLI's terminal output and
 * --json, the Action's log and job summary, releases.json, and `ps` on the target during the deploy.
 */
import { spawn } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import type { RemoteHost } from "../../../src/remote/types.js";
import { cleanHost } from "../deploy/support.js";
import { CLI_ENTRY, connectTarget, loadSandbox, REPO_ROOT, sandboxTarget } from "../support/sandbox.js";
import { findLeaks } from "./leak-scan.js";

const APP = "secrx";
const MARKERS = ["MKa1pw", "MKb2url", "MKc3hdr", "MKd4key", "MKe5key"];
const SECRETS: Record<string, string> = {
  DB_PASSWORD: `pw-MKa1pw-"q'uo\`te $dollar %pct \\back`,
  DB_URL: "postgres://app:MKb2url%40x@db.internal:5432/app?sslmode=require",
  AUTH_HEADER: `Basic ${Buffer.from("svc:MKc3hdr-pass").toString("base64")}`,
  SIGNING_KEY: [
    "-----BEGIN PRIVATE KEY-----",
    "MKd4keyAAAAB3NzaC1yc2EAAAADAQABAAABAQ",
    "MKe5keyQk9xJ2vHr5tLw8nYpF3sZ0",
    "-----END PRIVATE KEY-----",
  ].join("\n"),
};

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `node ...args` in the repository with the secrets (and `env`) in its environment. */
function run(args: string[], env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: REPO_ROOT, env: { ...process.env, ...SECRETS, ...env } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

function writeConfig(dir: string, name: string, extraEnv: Record<string, string>): string {
  const inventory = loadSandbox();
  const target = sandboxTarget("t1", inventory);
  const config = {
    app: APP,
    runtime: "systemd",
    services: {
      probe: {
        build: { context: "probe" },
        port: 5471,
        health: { path: "/health", timeout: "8s", interval: "1s" },
        env: { LEAK_SECRETS: "1", SECRET_NAMES: Object.keys(SECRETS).join(","), ...extraEnv },
        secrets: Object.keys(SECRETS),
        systemd: { server: "gunicorn", app_module: "probe:app", workers: 1 },
      },
    },
    inventory: {
      ssh: { user: target.user, known_hosts_file: inventory.knownHostsPath, identity_file: inventory.privateKeyPath },
      hosts: { t1: { address: target.host } },
    },
    proxy: {
      mode: "nginx",
      domains: [`${APP}.e2e.test`],
      routes: [{ path: "/", service: "probe", check: { path: "/health" } }],
    },
  };
  const file = join(dir, name);
  writeFileSync(file, stringify(config));
  return file;
}

/** Every distinct command line on the target, sampled until stop() (as root, so every user's processes). */
function watchProcesses(host: RemoteHost) {
  const seen = new Set<string>();
  let running = true;
  const done = (async () => {
    while (running) {
      const ps = await host.exec(["ps", "-eo", "args", "--no-headers"], { become: true, check: false });
      for (const line of ps.stdout.split("\n")) seen.add(line);
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  return {
    async stop() {
      running = false;
      await done;
      return [...seen].join("\n");
    },
  };
}

describe("secrets never leave in any output, in any encoding", () => {
  let host: RemoteHost;
  let dir: string;
  const outputs: Record<string, string> = {};

  beforeAll(async () => {
    host = await connectTarget("t1");
    await cleanHost(host, APP);
    dir = mkdtempSync(join(tmpdir(), "slipway-secrets-e2e-"));
    cpSync(join(REPO_ROOT, "test/fixtures/apps/probe"), join(dir, "probe"), { recursive: true });
    // What a developer's checkout holds besides the code: none of it may reach the host.
    mkdirSync(join(dir, "probe/instance"));
    writeFileSync(join(dir, "probe/.env"), `DB_PASSWORD=${SECRETS.DB_PASSWORD}\n`);
    writeFileSync(join(dir, "probe/app.db"), "SQLite format 3");
    writeFileSync(join(dir, "probe/local.sqlite3"), "SQLite format 3");
    writeFileSync(join(dir, "probe/instance/config.py"), "SECRET_KEY = 'MKa1pw'\n");
    writeFileSync(join(dir, "probe/.slipwayignore"), "notes.txt\n");
    writeFileSync(join(dir, "probe/notes.txt"), "private notes\n");
  });

  afterAll(async () => {
    await cleanHost(host, APP);
    await host.close();
  });

  it("a deploy with secrets: CLI output, --json and ps on the target hold none", async () => {
    const good = writeConfig(dir, "good.yml", {});
    const ps = watchProcesses(await connectTarget("t1"));
    const result = await run([CLI_ENTRY, "deploy", "-c", good, "--yes", "--json"], {});
    outputs["ps during the deploy"] = await ps.stop();
    outputs["deploy stdout (--json)"] = result.stdout;
    outputs["deploy stderr"] = result.stderr;
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ ok: true, hosts: [{ name: "t1", status: "changed" }] });
    // The secrets did reach the app (its env file), so the scans below are not vacuous.
    const env = await host.exec(["sh", "-c", `cat /opt/${APP}/env/probe-*.env`], { become: true });
    expect(findLeaks(env.stdout, MARKERS).length).toBeGreaterThan(0);
  });

  it("the shipped code holds no .env, local database, instance/ or .slipwayignore'd file", async () => {
    const listing = await host.exec(["sh", "-c", `cd /opt/${APP}/releases && find . -path '*/probe/*' | sort`], {
      become: true,
    });
    const names = listing.stdout.split("\n").map((path) => path.replace(/^\.\/[^/]+\/probe\//, ""));
    expect(names).toContain("probe.py");
    expect(names).toContain(".slipwayignore");
    for (const never of [".env", "app.db", "local.sqlite3", "instance", "instance/config.py", "notes.txt"]) {
      expect(names).not.toContain(never);
    }
  });

  it("a failed deploy prints the app's journal with every secret masked", async () => {
    const bad = writeConfig(dir, "bad.yml", { FAIL_START: "1" });
    const ps = watchProcesses(await connectTarget("t1"));
    const result = await run([CLI_ENTRY, "deploy", "-c", bad, "--yes"], {});
    outputs["ps during the failed deploy"] = await ps.stop();
    outputs["failed deploy stdout"] = result.stdout;
    outputs["failed deploy stderr"] = result.stderr;
    // Exit 2: a host failed (docs/cli.md).
    expect(result.code).toBe(2);
    // The journal lines were shown, each secret form replaced by the mask. The last 30 lines hold the last secrets
    // the app printed: which ones depends on whether systemd's restart lines came before the gate gave up.
    expect(result.stdout).toMatch(/plain [A-Z_]+=\*\*\*/);
    expect(result.stdout).toMatch(/basic [A-Za-z0-9+/]*\*\*\*/);
    expect(result.stdout).toMatch(/hex \*\*\*/);
  });

  it("the Action's log and job summary of a failed deploy hold none", async () => {
    const bad = join(dir, "bad.yml");
    const summary = join(dir, "summary.md");
    writeFileSync(summary, "");
    const result = await run(["--import", "tsx", "src/github/entry/deploy.ts"], {
      INPUT_CONFIG: bad,
      INPUT_COMMAND: "deploy",
      GITHUB_STEP_SUMMARY: summary,
    });
    // `::add-mask::` lines are commands the runner consumes, never shown in the log.
    outputs["Action log"] = `${result.stdout}\n${result.stderr}`
      .split("\n")
      .filter((line) => !line.startsWith("::add-mask::"))
      .join("\n");
    outputs["job summary"] = readFileSync(summary, "utf8");
    expect(outputs["Action log"]).toContain("::error::");
    expect(outputs["Action log"]).toMatch(/plain DB_PASSWORD=\*\*\*/);
  });

  it("releases.json holds none, and no channel above leaked a secret in any encoding", async () => {
    outputs["releases.json"] = (await host.readFile(`/opt/${APP}/releases.json`, { become: true }))?.toString() ?? "";
    expect(outputs["releases.json"]).toContain('"releases"');
    const leaks = Object.entries(outputs).flatMap(([channel, text]) =>
      findLeaks(text, MARKERS).map((leak) => `${channel}: ${leak}`),
    );
    // Every captured channel is kept for a look when this fails.
    writeFileSync(join(dir, "outputs.json"), JSON.stringify(outputs, null, 2));
    expect(leaks, `channels in ${join(dir, "outputs.json")}`).toEqual([]);
  });
});
