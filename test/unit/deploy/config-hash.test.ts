import { describe, expect, it } from "vitest";
import type { SlipwayConfig } from "../../../src/config/index.js";
import { runConfigHash, todaysConfigLine } from "../../../src/deploy/config-hash.js";
import type { ReleaseRecord } from "../../../src/deploy/types.js";

const config = (env: Record<string, string>, extra: Record<string, unknown> = {}) =>
  ({ services: { api: { port: 8000, env, ...extra } }, proxy: { domains: ["a.test"] } }) as unknown as Pick<
    SlipwayConfig,
    "services" | "proxy"
  >;
const rec = (config_hash?: string): ReleaseRecord => ({
  id: "v1",
  commit: "c",
  images: {},
  time: "t",
  actor: "a",
  result: "deployed",
  ...(config_hash ? { config_hash } : {}),
});

describe("what a rollback takes from today's slipway.yml (D75)", () => {
  it("hashes services and proxy, not the order of keys or undefined values", () => {
    const a = runConfigHash(config({ A: "1", B: "2" }));
    expect(a).toMatch(/^[0-9a-f]{16}$/);
    expect(runConfigHash(config({ B: "2", A: "1" }))).toBe(a);
    expect(runConfigHash(config({ A: "1", B: "2" }, { command: undefined }))).toBe(a);
    expect(runConfigHash(config({ A: "1", B: "3" }))).not.toBe(a);
  });

  it("says the config is today's, and whether it differs from what the release last ran with", () => {
    const base = "env, files, services and routes are today's slipway.yml's, not the release's";
    expect(todaysConfigLine(undefined, "h")).toBe(base);
    expect(todaysConfigLine(rec(), "h")).toBe(base);
    expect(todaysConfigLine(rec("h"), "h")).toBe(`${base} (the same as v1 last ran with)`);
    expect(todaysConfigLine(rec("g"), "h")).toBe(
      `${base}: they differ from what v1 last ran with (its images run with today's env and files)`,
    );
  });
});
