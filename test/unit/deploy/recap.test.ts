import { describe, expect, it } from "vitest";
import type { DeployEvent } from "../../../src/deploy/events.js";
import { formatRecap, type StepTally, tallyEvent } from "../../../src/deploy/recap.js";
import { formatRecap as formatPlaybookRecap, formatRecapRows } from "../../../src/engine/recap.js";

const step = (host: string, name: string, status: string, ms?: number): DeployEvent =>
  ({ kind: "step", host, step: name, status, ...(ms === undefined ? {} : { ms }) }) as DeployEvent;

describe("the one recap (engine/recap.ts formatRecapRows), as the deploy prints it", () => {
  it("counts each host's step ends as Ansible counts tasks and sums their time", () => {
    const tally: StepTally = new Map();
    const events: DeployEvent[] = [
      step("t1", "lock", "started"),
      step("t1", "lock", "changed", 100),
      step("t1", "backup", "skipped", 5),
      step("t1", "gate", "ok", 1200),
      step("t2", "lock", "changed", 50),
      step("t2", "start", "failed", 700),
      step("t2", "lock", "undone", 30),
      { kind: "log", level: "info", message: "ignored", host: "t1" },
    ];
    for (const e of events) tallyEvent(tally, e);
    const recap = formatRecap(
      "deploy",
      "r1",
      [
        { name: "t1", status: "changed", color: "green", url: "http://x/" },
        { name: "t2", status: "failed", error: "boom" },
        { name: "t3-long", status: "unreachable", error: "refused" },
      ],
      2,
      false,
      tally,
    );
    expect(recap).toBe(
      [
        "deploy r1: FAILED in 2.0s",
        "PLAY RECAP",
        "t1      : ok=2 changed=1 unreachable=0 failed=0 skipped=1 rescued=0 ignored=0  1.30s  changed live=green http://x/",
        "t2      : ok=1 changed=1 unreachable=0 failed=1 skipped=0 rescued=0 ignored=0  0.75s  failed: boom",
        "t3-long : ok=0 changed=0 unreachable=1 failed=0 skipped=0 rescued=0 ignored=0  unreachable: refused",
      ].join("\n"),
    );
  });

  it("says a check-mode run only planned: never 'succeeded'; a planned host counts as one change", () => {
    expect(formatRecap("deploy", "r1", [{ name: "t1", status: "changed" }], 0.4, true)).toBe(
      [
        "plan of deploy r1: ready in 0.4s",
        "PLAY RECAP",
        "t1 : ok=1 changed=1 unreachable=0 failed=0 skipped=0 rescued=0 ignored=0  changed",
      ].join("\n"),
    );
    expect(formatRecap("rollback", "", [{ name: "t1", status: "failed" }], 0.2, true).split("\n")[0]).toBe(
      "plan of rollback: FAILED in 0.2s",
    );
    expect(formatRecap("rollback", "r0", [{ name: "t1", status: "ok" }], 1.25)).toBe(
      [
        "rollback r0: succeeded in 1.3s",
        "PLAY RECAP",
        "t1 : ok=1 changed=0 unreachable=0 failed=0 skipped=0 rescued=0 ignored=0  ok",
      ].join("\n"),
    );
  });

  it("a rollback whose hosts go to different releases names each host's in its row", () => {
    const hosts = [
      { name: "t1", status: "changed" as const, color: "green" as const, release: "c1" },
      { name: "t2", status: "changed" as const, color: "blue" as const, release: "a" },
    ];
    expect(formatRecap("rollback", "", hosts, 0.5, true)).toBe(
      [
        "plan of rollback: ready in 0.5s",
        "PLAY RECAP",
        "t1 : ok=1 changed=1 unreachable=0 failed=0 skipped=0 rescued=0 ignored=0  changed release=c1 live=green",
        "t2 : ok=1 changed=1 unreachable=0 failed=0 skipped=0 rescued=0 ignored=0  changed release=a live=blue",
      ].join("\n"),
    );
  });

  it("the playbook engine prints the same rows, each host with the sum of its tasks' times", () => {
    const counts = { ok: 2, changed: 1, unreachable: 0, failed: 0, skipped: 0, rescued: 0, ignored: 0 };
    const base = { where: "tasks[0]", task: "a", status: "changed" as const };
    const outcomes = [
      { ...base, host: "web1", durationMs: 1000 },
      { ...base, host: "web1", where: "tasks[1]", task: "b", status: "ok" as const, durationMs: 250 },
      { ...base, host: "db", durationMs: 1500 },
    ];
    expect(formatPlaybookRecap({ web1: counts, db: counts }, outcomes)).toBe(
      [
        "PLAY RECAP",
        "web1 : ok=2 changed=1 unreachable=0 failed=0 skipped=0 rescued=0 ignored=0  1.25s",
        "db   : ok=2 changed=1 unreachable=0 failed=0 skipped=0 rescued=0 ignored=0  1.50s",
        "",
        "TASK DURATIONS",
        "tasks[0] a     1.50s",
        "tasks[1] b     0.25s",
      ].join("\n"),
    );
    expect(formatRecapRows([{ host: "h", counts }])).toEqual([
      "PLAY RECAP",
      "h : ok=2 changed=1 unreachable=0 failed=0 skipped=0 rescued=0 ignored=0",
    ]);
  });
});
