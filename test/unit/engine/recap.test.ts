import { describe, expect, it } from "vitest";
import { formatRecap } from "../../../src/engine/recap.js";
import { ModuleRegistry } from "../../../src/engine/registry.js";
import { formatOutcome } from "../../../src/engine/reporter.js";
import type { Module } from "../../../src/engine/types.js";
import { builtinModules } from "../../../src/modules/index.js";
import { runText } from "./helpers.js";

describe("recap", () => {
  it("counts all seven kinds and prints Ansible's recap line per host", async () => {
    const run = await runText(
      [
        "- hosts: all",
        "  tasks:",
        "    - { name: read, command: echo ok, changed_when: false }",
        "    - { name: write, command: echo changed }",
        "    - { name: not here, command: echo no, when: false }",
        "    - { name: tolerated, command: 'false', ignore_errors: true }",
        "    - block: [{ name: guarded, command: 'false' }]",
        "      rescue: [{ name: recover, command: echo rescued, changed_when: false }]",
        "    - name: host b goes away, host a fails",
        "      command: \"{{ 'poweroff' if inventory_hostname == 'b' else 'false' }}\"",
        "    - { name: after, command: echo after }",
      ].join("\n"),
      {
        names: ["a", "b"],
        setup: (h) =>
          h.handlers.set("poweroff", () => {
            h.unreachable = true;
            return {};
          }),
      },
    );
    expect(run.recap).toEqual({
      a: { ok: 3, changed: 1, unreachable: 0, failed: 1, skipped: 1, rescued: 1, ignored: 1 },
      // poweroff itself "succeeds" (changed); the next task finds the host gone.
      b: { ok: 4, changed: 2, unreachable: 1, failed: 0, skipped: 1, rescued: 1, ignored: 1 },
    });
    expect(formatRecap(run.recap, run.outcomes).split("\n").slice(0, 3)).toEqual([
      "PLAY RECAP",
      expect.stringMatching(/^a : ok=3 changed=1 unreachable=0 failed=1 skipped=1 rescued=1 ignored=1 {2}\d+\.\d\ds$/),
      expect.stringMatching(/^b : ok=4 changed=2 unreachable=1 failed=0 skipped=1 rescued=1 ignored=1 {2}\d+\.\d\ds$/),
    ]);
    expect(formatRecap(run.recap, run.outcomes)).toMatch(/TASK DURATIONS\n.*read +\d+\.\d\ds\n/);
    expect(run.ok).toBe(false);
    // Every outcome carries where its task is written, e.g. the one that fails on a, at line 9 of the playbook.
    expect(run.outcomes.find((o) => o.host === "a" && o.status === "failed" && !o.rescued && !o.ignored)?.pos).toBe(
      "test.yml:9:7",
    );
  });

  it("labels rescued, ignored and unreachable outcomes and shows the failure message", () => {
    const base = { host: "t1", task: "migrate", where: "tasks[0]", durationMs: 1234 };
    expect(formatOutcome({ ...base, status: "failed", rescued: true, msg: "exit code 1" })).toBe(
      "failed (rescued): [t1] migrate (1.23s)\n    exit code 1",
    );
    expect(formatOutcome({ ...base, status: "failed", ignored: true })).toBe("failed (ignored): [t1] migrate (1.23s)");
    expect(formatOutcome({ ...base, status: "failed", pos: "playbooks/x.yml:12:7", msg: "exit code 2" })).toBe(
      "failed: [t1] migrate (1.23s) at playbooks/x.yml:12:7\n    exit code 2",
    );
    expect(formatOutcome({ ...base, status: "unreachable", msg: "refused" })).toBe(
      "UNREACHABLE: [t1] migrate (1.23s)\n    refused",
    );
  });
});

describe("forks", () => {
  it("runs at most `forks` hosts of a batch at once", async () => {
    let running = 0;
    let peak = 0;
    const slow: Module = {
      name: "slow",
      argsSchema: (await import("zod")).z.object({}),
      async run() {
        running++;
        peak = Math.max(peak, running);
        await new Promise((r) => setTimeout(r, 20));
        running--;
        return { status: "ok" };
      },
    };
    const modules = new ModuleRegistry([...builtinModules, slow]);
    const yaml = ["- hosts: all", "  gather_facts: false", "  tasks:", "    - slow: {}"].join("\n");
    const names = ["a", "b", "c", "d", "e"];
    await runText(yaml, { names, modules, forks: 2 });
    expect(peak).toBe(2);
    peak = 0;
    await runText(yaml, { names, modules });
    expect(peak).toBe(5);
  });
});

describe("secrets in output", () => {
  it("diff: false hides a file's diff; no_log hides the message of a failure too", async () => {
    const run = await runText(
      [
        "- hosts: all",
        "  tasks:",
        "    - copy: { dest: /etc/token, content: hunter2 }",
        "      diff: false",
        "    - command: echo hunter2",
        "      failed_when: true",
        "      no_log: true",
      ].join("\n"),
      { diff: true },
    );
    expect(run.outcomes[0]).toMatchObject({ status: "changed", diffs: undefined });
    expect(run.outcomes[1]).toMatchObject({ status: "failed", msg: "(output hidden: no_log)" });
    expect(JSON.stringify(run.outcomes)).not.toContain("hunter2");
  });
});

describe("any_errors_fatal", () => {
  it("a rescued failure does not stop the other hosts", async () => {
    const run = await runText(
      [
        "- hosts: all",
        "  any_errors_fatal: true",
        "  tasks:",
        "    - block: [{ command: \"{{ 'false' if inventory_hostname == 'a' else 'true' }}\" }]",
        "      rescue: [{ command: echo rescued }]",
        "    - command: echo next",
      ].join("\n"),
      { names: ["a", "b"], forks: 1 },
    );
    expect(run.hosts.get("a")?.ran).toEqual(["false", "echo rescued", "echo next"]);
    expect(run.hosts.get("b")?.ran).toEqual(["true", "echo next"]);
  });
});
