/** The watched waits of a deploy: the health poll schedule and the drain that ends when the old color's connections do. */
import { describe, expect, it } from "vitest";
import { colorPorts, drainConnections, establishedArgv } from "../../../src/deploy/drain.js";
import { pollDelayMs } from "../../../src/verify/wait.js";
import { loadConfigText } from "../../support/config-text.js";
import { FakeHost } from "../engine/fake-host.js";

describe("health poll schedule", () => {
  it("polls every 50 ms for 60 polls (3 s), then doubles up to the configured interval", () => {
    expect([1, 2, 60, 61, 62, 63, 64, 65, 66, 67].map((n) => pollDelayMs(n, 2))).toEqual([
      50, 50, 50, 100, 200, 400, 800, 1600, 2000, 2000,
    ]);
    expect([1, 2, 3, 4].map((n) => pollDelayMs(n, 2, 1))).toEqual([50, 100, 200, 400]);
  });

  it("never waits longer than a short interval", () => {
    expect([60, 61, 62, 63].map((n) => pollDelayMs(n, 0.15))).toEqual([50, 100, 150, 150]);
  });
});

describe("drain", () => {
  it("lists the established connections on every port of the color, either end", () => {
    expect(establishedArgv([15001, 15002])).toEqual(
      "ss -Htn state established ( sport = :15001 or dport = :15001 or sport = :15002 or dport = :15002 )".split(" "),
    );
  });

  it("names every instance's port of the color", async () => {
    const config = await loadConfigText(
      `app: shop
services:
  web: { build: { context: web }, port: 5001 }
  api: { build: { context: api }, port: 6001, ports: { blue: 6001, green: 16001 } }
inventory: { ssh: { user: deploy }, hosts: { h1: { address: 10.0.0.1 } } }
proxy:
  load_balance: { web: { instances: 2 } }
  routes: [{ path: /, service: web }, { path: /api/, service: api }]
`,
    );
    expect(colorPorts(config, "green")).toEqual([15001, 15002, 16001]);
    expect(colorPorts(config, "blue")).toEqual([5001, 5002, 6001]);
  });

  it("ends as soon as no connection is left, well before the limit", async () => {
    const host = new FakeHost("h1");
    let polls = 0;
    host.handlers.set("ss", () => {
      polls++;
      return { stdout: polls < 3 ? "ESTAB 0 0 127.0.0.1:15001 127.0.0.1:40000\n" : "" };
    });
    const outcome = await drainConnections(host, [15001], 5);
    expect(outcome.open).toBe(0);
    expect(polls).toBe(3);
    // Pauses of 50 and 100 ms between the three polls.
    expect(outcome.ms).toBeGreaterThanOrEqual(145);
    expect(outcome.ms).toBeLessThan(2000);
  });

  it("stops waiting at the limit with the connections still counted", async () => {
    const host = new FakeHost("h1");
    host.handlers.set("ss", () => ({ stdout: "ESTAB a\nESTAB b\n" }));
    const outcome = await drainConnections(host, [15001], 1);
    expect(outcome.open).toBe(2);
    expect(outcome.ms).toBeGreaterThanOrEqual(1000);
    expect(outcome.ms).toBeLessThan(1600);
  });

  it("waits the whole limit when the host has no ss", async () => {
    const host = new FakeHost("h1");
    host.handlers.set("ss", () => ({ code: 127, stderr: "sh: ss: not found" }));
    const outcome = await drainConnections(host, [15001], 1);
    expect(outcome.open).toBeNull();
    expect(outcome.ms).toBeGreaterThanOrEqual(1000);
  });
});
