import { resolve } from "node:path";
import { Command } from "commander";
import { describe, expect, it } from "vitest";
import { CliRun } from "../../../src/cli/_run.js";
import { type DeployFlags, deployOptionsFromFlags, register } from "../../../src/cli/deploy.js";
import { register as registerRollback } from "../../../src/cli/rollback.js";
import { loadConfig } from "../../../src/config/index.js";

const flaskFile = resolve(import.meta.dirname, "../../../examples/flask-docker/slipway.yml");
const DIGEST = `sha256:${"b".repeat(64)}`;

/** Parses argv with the real command definition, capturing the flags instead of deploying. */
function parse(
  name: "deploy" | "rollback",
  argv: string[],
): { file: string | undefined; flags: Record<string, unknown> } {
  const program = new Command().exitOverride();
  (name === "deploy" ? register : registerRollback)(program, new CliRun());
  const command = program.commands.find((c) => c.name() === name);
  if (!command) throw new Error(`no ${name} command`);
  let seen: { file: string | undefined; flags: Record<string, unknown> } | undefined;
  command.exitOverride().action((file: string | undefined, flags: Record<string, unknown>) => {
    seen = { file, flags };
  });
  program.parse([name, ...argv], { from: "user" });
  if (!seen) throw new Error("action did not run");
  return seen;
}

describe("slipway deploy flags", () => {
  it("parses --image (repeatable), --insecure-registry and --force-unlock", () => {
    const { file, flags } = parse("deploy", [
      "app.yml",
      "--image",
      `backend=10.213.0.1:5000/slipway/x-backend@${DIGEST}`,
      "--image",
      "frontend=nginx:1.27",
      "--insecure-registry",
      "--force-unlock",
      "--yes",
    ]);
    expect(file).toBe("app.yml");
    expect(flags.image).toEqual([`backend=10.213.0.1:5000/slipway/x-backend@${DIGEST}`, "frontend=nginx:1.27"]);
    expect(flags.insecureRegistry).toBe(true);
    expect(flags.forceUnlock).toBe(true);
  });

  it("defaults: no images, secure registry, no force-unlock", () => {
    const { file, flags } = parse("deploy", []);
    expect(file).toBeUndefined();
    expect(flags.config).toBeUndefined();
    expect(flags.image).toEqual([]);
    expect(flags.insecureRegistry).toBeUndefined();
    expect(flags.forceUnlock).toBeUndefined();
  });

  it("turns the flags into DeployOptions", async () => {
    const config = await loadConfig(flaskFile);
    const flags: DeployFlags = {
      limit: ["t2"],
      versionEnv: ["APP_VERSION=2.0.0"],
      image: [`backend=reg/app@${DIGEST}`],
      insecureRegistry: true,
      forceUnlock: true,
      drain: "3",
    };
    const options = deployOptionsFromFlags(config, flags);
    expect(options.images).toEqual({ backend: `reg/app@${DIGEST}` });
    expect(options.insecureRegistry).toBe(true);
    expect(options.forceUnlock).toBe(true);
    expect(options.versionEnv).toEqual({ APP_VERSION: "2.0.0" });
    expect(options.drainSeconds).toBe(3);
    expect(options.limit).toEqual(["t2"]);
  });

  it("leaves images, insecureRegistry and forceUnlock out when not given (deploy builds the images)", async () => {
    const config = await loadConfig(flaskFile);
    const options = deployOptionsFromFlags(config, { limit: [], versionEnv: [], image: [] });
    expect("images" in options).toBe(false);
    expect("insecureRegistry" in options).toBe(false);
    expect("forceUnlock" in options).toBe(false);
  });

  it("refuses an --image without service= or for an unknown service", async () => {
    const config = await loadConfig(flaskFile);
    const base = { limit: [], versionEnv: [] };
    expect(() => deployOptionsFromFlags(config, { ...base, image: ["reg/app:1"] })).toThrow(/--image reg\/app:1/);
    expect(() => deployOptionsFromFlags(config, { ...base, image: ["nope=reg/app:1"] })).toThrow(/no service nope/);
    expect(() => deployOptionsFromFlags(config, { ...base, image: ["backend="] })).toThrow(/expected KEY=VALUE/);
  });

  it("refuses a --drain that is not a number", async () => {
    const config = await loadConfig(flaskFile);
    expect(() => deployOptionsFromFlags(config, { limit: [], versionEnv: [], image: [], drain: "soon" })).toThrow(
      /--drain soon/,
    );
  });
});

describe("slipway rollback flags", () => {
  it("parses --force-unlock", () => {
    expect(parse("rollback", ["--force-unlock"]).flags.forceUnlock).toBe(true);
    expect(parse("rollback", []).flags.forceUnlock).toBeUndefined();
  });
});
