import { describe, expect, it } from "vitest";
import { parsePlaybookFile } from "../../../src/engine/parse/playbook.js";
import { defaultRegistry } from "../../../src/modules/index.js";
import { REPO_ROOT } from "../../e2e/support/sandbox.js";

describe("deploy and rollback playbooks", () => {
  it.each(["deploy", "rollback"])("playbooks/%s.yml parses", (name) => {
    const playbook = parsePlaybookFile(`${REPO_ROOT}/playbooks/${name}.yml`, { modules: defaultRegistry() } as never);
    expect(JSON.stringify(playbook)).toContain(`slipway ${name}`);
  });
});
