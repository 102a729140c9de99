/**
 * The live color comes back after a reboot, the idle one does not (tester's D26: after deploys the live color's units
 * were `disabled`, so a reboot left the app down). Runtime systemd enables the live color's instances and disables the
 * other color's when the release is recorded; a rollback records the other way round.
 */
import { describe, expect, it } from "vitest";
import type { Color } from "../../../src/config/index.js";
import { deployPaths } from "../../../src/deploy/paths.js";
import type { ColorRuntime } from "../../../src/deploy/runtime.js";
import { recordStep } from "../../../src/deploy/steps/record.js";
import type { FlowState } from "../../../src/deploy/steps/types.js";
import { systemdRuntime } from "../../../src/deploy/systemd-runtime.js";
import type { ReleaseRecord } from "../../../src/deploy/types.js";
import { HELPER_PATH, planCommand } from "../../../src/remote/privilege.js";
import { FakeHost } from "../engine/fake-host.js";
import { configWith } from "../render/from-config/config.js";

const balanced = () =>
  configWith({
    proxy: {
      domains: ["shop.example.com"],
      routes: [
        { path: "/api/", service: "api" },
        { path: "/", service: "web" },
      ],
      load_balance: { api: { instances: 2 } },
    },
  });

describe("runtime systemd: the color that starts at boot", () => {
  it("enables every instance of the live color, then disables the idle color's, each through sudo", async () => {
    const host = new FakeHost("h1");
    await systemdRuntime(balanced(), host).bootColor?.("green", "blue");
    expect(host.commands).toEqual([
      {
        argv: [
          "systemctl",
          "enable",
          "--",
          "shop-api@green.service",
          "shop-api@green-2.service",
          "shop-web@green.service",
        ],
        become: true,
      },
      {
        argv: [
          "systemctl",
          "disable",
          "--",
          "shop-api@blue.service",
          "shop-api@blue-2.service",
          "shop-web@blue.service",
        ],
        become: true,
      },
    ]);
  });

  it("helper mode: both go to the helper's unit verbs, which accept only the app's own units", async () => {
    const host = new FakeHost("h1");
    await systemdRuntime(balanced(), host).bootColor?.("blue", "green");
    const ctx = { mode: "helper" as const, app: "shop", deployDir: "/opt/shop", dataDirs: [] };
    expect(host.commands.map((c) => planCommand(c.argv, c.become, ctx).argv)).toEqual([
      [HELPER_PATH, "unit", "enable", "shop-api@blue.service", "shop-api@blue-2.service", "shop-web@blue.service"],
      [HELPER_PATH, "unit", "disable", "shop-api@green.service", "shop-api@green-2.service", "shop-web@green.service"],
    ]);
  });

  it("a failed enable is an error naming the host, the step and the command", async () => {
    const host = new FakeHost("h1", (argv) =>
      argv[1] === "enable" ? { code: 1, stderr: "Access denied" } : undefined,
    );
    const error = await systemdRuntime(balanced(), host)
      .bootColor?.("blue", "green")
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      host: "h1",
      step: "record",
      command: "systemctl enable -- shop-api@blue.service shop-api@blue-2.service shop-web@blue.service",
    });
  });
});

/** A record step's state on a fake host: a deploy (or rollback) to `idle`, the runtime recording bootColor calls. */
function recordState(idle: Color, services: string[], calls: string[], kind: "deploy" | "rollback" = "deploy") {
  const host = new FakeHost("h1");
  const runtime: Pick<ColorRuntime, "bootColor" | "names"> = {
    async bootColor(live, other) {
      // The record is written first: a failed enable leaves the release recorded as live.
      calls.push(`boot ${live} not ${other} (color file ${host.files.get("/opt/shop/color")?.content?.trim()})`);
    },
    names: (color) => [`shop-web@${color}.service`],
  };
  const lines: string[] = [];
  const state = {
    // drainSeconds 0: record starts no drain (retire's, tested in retire-drain.test.ts).
    run: {
      host,
      kind,
      releaseId: "r2",
      actor: "tester",
      runtime,
      env: {},
      images: {},
      commit: "c2",
      drainSeconds: 0,
      config: balanced(),
    },
    role: { services },
    paths: deployPaths("/opt/shop"),
    live: { release: "r1", history: { releases: [] } },
    liveColor: idle === "blue" ? "green" : "blue",
    idle,
    fingerprint: "f",
    history: { releases: [] },
    backup: null,
    say: (line: string) => lines.push(line),
  } as unknown as FlowState;
  return { state, lines };
}

describe("record: the new color becomes the one that starts at boot", () => {
  it("a deploy to blue makes blue start at boot and green not, after the record", async () => {
    const calls: string[] = [];
    const { state, lines } = recordState("blue", ["web"], calls);
    await recordStep.plan?.(state);
    expect(lines).toEqual(["  at boot: start shop-web@blue.service, not shop-web@green.service"]);
    await recordStep.run(state);
    expect(calls).toEqual(["boot blue not green (color file blue)"]);
  });

  it("a rollback to green moves the boot color back to green", async () => {
    const calls: string[] = [];
    const { state } = recordState("green", ["web"], calls, "rollback");
    await recordStep.run(state);
    expect(calls).toEqual(["boot green not blue (color file green)"]);
  });

  it("a rollback re-records its release on the new color with that color's units (D52)", async () => {
    const { state } = recordState("green", ["web"], [], "rollback");
    const first = { id: "r2", commit: "c2", images: {}, time: "t", actor: "a", result: "deployed" as const };
    const r1 = { ...first, id: "r1", commit: "c1" };
    const records = [{ ...first, color: "blue" as const, units: ["shop-web@blue.service"] }, r1];
    Object.assign(state, { history: { releases: records }, live: { release: "r1", history: { releases: records } } });
    await recordStep.run(state);
    const host = state.run.host as FakeHost;
    const written: { releases: ReleaseRecord[] } = JSON.parse(host.files.get("/opt/shop/releases.json")?.content ?? "");
    expect(written.releases.map((r) => [r.id, r.result, r.color, r.units])).toEqual([
      ["r1", "rolled-back", undefined, undefined],
      ["r2", "deployed", "green", ["shop-web@green.service"]],
    ]);
  });

  it("an nginx-only host of the load-balancer layout runs no color: nothing enabled or planned", async () => {
    const calls: string[] = [];
    const { state, lines } = recordState("blue", [], calls);
    await recordStep.plan?.(state);
    await recordStep.run(state);
    expect(lines).toEqual([]);
    expect(calls).toEqual([]);
  });
});
