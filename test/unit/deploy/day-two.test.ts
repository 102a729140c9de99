import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { type ServiceProcess, serviceProcesses, streamLogs } from "../../../src/deploy/day-two.js";
import { loadConfigText } from "../../support/config-text.js";
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

describe("serviceProcesses: which log `slipway logs` reads", () => {
  it("an accessory (runtime compose) is read in `<app>-accessories`, whatever the color; the others in the color (D71)", async () => {
    const text = readFileSync("test/fixtures/config/valid/postgres-accessory-blue-green.yml", "utf8");
    const config = await loadConfigText(text);
    expect(serviceProcesses(config, "t1", ["web", "db"], "green")).toEqual([
      { service: "web", instance: 0, label: "t1/web", kind: "compose", name: "shop-green" },
      { service: "db", instance: 0, label: "t1/db", kind: "compose", name: "shop-accessories" },
    ]);
  });

  it("the accessory's containers are listed in its project, stopped ones too, then its log read by id", async () => {
    const host = new FakeHost("t1", (argv) => (argv[0] === "docker" ? { lines: ["c0ffee"] } : { lines: ["ready"] }));
    const db: ServiceProcess = {
      service: "db",
      instance: 0,
      label: "t1/db",
      kind: "compose",
      name: "shop-accessories",
    };
    const seen: string[] = [];
    expect(await streamLogs(host, [db], { lines: 3 }, (label, text) => seen.push(`${label} | ${text}`)).done).toEqual(
      [],
    );
    expect(host.commands.map((c) => c.argv)).toEqual([
      [
        "docker",
        "ps",
        "-a",
        "-q",
        "--filter",
        "label=com.docker.compose.project=shop-accessories",
        "--filter",
        "label=com.docker.compose.service=db",
      ],
      ["sh", "-c", 'exec docker logs "$@" 2>&1', "sh", "--timestamps", "--tail", "3", "--", "c0ffee"],
    ]);
    expect(seen).toEqual(["t1/db | ready"]);
  });
});
