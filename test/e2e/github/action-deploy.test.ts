/**
 * The deploy action, run from action.yml the way the runner runs it (runner.ts), deploys harvest to sandbox target t2
 * for real: a copy of examples/harvest as a checkout would be, the SSH key only as the `ssh-private-key` input
 * (private_key_secret), the GitHub API a recording server. Deploy, plan, a deploy cancelled mid-way (SIGTERM to the
 * main step, then the post step as the runner runs it), rollback, maintenance-on/-off. Which release serves is read from the frontend's
 * /health, which reports APP_VERSION (the `version-env` input).
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import type { RemoteHost } from "../../../src/remote/types.js";
import { cleanHost, connectTarget, viaNginx } from "../deploy/support.js";
import { loadSandbox, REPO_ROOT, sandboxTarget } from "../support/sandbox.js";
import { TOKEN, visibleText } from "./fixture.js";
import { type Recorder, startRecorder } from "./recorder.js";
import { cancel, cancelLikeRunner, loadAction, postRuns, runAction, startStep } from "./runner.js";

const APP = "ghdeploy";
const DOMAIN = "ghdeploy.e2e.test";
const DEPLOY_DIR = `/opt/${APP}`;
const LOCK = `${DEPLOY_DIR}/.slipway-lock`;
const SHA1 = "fedcba9876543210fedcba9876543210fedcba98";
const SHA2 = "0011223344556677889900112233445566778899";
const SHA3 = "aabbccddeeff00112233445566778899aabbccdd";

function checkout(): string {
  const inventory = loadSandbox();
  const t2 = sandboxTarget("t2", inventory);
  const dir = mkdtempSync(join(tmpdir(), "slipway-action-checkout-"));
  cpSync(join(REPO_ROOT, "examples/harvest"), dir, { recursive: true });
  const config = parse(readFileSync(join(dir, "slipway.yml"), "utf8"));
  config.app = APP;
  config.deploy_dir = DEPLOY_DIR;
  delete config.environments;
  config.proxy.domains = [DOMAIN];
  config.inventory = {
    ssh: { user: t2.user, known_hosts_file: inventory.knownHostsPath, private_key_secret: "SLIPWAY_DEPLOY_KEY" },
    hosts: { t2: { address: t2.host } },
  };
  const db = `/var/lib/${APP}/app.db`;
  if (config.database?.path) config.database.path = db;
  const ports: Record<string, number> = { backend: 5401, frontend: 8450 };
  for (const [name, service] of Object.entries<
    Record<string, unknown> & { port?: number; env?: Record<string, string>; health?: object }
  >(config.services)) {
    service.port = ports[name] ?? service.port;
    if (service.env?.DATABASE_PATH) service.env.DATABASE_PATH = db;
    service.health = { ...(service.health ?? {}), timeout: "30s", interval: "1s" };
  }
  writeFileSync(join(dir, "slipway.yml"), stringify(config));
  return dir;
}

describe("deploy action from action.yml on t2", () => {
  let api: Recorder;
  let host: RemoteHost;
  let dir: string;
  const key = readFileSync(loadSandbox().privateKeyPath, "utf8");
  const options = (sha: string, withInputs: Record<string, string>) => ({
    with: { "ssh-private-key": key, limit: "t2", ...withInputs },
    env: {
      GITHUB_API_URL: api.url,
      GITHUB_REPOSITORY: "acme/harvest",
      GITHUB_SHA: sha,
      GITHUB_REF: "refs/heads/main",
      GITHUB_EVENT_NAME: "push",
      GITHUB_ACTOR: "octocat",
      GITHUB_RUN_ID: String(Date.now()),
      GITHUB_RUN_ATTEMPT: "1",
    },
    workspace: dir,
    token: TOKEN,
  });
  const version = async () => JSON.parse((await viaNginx(sandboxTarget("t2").host, DOMAIN, "/health")).body).version;
  const live = async () => (await host.exec(["readlink", `${DEPLOY_DIR}/current`], { check: false })).stdout.trim();
  let firstRelease = "";

  beforeAll(async () => {
    api = await startRecorder(99);
    host = await connectTarget("t2");
    await cleanHost(host, APP);
    dir = checkout();
  });

  afterAll(async () => {
    await api?.close();
    if (host) {
      await cleanHost(host, APP);
      await host.close();
    }
  });

  it("deploy succeeds: deployment success with the URL, outputs, per-host summary; the key never shows", async () => {
    api.requests.length = 0;
    const { main, post } = await runAction(REPO_ROOT, options(SHA1, { "version-env": "APP_VERSION=v1" }));
    expect(main.stdout).not.toContain("::error");
    expect(main.code).toBe(0);
    expect(api.requests.map((r) => `${r.path} ${String(r.body.state ?? "")}`)).toEqual([
      "/repos/acme/harvest/deployments ",
      "/repos/acme/harvest/deployments/99/statuses in_progress",
      "/repos/acme/harvest/deployments/99/statuses success",
    ]);
    expect(api.requests[0]?.body).toMatchObject({ ref: SHA1 });
    expect(api.requests[2]?.body).toMatchObject({ environment_url: main.outputs.url, auto_inactive: true });
    expect(main.outputs.release).toMatch(/^fedcba9-/);
    expect(main.outputs["previous-release"]).toBe("");
    expect(main.outputs["deployment-id"]).toBe("99");
    expect(main.outputs.url).toMatch(/ghdeploy\.e2e\.test/);
    expect(main.summary).toContain(`### Slipway deploy: ${APP}: ok`);
    expect(main.summary).toMatch(/\| t2 \| changed \| blue \|/);
    // Each step's time on each host, from the deploy's events; each step a log group.
    expect(main.summary).toMatch(/\| t2 \| switch \| (changed|ok) \| \d/);
    expect(main.stdout).toMatch(/::group::t2: switch \((changed|ok), [\d.]+m?s\)/);
    expect(post?.stdout).toContain("nothing to clean up");
    expect(await version()).toBe("v1");
    firstRelease = main.outputs.release ?? "";
    // The app creates its database on its first write; a later deploy refuses to run without one to back up.
    const db = `/var/lib/${APP}/app.db`;
    const script = `sqlite3 ${db} 'CREATE TABLE IF NOT EXISTS t (x); VACUUM' && chown --reference=/var/lib/${APP} ${db}`;
    await host.exec(["sh", "-c", script], { become: true });
    const visible = visibleText(main);
    for (const line of key.split("\n").filter((l) => l.length > 20 && !l.startsWith("-----"))) {
      expect(visible).not.toContain(line);
    }
    expect(visible).not.toContain(TOKEN);
  });

  it("plan: no deployment, no outputs, nothing changed on the host", async () => {
    api.requests.length = 0;
    const { main } = await runAction(REPO_ROOT, options(SHA2, { command: "plan", "version-env": "APP_VERSION=v2" }));
    expect(main.code).toBe(0);
    expect(api.requests).toEqual([]);
    expect(main.outputs).toEqual({});
    expect(main.summary).toContain(`### Slipway plan (check mode: nothing changed): ${APP}: ok`);
    // The plan's diffs (the nginx switch here), redacted, each in a collapsed block; its steps as log groups.
    expect(main.summary).toContain("<details><summary>t2: switch</summary>");
    // proxy.switch socket (default): the switch moves the backend's link to green's listener, no upstream file changes.
    expect(main.summary).toMatch(
      /```diff\n[\s\S]*socket link \/etc\/nginx\/slipway\/\S+-backend\.sock -> \/run\/slipway\/\S+-backend-green\.sock/,
    );
    expect(main.stdout).toContain("::group::t2: stage\n");
    expect(await live()).toContain(firstRelease);
    expect(await version()).toBe("v1");
  });

  /** Starts a deploy of SHA2 and waits until its stage step ended on t2 (new files in place, nothing switched). */
  async function deployUntilStaged(opts: ReturnType<typeof options>) {
    const main = startStep(REPO_ROOT, "main", opts);
    const deadline = Date.now() + 90_000;
    while (Date.now() < deadline && !main.stdout().includes("::group::t2: stage (")) {
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(main.stdout()).toContain("::group::t2: stage (");
    const holder = JSON.parse((await host.readFile(`${LOCK}/holder`))?.toString("utf8") ?? "{}");
    expect(holder).toMatchObject({ holder: "octocat", run_id: `${opts.env.GITHUB_RUN_ID}-1` });
    return main;
  }

  it("a deploy cancelled with SIGTERM undoes itself: lock free, old release serving, the post step has nothing to do", async () => {
    api.requests.length = 0;
    const opts = options(SHA2, { "version-env": "APP_VERSION=v2" });
    const main = await deployUntilStaged(opts);
    cancel(main, "SIGTERM", 60_000);
    const ended = await main.done;
    expect(ended.code).not.toBe(0);
    expect(ended.state.finished).toBe("true");
    expect(await host.readFile(`${LOCK}/holder`)).toBeUndefined();
    expect(await live()).toContain(firstRelease);
    expect(await version()).toBe("v1");
    expect(api.requests.at(-1)?.body).toMatchObject({ state: "failure" });
    const post = await startStep(REPO_ROOT, "post", opts, ended.state).done;
    expect(post.code).toBe(0);
    expect(post.stdout).toContain("nothing to clean up");
  });

  it("a deploy killed before its undo (the runner's last resort), then the post step: lock free, old release serving", async () => {
    api.requests.length = 0;
    const opts = options(SHA2, { "version-env": "APP_VERSION=v2" });
    const main = await deployUntilStaged(opts);
    cancel(main, "SIGKILL");
    const ended = await main.done;
    expect(ended.signal).toBe("SIGKILL");
    // What the kill alone leaves: this run's lock (the next deploy would be refused).
    expect(await host.readFile(`${LOCK}/holder`)).toBeDefined();
    expect(ended.state["run-id"]).toBe(`${opts.env.GITHUB_RUN_ID}-1`);
    expect(ended.state.finished).toBeUndefined();

    expect(postRuns(loadAction(REPO_ROOT), false)).toBe(true);
    const post = await startStep(REPO_ROOT, "post", opts, ended.state).done;
    expect(post.stdout).not.toContain("::warning");
    expect(post.code).toBe(0);
    // The deploy's own cleanup: whatever it put back or stopped first, then this run's lock released.
    expect(post.stdout).toMatch(/\[t2\] (.*; )?released this run's deploy lock/);
    expect((await host.exec(["test", "-e", LOCK], { check: false })).code).not.toBe(0);
    expect(await live()).toContain(firstRelease);
    expect(await version()).toBe("v1");
    // The deployment the killed run opened is closed as failed by the post step.
    expect(api.requests.at(-1)).toMatchObject({ path: "/repos/acme/harvest/deployments/99/statuses" });
    expect(api.requests.at(-1)?.body).toMatchObject({ state: "failure" });
  });

  it("the runner's cancel (SIGINT, SIGTERM after 7.5 s, SIGKILL after 2.5 s), then post: lock free, old release serving", async () => {
    const opts = options(SHA2, { "version-env": "APP_VERSION=v2" });
    const main = await deployUntilStaged(opts);
    const ended = await cancelLikeRunner(main);
    expect(ended.code === 0).toBe(false);
    const post = await startStep(REPO_ROOT, "post", opts, ended.state).done;
    expect(post.code).toBe(0);
    expect(post.stdout).not.toContain("::warning");
    // Whichever cleaned up (the deploy's own undo or the post step), nothing is left and v1 serves.
    expect((await host.exec(["test", "-e", LOCK], { check: false })).code).not.toBe(0);
    expect(await live()).toContain(firstRelease);
    expect(await version()).toBe("v1");
  });

  it("a lock another run left is not the post step's to remove; force-unlock takes it over", async () => {
    const stale = JSON.stringify({ holder: "mallory", commit: "x", since: "2026-01-01T00:00:00Z", run_id: "1-1" });
    await host.exec(["mkdir", "-p", LOCK]);
    await host.putFile(`${LOCK}/holder`, `${stale}\n`, { mode: 0o644 });
    const opts = options(SHA2, { "version-env": "APP_VERSION=v2" });
    const post = await startStep(REPO_ROOT, "post", opts, { "run-id": `${opts.env.GITHUB_RUN_ID}-1` }).done;
    expect(post.stdout).toContain("[t2] the lock is another run's: left in place");
    const refused = await runAction(REPO_ROOT, opts);
    expect(refused.main.code).toBe(1);
    expect(refused.main.stdout).toContain("is held by mallory (commit x, run 1-1)");
    const forced = await runAction(REPO_ROOT, { ...opts, with: { ...opts.with, "force-unlock": "true" } });
    expect(forced.main.stdout).not.toContain("::error");
    expect(forced.main.code).toBe(0);
    expect(forced.main.outputs["previous-release"]).toBe(firstRelease);
    // The database existed this time: the backup taken before the switch is an output and in the summary.
    const backup = JSON.parse(forced.main.outputs.backups ?? "{}").t2;
    expect(backup).toMatch(/\S/);
    expect(forced.main.summary).toContain(`- t2: \`${backup}\``);
    expect(await version()).toBe("v2");
  });

  it("rollback: the deployment names the commit that serves again, outputs say from and to", async () => {
    api.requests.length = 0;
    const { main } = await runAction(REPO_ROOT, options(SHA3, { command: "rollback" }));
    expect(main.stdout).not.toContain("::error");
    expect(main.code).toBe(0);
    expect(api.requests[0]?.body).toMatchObject({ ref: SHA1, description: `rollback ${APP}` });
    expect(api.requests.at(-1)?.body).toMatchObject({ state: "success" });
    expect(main.outputs.release).toBe(firstRelease);
    expect(main.outputs["previous-release"]).toMatch(/^0011223-/);
    expect(await version()).toBe("v1");
  });

  it("maintenance-on: every route 503 (health open), no deployment; maintenance-off serves the app again", async () => {
    api.requests.length = 0;
    const address = sandboxTarget("t2").host;
    const on = await runAction(REPO_ROOT, options(SHA3, { command: "maintenance-on" }));
    expect(on.main.stdout).not.toContain("::error");
    expect(on.main.code).toBe(0);
    expect(on.main.stdout).toContain("::group::maintenance on\nt2: maintenance on (changed)\n::endgroup::");
    expect(api.requests).toEqual([]);
    expect((await viaNginx(address, DOMAIN, "/")).status).toBe(503);
    expect((await viaNginx(address, DOMAIN, "/health")).status).toBe(200);
    const off = await runAction(REPO_ROOT, options(SHA3, { command: "maintenance-off" }));
    expect(off.main.code).toBe(0);
    expect(off.main.stdout).toContain("t2: maintenance off (changed)");
    expect((await viaNginx(address, DOMAIN, "/")).status).toBe(200);
  });
});
