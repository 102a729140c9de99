/** One redactor per CLI run: the config's secrets are masked in what the CLI prints and in the deploy's events. */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { CliRun } from "../../../src/cli/_run.js";
import { commandModules } from "../../../src/cli/index.js";
import { createProgram, runProgram } from "../../../src/cli/main.js";

const SECRET = "hunter2-in-the-user-name";
const dir = mkdtempSync(join(tmpdir(), "slipway-cli-run-"));
const CONFIG = join(dir, "slipway.yml");
writeFileSync(
  CONFIG,
  [
    "app: shop",
    "runtime: systemd",
    "services:",
    "  web:",
    "    port: 8000",
    '    systemd: { app_module: "wsgi:app" }',
    "    secrets: [SHOP_SECRET]",
    "inventory:",
    `  ssh: { user: ${SECRET} }`,
    "  hosts:",
    "    t1: { address: 127.0.0.1 }",
    "proxy:",
    "  routes:",
    "    - { path: /, service: web }",
    "",
  ].join("\n"),
);

async function slipway(...argv: string[]): Promise<{ out: string; code: number }> {
  const chunks: string[] = [];
  const run = new CliRun({ stdout: (t) => chunks.push(t), stderr: (t) => chunks.push(t) });
  const code = await runProgram(createProgram(commandModules, run), ["node", "slipway", ...argv], run);
  return { out: chunks.join(""), code };
}

describe("the CLI run's redactor", () => {
  process.env.SHOP_SECRET = SECRET;
  afterEach(() => {
    process.exitCode = undefined;
  });

  it("masks a secret in the deploy's events and in the --json result", async () => {
    const { out, code } = await slipway("deploy", "-c", CONFIG, "-C", "--json");
    expect(code).toBe(3);
    expect(out).toContain("no private key configured for ***@127.0.0.1");
    expect(out).not.toContain(SECRET);
  });

  it("masks a secret in the error that ends the run", async () => {
    const { out, code } = await slipway("deploy", "-c", CONFIG, "-l", SECRET);
    expect(code).toBe(4);
    expect(out).toContain('--limit "***"');
    expect(out).not.toContain(SECRET);
  });

  it("is one per run: a second run does not know the first one's secrets", () => {
    expect(new CliRun().redactor.redact(SECRET)).toBe(SECRET);
  });
});
