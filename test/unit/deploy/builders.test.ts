import { describe, expect, it } from "vitest";
import { parseEnvPairs } from "../../../src/cli/deploy.js";
import { unpackArgv } from "../../../src/commands/files.js";
import type { SlipwayConfig } from "../../../src/config/index.js";
import { chosenHosts } from "../../../src/deploy/connect.js";
import { gateArgs } from "../../../src/deploy/health.js";
import { releaseFingerprint } from "../../../src/deploy/host-flow.js";
import { routeChecks } from "../../../src/deploy/nginx.js";
import { deployPaths } from "../../../src/deploy/paths.js";
import { configWithEnv } from "../../../src/deploy/runtime.js";
import { tarCreateArgv } from "../../../src/deploy/ship.js";
import { dropInContent, dropInPath } from "../../../src/deploy/systemd-runtime.js";

describe("deploy builders", () => {
  it("lays out the deploy dir", () => {
    const p = deployPaths("/opt/harvest/");
    expect([p.release("r1"), p.colorLink("green"), p.current, p.color, p.history, p.lock]).toEqual([
      "/opt/harvest/releases/r1",
      "/opt/harvest/colors/green",
      "/opt/harvest/current",
      "/opt/harvest/color",
      "/opt/harvest/releases.json",
      "/opt/harvest/.slipway-lock",
    ]);
  });

  it("points each color's unit at its own release through a drop-in", () => {
    expect(dropInPath("harvest", "backend", "green")).toBe(
      "/etc/systemd/system/harvest-backend@green.service.d/slipway-release.conf",
    );
    expect(dropInContent("/opt/harvest", "backend", "green")).toBe(
      "# Managed by Slipway: the green instance runs the release /opt/harvest/colors/green points at.\n[Service]\nWorkingDirectory=/opt/harvest/colors/green/backend\n",
    );
  });

  it("ships with tar, unpacking beside the target and renaming", () => {
    expect(tarCreateArgv("/src/backend")).toEqual([
      "tar",
      "-cz",
      "-C",
      "/src/backend",
      "--no-recursion",
      "--null",
      "-T",
      "-",
    ]);
    expect(unpackArgv("/opt/a/releases/r/backend")).toEqual([
      "sh",
      "-c",
      'set -e; rm -rf -- "$1.part"; mkdir -p -- "$1.part"; tar -xzf - -C "$1.part"; mv -- "$1.part" "$1"',
      "sh",
      "/opt/a/releases/r/backend",
    ]);
  });

  it("gates on the service's health block at the color's port", () => {
    const service = {
      health: {
        path: "/api/health",
        expected_status: 200,
        expected_body: '"status": "ok"',
        interval: "1s",
        consecutive_successes: 3,
        timeout: "30s",
        request_timeout: "5s",
      },
    } as unknown as SlipwayConfig["services"][string];
    expect(gateArgs("backend", service, 15001)).toEqual({
      url: "http://127.0.0.1:15001/api/health",
      status: 200,
      body_contains: '"status": "ok"',
      timeout_s: 30,
      interval_s: 1,
      successes: 3,
      request_timeout_s: 5,
    });
  });

  it("checks each route under the base path: its check path, status and body; check false is skipped", () => {
    const config = {
      proxy: {
        base_path: "/harvest/",
        routes: [
          { path: "/api/", check: { path: "/api/items?limit=1", status: 200, body: "items" } },
          { path: "/", check: { status: 200 } },
          { path: "/ws/", check: false },
          { path: "/admin/", check: { status: 401 } },
        ],
      },
    } as unknown as SlipwayConfig;
    expect(routeChecks(config)).toEqual([
      { path: "/harvest/api/items?limit=1", status: 200, bodyContains: "items" },
      { path: "/harvest/", status: 200 },
      { path: "/harvest/admin/", status: 401 },
    ]);
  });

  it("adds the release env and the color to every service", () => {
    const config = { services: { a: { env: { X: "1", APP_VERSION: "old" } } } } as unknown as SlipwayConfig;
    expect(configWithEnv(config, { APP_VERSION: "v2" }, "blue").services.a?.env).toEqual({
      X: "1",
      APP_VERSION: "v2",
      SLIPWAY_COLOR: "blue",
    });
  });

  it("fingerprints ignore env order", () => {
    expect(releaseFingerprint("c", { A: "1", B: "2" }, {})).toBe(releaseFingerprint("c", { B: "2", A: "1" }, {}));
    expect(releaseFingerprint("c", { A: "1" }, {})).not.toBe(releaseFingerprint("c", { A: "2" }, {}));
  });

  it("parses --version-env pairs", () => {
    expect(parseEnvPairs(["APP_VERSION=2.0", "X=a=b"])).toEqual({ APP_VERSION: "2.0", X: "a=b" });
    expect(() => parseEnvPairs(["nope"])).toThrow(/KEY=VALUE/);
  });

  it("refuses a --limit that names no host or group, before connecting", () => {
    const config = {
      app: "x",
      inventory: { ssh: {}, hosts: { t1: { address: "10.0.0.1" } }, groups: { web: { hosts: ["t1"], vars: {} } } },
    } as unknown as SlipwayConfig;
    expect(chosenHosts(config, ["web"]).map((h) => h.name)).toEqual(["t1"]);
    expect(() => chosenHosts(config, ["t9", "web"])).toThrow('--limit "t9,web": "t9" matches no host or group');
  });
});
