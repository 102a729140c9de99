import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it, vi } from "vitest";
import { runValidate } from "../../../src/cli/validate.js";
import { actionContext } from "../../../src/github/action-context.js";
import type { ActionInputs } from "../../../src/github/inputs.js";
import { runValidateAction } from "../../../src/github/validate-action.js";
import { project } from "../render/config-file-project.js";

const inputs = (config: string): ActionInputs => ({
  config,
  command: "validate",
  restoreDb: false,
  limit: [],
  versionEnv: {},
  forceUnlock: false,
});

/** What the action wrote to stdout (workflow commands), and its exit code. */
async function validate(file: string): Promise<{ lines: string[]; exitCode: number | undefined }> {
  const lines: string[] = [];
  const write = vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
    lines.push(...String(chunk).split(/\r?\n/).filter(Boolean));
    return true;
  });
  process.exitCode = undefined;
  try {
    await runValidateAction(actionContext({}), inputs(file));
    return { lines, exitCode: process.exitCode as number | undefined };
  } finally {
    write.mockRestore();
    process.exitCode = undefined;
  }
}

describe("the action's command: validate checks services.*.files as the CLI does (D73)", () => {
  afterEach(() => vi.restoreAllMocks());

  it("an unlisted ${secret:X}: one error annotation at files[i].template, exit 1", async () => {
    const { file } = project("[DB_PASSWORD]");
    expect(await validate(file)).toEqual({
      lines: [
        `::error title=slipway config,file=${file},line=17,col=19::services.worker.files[0].template: services.worker.files[0] (etc/instance_config.json.tpl):3 "VAULT_SECRET" is not in the service's \`secrets\`: add VAULT_SECRET to the service's secrets`,
      ],
      exitCode: 1,
    });
  });

  it("every template renders: the summary line, exit code untouched", async () => {
    const { file } = project("[DB_PASSWORD, VAULT_SECRET]");
    expect(await validate(file)).toEqual({
      lines: [`${file}: valid (app cv, 2 services, 1 host, runtime container)`],
      exitCode: undefined,
    });
  });
});

const fixtures = fileURLToPath(new URL("../../../test/fixtures/config/", import.meta.url));

describe("the action's command: validate makes the CLI's checks (one function)", () => {
  afterEach(() => vi.restoreAllMocks());

  it("a hook the CLI refuses (unknown module) is refused by the action with the same words at the same place", async () => {
    const file = `${fixtures}hooks/unknown-module.yml`;
    const cli = await runValidate(file);
    expect(cli.exitCode).toBe(4);
    const [where, words] = (cli.stderr[0] ?? "").split(/(?<=:18:15): /);
    expect(where).toMatch(/unknown-module\.yml:18:15$/);
    expect(words).toMatch(/^hooks\.before_switch\[0\]: unknown module "shel"/);
    expect(await validate(file)).toEqual({
      lines: [`::error title=slipway config,file=${where?.slice(0, -":18:15".length)},line=18,col=15::${words}`],
      exitCode: 1,
    });
  });

  it("a hook's renamed argument: valid for both, the CLI's warning is the action's ::warning", async () => {
    const file = `${fixtures}hooks/renamed-argument.yml`;
    const cli = await runValidate(file);
    expect(cli.exitCode).toBe(0);
    const { lines, exitCode } = await validate(file);
    expect(exitCode).toBeUndefined();
    expect(lines).toEqual([
      ...cli.stderr.map((w) => `::warning::${w.slice("warning: ".length).replaceAll("\n", "%0A")}`),
      ...cli.stdout,
    ]);
  });
});
