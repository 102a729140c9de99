import { describe, expect, it } from "vitest";
import { withHookFiles } from "../../../src/cli/_playbook-run.js";
import { loadConfig } from "../../../src/config/load.js";
import { hooksFromConfig } from "../../../src/engine/parse/hooks.js";
import { parsePlaybookFile, parsePlaybookText } from "../../../src/engine/parse/playbook.js";
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

  it("slipway.yml's hooks, read by the config loader, run at the playbook's hook point", async () => {
    const config = await loadConfig("test/unit/engine/fixtures/slipway.yml", {});
    const yaml = ["- hosts: all", "  tasks:", "    - hook: before_switch", "    - command: echo switch"].join("\n");
    const run = await runText(yaml, {
      hooks: hooksFromConfig(config),
      hooksFile: "test/unit/engine/fixtures/slipway.yml",
      config: config as never,
    });
    expect(run.hosts.get("a")?.ran).toEqual(["echo migrate shop", "echo switch"]);
    expect(run.lines[0]).toBe("a run migrations from slipway.yml changed");

    // slipway.yml's values are data: its hook templates are not rendered as part of `config`.
    const templated = await runText(
      ["- hosts: all", "  tasks:", "    - template: { content: 'app={{ config.app }}', dest: /etc/app }"].join("\n"),
      { config: config as never },
    );
    expect(templated.hosts.get("a")?.files.get("/etc/app")?.content).toBe("app=shop");
  });

  it("--hook NAME=FILE fills any hook point, e.g. bootstrap's after_bootstrap", async () => {
    const hooks = withHookFiles({}, ["after_bootstrap=test/unit/engine/fixtures/migrate.yml"]);
    const run = await runText(
      ["- hosts: all", "  vars: { app: shop }", "  tasks:", "    - hook: after_bootstrap"].join("\n"),
      { hooks },
    );
    expect(run.hosts.get("a")?.ran).toEqual(["echo migrate shop"]);
    expect(() => withHookFiles({}, ["after_bootstrap"])).toThrow("--hook expects NAME=FILE");
  });

  it("a project's own playbook imports Slipway's bootstrap and adds its play without copying it", () => {
    const book = parsePlaybookFile("test/unit/engine/fixtures/own-playbook.yml", { modules: defaultRegistry() });
    expect(book.plays.map((p) => p.name)).toEqual([
      "bootstrap",
      "swarm manager",
      "swarm workers",
      "swarm node labels",
      "project extras",
    ]);
    const extra = book.plays.at(-1)?.tasks[0];
    expect(extra?.kind === "block" && extra.block.map((t) => t.name)).toEqual(["run migrations"]);
  });

  it("a problem in a slipway.yml hook task points at its line and column in slipway.yml", async () => {
    const file = "test/unit/engine/fixtures/slipway-bad-hook.yml";
    const config = await loadConfig(file, {});
    expect(() =>
      parsePlaybookText("- hosts: all\n  tasks:\n    - hook: before_switch\n", "play.yml", {
        modules: defaultRegistry(),
        hooks: hooksFromConfig(config),
        hooksFile: file,
      }),
    ).toThrow(
      [
        `${file}:18:15: hooks.before_switch[1]: unknown module "comand", did you mean "command"?`,
        `${file}:20:13: hooks.before_switch[1].when: invalid expression "app ==": unexpected end of expression at column 7`,
      ].join("\n"),
    );
  });
});
