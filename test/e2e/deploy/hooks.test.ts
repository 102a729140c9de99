/**
 * slipway.yml hooks during a deploy (harvest, runtime systemd, on sandbox target t1): a before_switch hook reaches the
 * new color before traffic moves (it writes the color and that color's health answer into a marker file), an
 * after_switch hook runs once the routes verified, the plan runs them in check mode, and a failing before_switch hook
 * fails the host with the task's name and position while the old release keeps serving.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { terminalSink } from "../../../src/cli/deploy-events.js";
import { loadConfig, type SlipwayConfig } from "../../../src/config/index.js";
import { type DeployOptions, deploy } from "../../../src/deploy/index.js";
import type { RemoteHost } from "../../../src/remote/types.js";
import { REPO_ROOT, sandboxTarget } from "../support/sandbox.js";
import { cleanHost, connectTarget, viaNginx, writeOverlay } from "./support.js";

const APP = "hvhooks";
const DOMAIN = "hvhooks.e2e.test";
const COMMIT = "89abcdef0123456789abcdef0123456789abcdef";
const MARKER = `/opt/${APP}/hook-marker`;
const AFTER = `/opt/${APP}/after-marker`;
const address = () => sandboxTarget("t1").host;

/** The overlay for t1 with these hooks. */
async function configWithHooks(hooks: Record<string, unknown[]>): Promise<SlipwayConfig> {
  const file = writeOverlay("harvest", {
    app: APP,
    domain: DOMAIN,
    target: "t1",
    ports: { backend: 5521, frontend: 8571 },
    healthTimeout: "12s",
  });
  const yaml = parse(readFileSync(file, "utf8"));
  yaml.hooks = hooks;
  writeFileSync(file, stringify(yaml));
  return loadConfig(file);
}

const WORKING_HOOKS = {
  before_switch: [
    {
      module: "command",
      name: "reach the new color",
      argv: [
        "sh",
        "-c",
        'echo "$1" > "$2" && curl -fsS "http://127.0.0.1:$3/api/health" >> "$2"',
        "sh",
        "{{ slipway.color }}",
        `{{ deploy_dir }}/hook-marker`,
        "{{ slipway.port.backend | string }}",
      ],
    },
  ],
  after_switch: [
    {
      module: "command",
      name: "record the release",
      argv: ["sh", "-c", 'echo "$1" > "$2"', "sh", "{{ slipway.release }}", AFTER],
    },
  ],
};

describe("deploy hooks (harvest on t1)", () => {
  let host: RemoteHost;
  let config: SlipwayConfig;
  const lines: string[] = [];
  const base = (): DeployOptions => ({
    config,
    commit: COMMIT,
    actor: "e2e",
    releaseDir: `${REPO_ROOT}/examples/harvest`,
    drainSeconds: 1,
    onEvent: terminalSink((line) => lines.push(line)),
  });
  const version = async () => JSON.parse((await viaNginx(address(), DOMAIN, "/api/health")).body).version;
  const text = async (path: string) => (await host.readFile(path))?.toString() ?? "";

  beforeAll(async () => {
    host = await connectTarget("t1");
    await cleanHost(host, APP);
    config = await configWithHooks(WORKING_HOOKS);
  });

  afterAll(async () => {
    await cleanHost(host, APP);
    await host.close();
  });

  it("runs before_switch against the new color and after_switch after the verification", async () => {
    const result = await deploy({ ...base(), releaseId: "hooks-v1", versionEnv: { APP_VERSION: "v1" } });
    expect(result.ok).toBe(true);
    expect(result.hosts[0]?.color).toBe("blue");
    const marker = await text(MARKER);
    expect(marker.split("\n")[0]).toBe("blue");
    expect(marker).toContain('"version": "v1"');
    expect((await text(AFTER)).trim()).toBe("hooks-v1");
    expect(await version()).toBe("v1");
    // The app creates its database on the first write; from now on every deploy must back it up (a missing
    // database with a live release stops the deploy).
    const added = await viaNginx(address(), DOMAIN, "/api/harvests", "POST", JSON.stringify({ crop: "h", kg: 1 }));
    expect(added.status).toBe(201);
  });

  it("plans the hooks in check mode without running them", async () => {
    lines.length = 0;
    const result = await deploy({ ...base(), releaseId: "hooks-plan", check: true, versionEnv: { APP_VERSION: "v2" } });
    expect(result.ok).toBe(true);
    expect(lines.join("\n")).toContain("checked hook before_switch (1 task)");
    expect(lines.join("\n")).toContain("checked hook after_switch (1 task)");
    expect((await text(MARKER)).split("\n")[0]).toBe("blue");
    expect((await text(AFTER)).trim()).toBe("hooks-v1");
  });

  it("gives the hook the green color on the next deploy", async () => {
    const result = await deploy({ ...base(), releaseId: "hooks-v2", versionEnv: { APP_VERSION: "v2" } });
    expect(result.ok).toBe(true);
    const marker = await text(MARKER);
    expect(marker.split("\n")[0]).toBe("green");
    expect(marker).toContain('"version": "v2"');
    expect((await text(AFTER)).trim()).toBe("hooks-v2");
    expect(await version()).toBe("v2");
  });

  it("a failing before_switch hook fails the host and leaves the old version serving", async () => {
    const failing = await configWithHooks({
      before_switch: [{ module: "command", name: "failing migration", argv: ["sh", "-c", "exit 7"] }],
    });
    const result = await deploy({
      ...base(),
      config: failing,
      releaseId: "hooks-v3",
      versionEnv: { APP_VERSION: "v3" },
    });
    expect(result.ok).toBe(false);
    expect(result.hosts[0]?.status).toBe("failed");
    expect(result.hosts[0]?.error).toMatch(
      /hook before_switch: task "failing migration" \(.*slipway\.yml:\d+:\d+\) failed/,
    );
    expect(await version()).toBe("v2");
    const blue = await host.exec(["systemctl", "is-active", `${APP}-backend@blue`], { check: false });
    expect(blue.stdout.trim()).not.toBe("active");
    const history = JSON.parse(await text(`/opt/${APP}/releases.json`));
    expect(history.releases.at(-1)).toMatchObject({ id: "hooks-v3", result: "failed" });
  });

  it("a failing after_switch hook switches back to the old color", async () => {
    const failing = await configWithHooks({
      after_switch: [{ module: "command", name: "failing warm-up", argv: ["sh", "-c", "exit 9"] }],
    });
    const result = await deploy({
      ...base(),
      config: failing,
      releaseId: "hooks-v4",
      versionEnv: { APP_VERSION: "v4" },
    });
    expect(result.ok).toBe(false);
    expect(result.hosts[0]?.error).toMatch(
      /hook after_switch: task "failing warm-up" \(.*slipway\.yml:\d+:\d+\) failed/,
    );
    expect(result.hosts[0]?.error).toContain("switched back to green");
    expect(await version()).toBe("v2");
    expect((await text(`/opt/${APP}/color`)).trim()).toBe("green");
  });
});
