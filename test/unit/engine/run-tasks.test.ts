import { describe, expect, it } from "vitest";
import { parsePlaybookText } from "../../../src/engine/parse/playbook.js";
import { runTasks } from "../../../src/engine/run-tasks.js";
import { defaultRegistry } from "../../../src/modules/index.js";
import { FakeHost } from "./fake-host.js";

const modules = defaultRegistry();

function tasksOf(yaml: string) {
  const playbook = parsePlaybookText(["- hosts: all", "  tasks:", yaml].join("\n"), "t.yml", { modules });
  return playbook.plays[0]?.tasks ?? [];
}

describe("runTasks: a parsed task list on connections the caller holds", () => {
  it("runs on every given host with its name and the extra vars, and never closes the connections", async () => {
    const a = new FakeHost("a");
    const b = new FakeHost("b");
    const tasks = tasksOf(
      [
        "    - { name: one, command: 'echo {{ inventory_hostname }} {{ color }}' }",
        "    - { name: two, command: echo two, when: inventory_hostname == 'b' }",
      ].join("\n"),
    );
    const result = await runTasks(
      tasks,
      [
        { name: "a", remote: a },
        { name: "b", remote: b },
      ],
      { name: "hook before_switch", modules, extraVars: { color: "green" }, gatherFacts: false },
    );
    expect(a.ran).toEqual(["echo a green"]);
    expect(b.ran).toEqual(["echo b green", "echo two"]);
    expect([a.closed, b.closed]).toEqual([false, false]);
    expect(result.ok).toBe(true);
    expect(result.recap).toEqual({
      a: { ok: 1, changed: 1, unreachable: 0, failed: 0, skipped: 1, rescued: 0, ignored: 0 },
      b: { ok: 2, changed: 2, unreachable: 0, failed: 0, skipped: 0, rescued: 0, ignored: 0 },
    });
    expect(result.outcomes.map((o) => `${o.host} ${o.where} ${o.task} ${o.status}`)).toEqual([
      "a tasks[0] one changed",
      "b tasks[0] one changed",
      "a tasks[1] two skipped",
      "b tasks[1] two changed",
    ]);
  });

  it("a failed task fails the run (ok false) and stops that host only; a rescue still runs", async () => {
    const host = new FakeHost("h");
    host.handlers.set("false", () => ({ code: 1, stderr: "no" }));
    const tasks = tasksOf(
      [
        "    - block: [{ name: guarded, command: 'false' }]",
        "      rescue: [{ name: recover, command: echo rescued }]",
        "    - { name: fails, command: 'false' }",
        "    - { name: never, command: echo never }",
      ].join("\n"),
    );
    const result = await runTasks(tasks, [{ name: "h", remote: host }], { name: "x", modules, gatherFacts: false });
    expect(host.ran).toEqual(["false", "echo rescued", "false"]);
    expect(result.ok).toBe(false);
    expect(result.recap.h).toMatchObject({ failed: 1, rescued: 1 });
  });
});
