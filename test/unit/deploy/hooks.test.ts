import { describe, expect, it } from "vitest";
import { checkDeployHooks, firstFailure, hookFailure, hookVars, runDeployHook } from "../../../src/deploy/hooks.js";
import { RunOnce } from "../../../src/engine/run-once.js";
import type { TaskOutcome } from "../../../src/engine/types.js";
import { loadConfigText } from "../../support/config-text.js";
import { FakeHost } from "../engine/fake-host.js";

const CONFIG = `app: shop
runtime: systemd
services:
  web:
    build: { context: web }
    port: 5001
    health: { path: /health }
    systemd: { app_module: "shop:app" }
inventory:
  ssh: { user: deploy }
  hosts:
    h1: { address: 10.0.0.1 }
proxy:
  domains: [shop.example]
  routes:
    - { path: /, service: web }
hooks:
  before_switch:
    - module: command
      name: migrate
      argv: [sh, -c, "migrate --color {{ slipway.color }} --port {{ slipway.port.web }} --release {{ slipway.release }}"]
  after_switch:
    - module: command
      name: notify
      argv: [echo, "{{ deploy_dir }}"]
`;

function config() {
  return loadConfigText(CONFIG);
}

/** The one fake host; every command exits with `exitCode`. */
function fakeHost(exitCode = 0) {
  return new FakeHost("h1", () => ({ code: exitCode, stderr: exitCode ? "no such table" : "" }));
}

describe("deploy hooks", () => {
  it("gives hook tasks the release, the new color, its ports and the deploy dir", async () => {
    const vars = hookVars(await config(), {
      releaseId: "abc-1",
      color: "green",
      previousColor: "blue",
      previousRelease: "abc-0",
      hook: "before_switch",
      check: false,
    });
    expect(vars).toEqual({
      deploy_dir: "/opt/shop",
      SLIPWAY_RELEASE: "abc-1",
      SLIPWAY_COLOR: "green",
      SLIPWAY_PREVIOUS_RELEASE: "abc-0",
      SLIPWAY_OUTCOME: "deploying",
      slipway: {
        app: "shop",
        release: "abc-1",
        color: "green",
        previous_color: "blue",
        port: { web: 15001 },
        release_dir: "/opt/shop/releases/abc-1",
        color_dir: "/opt/shop/colors/green",
        check_mode: false,
      },
    });
  });

  it("parses the hook points from slipway.yml, with no playbook text between: renamed arguments warn", async () => {
    const cfg = await config();
    expect(checkDeployHooks(cfg)).toEqual([]);
    const old = { module: "backup", name: "bk", engine: "sqlite", path: "/d/app.db", keep: 3 };
    const renamed = { ...cfg, hooks: { ...cfg.hooks, before_switch: [old] } };
    expect(checkDeployHooks(renamed)).toEqual([
      expect.stringMatching(/hooks\.before_switch\[0\]\.backup\.keep: `keep` is deprecated: write `backups\.keep`$/),
    ]);
  });

  it("names the failed task and where it is written", () => {
    const failed: TaskOutcome = {
      host: "h1",
      task: "migrate",
      where: "hook before_switch",
      pos: "slipway.yml:19:7",
      status: "failed",
      msg: "exit 1\nmore",
      durationMs: 1,
    };
    const ignored: TaskOutcome = { ...failed, task: "lint", ignored: true };
    expect(firstFailure([ignored, failed])).toBe(failed);
    const error = hookFailure("h1", "before_switch", failed);
    expect(error.message).toBe('hook before_switch: task "migrate" (slipway.yml:19:7) failed: exit 1');
    expect(error.host).toBe("h1");
    expect(error.step).toBe("hook before_switch");
  });

  it("runs the tasks over the given connection with the new color rendered, leaving it open", async () => {
    const fake = fakeHost();
    const lines: string[] = [];
    const cfg = await config();
    const count = await runDeployHook(fake, {
      config: cfg,
      name: "before_switch",
      vars: hookVars(cfg, {
        releaseId: "abc-1",
        color: "green",
        previousColor: "blue",
        previousRelease: "abc-0",
        hook: "before_switch",
        check: false,
      }),
      check: false,
      secrets: {},
      report: (l) => lines.push(l),
    });
    expect(count).toBe(1);
    expect(fake.ran).toContain("sh -c migrate --color green --port 15001 --release abc-1");
    expect(fake.closed).toBe(false);
    expect(lines.some((l) => l.includes("migrate"))).toBe(true);
  });

  it("throws naming the task and its slipway.yml position when a task fails", async () => {
    const fake = fakeHost(3);
    const cfg = await config();
    const run = runDeployHook(fake, {
      config: cfg,
      name: "before_switch",
      vars: hookVars(cfg, {
        releaseId: "abc-1",
        color: "blue",
        previousColor: null,
        previousRelease: null,
        hook: "before_switch",
        check: false,
      }),
      check: false,
      secrets: {},
      report: () => {},
    });
    await expect(run).rejects.toThrow(/hook before_switch: task "migrate" \(.*slipway\.yml:19:7\) failed/);
  });

  it("runs nothing when the hook point is empty", async () => {
    const fake = fakeHost();
    const cfg = {
      ...(await config()),
      hooks: { before_switch: [], after_switch: [], on_failure: [], on_rollback: [] },
    };
    const count = await runDeployHook(fake, {
      config: cfg,
      name: "after_switch",
      vars: {},
      check: false,
      secrets: {},
      report: () => {},
    });
    expect([count, fake.ran]).toEqual([0, []]);
  });

  it("runs a run_once task on one host of the run; the others take its result, and its failure", async () => {
    const cfg = await config();
    const once = { ...cfg.hooks.before_switch[0], run_once: true } as (typeof cfg.hooks.before_switch)[number];
    const onceCfg = { ...cfg, hooks: { ...cfg.hooks, before_switch: [once] } };
    const vars = hookVars(onceCfg, {
      releaseId: "abc-1",
      color: "green",
      previousColor: "blue",
      previousRelease: "abc-0",
      hook: "before_switch",
      check: false,
    });
    const runOn = (host: FakeHost, scope: RunOnce) =>
      runDeployHook(host, {
        config: onceCfg,
        name: "before_switch",
        vars,
        check: false,
        secrets: {},
        report: () => {},
        once: scope,
      });
    const [a, b] = [new FakeHost("h1"), new FakeHost("h2")];
    const shared = new RunOnce();
    await Promise.all([runOn(a, shared), runOn(b, shared)]);
    expect(a.ran.length + b.ran.length).toBe(1);
    const failing = new RunOnce();
    const [c, d] = [fakeHost(3), new FakeHost("h2")];
    const results = await Promise.allSettled([runOn(c, failing), runOn(d, failing)]);
    expect(results.map((r) => r.status)).toEqual(["rejected", "rejected"]);
    expect(d.ran).toEqual([]);
    expect(String((results[1] as PromiseRejectedResult).reason)).toMatch(/run_once: failed on h1/);
  });
});
