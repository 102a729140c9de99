import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import { afterAll, describe, expect, it, vi } from "vitest";
import type { BuiltImage } from "../../../src/build/build_images.js";
import { CliRun } from "../../../src/cli/_run.js";
import { register } from "../../../src/cli/build.js";
import { REPO_ROOT } from "../support/sandbox.js";
import { docker, loadInventory, runId } from "./helpers.js";

/** `slipway build` end to end against the sandbox registry: built and pushed once, then skipped. */
describe("slipway build", () => {
  const inventory = loadInventory();
  const repository = `${inventory.registry}/e2e-${runId()}/cli`;
  const commit = "0123456789abcdef0123456789abcdef01234567";

  afterAll(async () => {
    for (const tag of [commit, "cli-test"]) await docker("image", "rm", `${repository}:${tag}`).catch(() => "");
  });

  async function slipwayBuild(context: string): Promise<BuiltImage[]> {
    return runBuild(
      ["build", "--repository", repository, "--context", context, "--insecure", "--commit", commit].concat([
        "--branch",
        "cli/test",
        "--service",
        "cli",
        "--json",
      ]),
    );
  }

  async function runBuild(argv: string[]): Promise<BuiltImage[]> {
    const program = new Command("slipway").exitOverride();
    register(program, new CliRun());
    const written: string[] = [];
    // A failed run sets process.exitCode; reset it so one test's failure never shows up as the next one's.
    process.exitCode = undefined;
    const spy = vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
      written.push(chunk.toString());
      return true;
    });
    try {
      await program.parseAsync(argv, { from: "user" });
    } finally {
      spy.mockRestore();
    }
    expect(process.exitCode ?? 0).toBe(0);
    return JSON.parse(written.join("")) as BuiltImage[];
  }

  it("prints each image with its digest, and skips the second time", async () => {
    const context = await mkdtemp(join(tmpdir(), "slipway-cli-build-"));
    await writeFile(join(context, "Dockerfile"), 'FROM scratch\nCOPY payload /payload\nCMD ["/payload"]\n');
    await writeFile(join(context, "payload"), `${repository}\n`);
    const [first] = await slipwayBuild(context);
    expect(first).toMatchObject({ service: "cli", skipped: false, tags: [commit, "cli-test"] });
    expect(first?.reference).toBe(`${repository}@${first?.digest}`);
    const [second] = await slipwayBuild(context);
    expect(second).toMatchObject({ skipped: true, digest: first?.digest });
  });

  it("honours image.insecure from slipway.yml: the plain-http sandbox registry works without --insecure", async () => {
    const dir = await mkdtemp(join(tmpdir(), "slipway-cli-insecure-"));
    await writeFile(join(dir, "Dockerfile"), 'FROM scratch\nCOPY payload /payload\nCMD ["/payload"]\n');
    await writeFile(join(dir, "payload"), `${repository} insecure\n`);
    const repo = `e2e-${runId()}/insecure`;
    const config = [
      "app: insecure-demo",
      "runtime: container",
      "image:",
      `  registry: ${inventory.registry}`,
      `  repository: ${repo}`,
      "  insecure: true",
      "  tag_branch: false",
      "services:",
      "  web:",
      "    build:",
      "      context: .",
      "    port: 8080",
      "proxy:",
      "  mode: internal",
      "inventory:",
      "  hosts:",
      "    t1:",
      "      address: 10.213.0.11",
      "",
    ].join("\n");
    await writeFile(join(dir, "slipway.yml"), config);
    const file = join(dir, "slipway.yml");
    const [first] = await runBuild(["build", file, "--commit", commit, "--json"]);
    expect(first).toMatchObject({ service: "web", skipped: false });
    expect(first?.reference).toBe(`${inventory.registry}/${repo}-web@${first?.digest}`);
    // The skip check (a manifest HEAD over plain http) also follows the config.
    const [second] = await runBuild(["build", file, "--commit", commit, "--json"]);
    expect(second).toMatchObject({ service: "web", skipped: true, digest: first?.digest });
    await docker("image", "rm", `${inventory.registry}/${repo}-web:${commit}`).catch(() => "");
  });

  it("builds every service of an example's slipway.yml, then skips them", async () => {
    const file = join(REPO_ROOT, "examples/duckdb-compose/slipway.yml");
    await runBuild(["build", file, "--insecure", "--json"]);
    const again = await runBuild(["build", file, "--insecure", "--json"]);
    expect(again.map((image) => [image.service, image.skipped])).toEqual([
      ["backend", true],
      ["frontend", true],
    ]);
    for (const image of again) {
      expect(image.reference).toMatch(
        /^10\.213\.0\.1:5000\/slipway\/duckdb-compose-(backend|frontend)@sha256:[0-9a-f]{64}$/,
      );
    }
  });
});
