import { describe, expect, it } from "vitest";
import { parsePlaybookText } from "../../../src/engine/parse/playbook.js";
import { defaultRegistry } from "../../../src/modules/index.js";
import { runText } from "./helpers.js";

describe("extension without copying playbooks", () => {
  it("import_tasks pulls a project's task file in, with the importing task's when and tags", async () => {
    const run = await runText(
      [
        "- hosts: all",
        "  vars: { app: shop }",
        "  tasks:",
        "    - import_tasks: fixtures/migrate.yml",
        "      tags: [db]",
        "    - import_tasks: fixtures/migrate.yml",
        "      when: false",
      ].join("\n"),
      { path: "test/unit/engine/play.yml" },
    );
    expect(run.hosts.get("a")?.ran).toEqual(["echo migrate shop"]);
    expect(run.lines).toEqual(["a run migrations changed", "a run migrations skipped"]);
  });

  it("a hook point runs slipway.yml's inline tasks and task files, and is a no-op when nothing is plugged in", async () => {
    const yaml = [
      "- hosts: all",
      "  vars: { app: shop }",
      "  tasks:",
      "    - command: echo before",
      "    - hook: before_switch",
      "    - command: echo after",
    ].join("\n");
    const modules = defaultRegistry();
    const book = parsePlaybookText(yaml, "test/unit/engine/play.yml", {
      modules,
      hooks: {
        before_switch: [
          "test/unit/engine/fixtures/migrate.yml",
          { module: "command", name: "warm cache", cmd: "echo warm", when: "app == 'shop'" },
        ],
      },
    });
    const block = book.plays[0]?.tasks[1];
    expect(block?.kind === "block" && block.block.map((t) => t.name)).toEqual(["run migrations", "warm cache"]);
    const plain = await runText(yaml);
    expect(plain.hosts.get("a")?.ran).toEqual(["echo before", "echo after"]);
  });

  it("reports a hook's inline task that names an unknown module", () => {
    expect(() =>
      parsePlaybookText("- hosts: all\n  tasks:\n    - hook: before_switch\n", "play.yml", {
        modules: defaultRegistry(),
        hooks: { before_switch: [{ module: "comand", cmd: "x" }] },
      }),
    ).toThrow('slipway.yml:1:3: hooks.before_switch[0]: unknown module "comand", did you mean "command"?');
  });
});
