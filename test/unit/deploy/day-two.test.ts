import { describe, expect, it } from "vitest";
import { type ServiceProcess, streamLogs } from "../../../src/deploy/day-two.js";
import { FakeHost } from "../engine/fake-host.js";

const container = (name: string, label = "t10"): ServiceProcess => ({
  service: "web",
  instance: 0,
  label,
  kind: "container",
  name,
});

describe("streamLogs", () => {
  it("asks with timestamps and reports a log command that fails (D35: docker's refusal read as a log line, exit 0)", async () => {
    const denied = "permission denied while trying to connect to the Docker daemon socket";
    const host = new FakeHost("t10", (argv) =>
      argv.at(-1) === "nu-web-blue" ? { code: 1, lines: [denied] } : { lines: ["2026-11-30T20:00:00Z hello"] },
    );
    const seen: string[] = [];
    const stream = streamLogs(
      host,
      [container("nu-web-blue"), container("nu-web-2-blue", "t10/web#2")],
      { lines: 5 },
      (label, text) => seen.push(`${label} | ${text}`),
    );
    expect(await stream.done).toEqual([{ label: "t10", what: "docker logs of nu-web-blue", code: 1 }]);
    expect(seen).toEqual([`t10 | ${denied}`, "t10/web#2 | 2026-11-30T20:00:00Z hello"]);
    expect(host.commands[0]).toEqual({
      argv: ["sh", "-c", 'exec docker logs "$@" 2>&1', "sh", "--timestamps", "--tail", "5", "--", "nu-web-blue"],
      become: true,
    });
  });

  it("journald: one command for the units; a compose project whose containers cannot be listed fails", async () => {
    const host = new FakeHost("t11", (argv) =>
      argv[0] === "docker" ? { code: 1, stderr: "slipway-docker: refused: docker ps -a" } : { lines: [] },
    );
    const units: ServiceProcess[] = ["a-web@blue.service", "a-api@blue.service"].map((name) => ({
      service: name.slice(2, 5),
      instance: 0,
      label: "t11",
      kind: "unit",
      name,
    }));
    const compose: ServiceProcess = { service: "db", instance: 0, label: "t11/db", kind: "compose", name: "a-blue" };
    const seen: string[] = [];
    const stream = streamLogs(host, [...units, compose], { sinceSeconds: 60 }, (label, text) =>
      seen.push(`${label} | ${text}`),
    );
    expect(await stream.done).toEqual([{ label: "t11/db", what: "the containers of db", code: null }]);
    expect(host.commands[0]?.argv).toEqual([
      "journalctl",
      "--no-pager",
      "-o",
      "short-iso",
      "--since",
      "-60s",
      "-u",
      "a-web@blue.service",
      "-u",
      "a-api@blue.service",
    ]);
    expect(seen).toEqual([
      "t11/db | could not list the a-blue containers of db: slipway-docker: refused: docker ps -a",
    ]);
  });
});
