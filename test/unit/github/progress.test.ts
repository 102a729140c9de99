import { describe, expect, it } from "vitest";
import type { DeployEvent } from "../../../src/deploy/events.js";
import { formatMs, type LogSink, ProgressGroups } from "../../../src/github/progress.js";

function recorder() {
  const out: string[] = [];
  const sink: LogSink = {
    group: (title, lines) => out.push(`::group::${title}`, ...lines, "::endgroup::"),
    line: (level, text) => out.push(`${level}: ${text}`),
  };
  return { out, sink };
}

describe("log groups from deploy events", () => {
  it("two hosts in parallel: each step's lines come out as one group, never interleaved", () => {
    const { out, sink } = recorder();
    const groups = new ProgressGroups(sink);
    const events: DeployEvent[] = [
      { kind: "step", host: "web1", step: "backup", status: "started" },
      { kind: "step", host: "web2", step: "backup", status: "started" },
      { kind: "log", level: "info", host: "web1", step: "backup", message: "sqlite .backup" },
      { kind: "log", level: "info", host: "web2", step: "backup", message: "sqlite .backup" },
      { kind: "step", host: "web2", step: "backup", status: "ok", ms: 400, data: { backup: "b-2" } },
      { kind: "step", host: "web1", step: "backup", status: "ok", ms: 1500, data: { backup: "b-1" } },
      { kind: "log", level: "warn", message: "disk 91% full on web1" },
      { kind: "host", host: "web1", status: "changed", release: "r2", color: "green" },
    ];
    for (const event of events) groups.onEvent(event);
    expect(out).toEqual([
      "::group::web2: backup (ok, 400ms)",
      "sqlite .backup",
      "::endgroup::",
      "::group::web1: backup (ok, 1.5s)",
      "sqlite .backup",
      "::endgroup::",
      "warn: disk 91% full on web1",
      "info: [web1] changed (release r2 on green)",
    ]);
    expect(groups.report.backups).toEqual({ web1: "b-1", web2: "b-2" });
    expect(groups.report.steps.map((s) => `${s.host} ${s.step} ${s.status} ${s.ms}`)).toEqual([
      "web2 backup ok 400",
      "web1 backup ok 1500",
    ]);
  });

  it("progress joins its step's group; the runner's build (no host step) is a line as it happens", () => {
    const { out, sink } = recorder();
    const groups = new ProgressGroups(sink);
    groups.onEvent({ kind: "progress", host: "local", step: "build", what: "building the images", waitedMs: 2000 });
    groups.onEvent({ kind: "step", host: "t1", step: "stage", status: "started" });
    groups.onEvent({
      kind: "progress",
      host: "t1",
      step: "stage",
      what: "web: streaming app-web:abc over SSH",
      waitedMs: 1000,
      last: "12.5 MB sent",
    });
    groups.onEvent({ kind: "step", host: "t1", step: "stage", status: "changed", ms: 1200 });
    expect(out).toEqual([
      "info: [local] building the images, 2 s",
      "::group::t1: stage (changed, 1.2s)",
      "web: streaming app-web:abc over SSH, 1 s, last: 12.5 MB sent",
      "::endgroup::",
    ]);
  });

  it("a diff joins its step's group and the report; a failed step keeps its message", () => {
    const { out, sink } = recorder();
    const groups = new ProgressGroups(sink);
    groups.onEvent({ kind: "step", host: "t1", step: "switch", status: "started" });
    groups.onEvent({ kind: "diff", host: "t1", step: "switch", path: "/etc/nginx/x.conf", diff: "-a\n+b" });
    groups.onEvent({ kind: "step", host: "t1", step: "switch", status: "failed", ms: 30, message: "nginx -t failed" });
    expect(out).toEqual([
      "::group::t1: switch (failed, 30ms)",
      "diff /etc/nginx/x.conf:",
      "-a",
      "+b",
      "nginx -t failed",
      "::endgroup::",
    ]);
    expect(groups.report.diffs).toEqual([{ host: "t1", step: "switch", path: "/etc/nginx/x.conf", diff: "-a\n+b" }]);
    expect(groups.report.steps[0]).toMatchObject({ status: "failed", message: "nginx -t failed" });
  });

  it("a failed gate's grouped log lines go from the event's data to the report", () => {
    const groups = new ProgressGroups(recorder().sink);
    const logs = [{ service: "web", name: "shop-web-green", lines: ["Traceback"] }];
    groups.onEvent({ kind: "step", host: "t1", step: "gate", status: "failed", ms: 5, data: { service: "web", logs } });
    expect(groups.report.steps[0]?.logs).toEqual(logs);
  });

  it("an interrupted run: flush writes the step that never ended, marked unfinished", () => {
    const { out, sink } = recorder();
    const groups = new ProgressGroups(sink);
    groups.onEvent({ kind: "step", host: "t1", step: "gate", status: "started" });
    groups.onEvent({ kind: "log", level: "info", host: "t1", step: "gate", message: "waiting for /health" });
    groups.flush("unfinished");
    expect(out).toEqual(["::group::t1: gate (unfinished)", "waiting for /health", "::endgroup::"]);
    groups.flush("unfinished");
    expect(out).toHaveLength(3);
  });

  it("a plan's described steps (no start or end events in check mode) come out as plain groups", () => {
    const { out, sink } = recorder();
    const groups = new ProgressGroups(sink);
    groups.onEvent({ kind: "log", level: "info", host: "t1", step: "stage", message: "  ship code" });
    groups.onEvent({ kind: "diff", host: "t1", step: "switch", path: "switch", diff: "-a\n+b" });
    groups.flush();
    expect(out).toEqual([
      "::group::t1: stage",
      "  ship code",
      "::endgroup::",
      "::group::t1: switch",
      "diff switch:",
      "-a",
      "+b",
      "::endgroup::",
    ]);
  });

  it("a failed host is an info line, not an annotation (the run's final error is the one)", () => {
    const { out, sink } = recorder();
    new ProgressGroups(sink).onEvent({ kind: "host", host: "t1", status: "failed", error: "gate: 503", backup: "b" });
    expect(out).toEqual(["info: [t1] failed: gate: 503"]);
  });
});

describe("formatMs", () => {
  it("milliseconds, seconds, minutes", () => {
    expect([formatMs(0), formatMs(999), formatMs(1000), formatMs(59_949), formatMs(60_000), formatMs(125_400)]).toEqual(
      ["0ms", "999ms", "1.0s", "59.9s", "1m00s", "2m05s"],
    );
  });
});
