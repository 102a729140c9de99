import { afterEach, describe, expect, it, vi } from "vitest";
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
