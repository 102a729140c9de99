/** D53: a duration whose 0 fails every deploy is refused by validate at file:line:col with the key (nginx, health). */
import { describe, expect, it } from "vitest";
import { loadConfigText } from "../../support/config-text.js";

function config(timeouts: string, health = ""): string {
  return `app: shop
runtime: container
image: { registry: "10.0.0.9:5000" }
services:
  web:
    build: { context: . }
    port: 5001
    health: { path: /health${health} }
inventory:
  ssh: { user: deploy }
  hosts:
    h1: { address: 10.0.0.1 }
proxy:
  routes:
    - { path: /, service: web }
  timeouts: { ${timeouts} }
`;
}

async function problems(text: string): Promise<string[]> {
  try {
    await loadConfigText(text);
    return [];
  } catch (e) {
    return String((e as Error).message)
      .split("\n")
      .map((line) => line.replace(/^.*slipway\.yml:/, ""));
  }
}

describe("durations whose 0 fails every deploy", () => {
  it("proxy.timeouts read, connect and send of 0 (nginx arms the timer with 0: 504 at once), at the key", async () => {
    expect(await problems(config("read: 0s, connect: 0ms, send: 0m"))).toEqual([
      " 3 problems",
      '16:21: proxy.timeouts.read: expected a duration above 0: 0 makes nginx answer 504 on every route before the app answers, found "0s"',
      '16:34: proxy.timeouts.connect: expected a duration above 0: 0 makes nginx give up (504) on every connection to the app that does not open at once, found "0ms"',
      '16:45: proxy.timeouts.send: expected a duration above 0: 0 makes nginx give up on any request it cannot hand to the app at once (504), found "0m"',
    ]);
  });

  it("health.request_timeout of 0: no time for a health request", async () => {
    expect(await problems(config("read: 30s", ", request_timeout: 0s"))).toEqual([
      " 1 problem",
      '8:47: services.web.health.request_timeout: expected a duration above 0: 0 leaves no time for a health request: the gate would fail every deploy, found "0s"',
    ]);
  });

  it("any duration above 0 passes, and a malformed one keeps its own message", async () => {
    expect(await problems(config("read: 1ms, connect: 5s, send: 1h"))).toEqual([]);
    const [, bad] = await problems(config("read: soon"));
    expect(bad).toContain('proxy.timeouts.read: expected a duration like "30s", "500ms", "5m" or "1h"');
  });
});
