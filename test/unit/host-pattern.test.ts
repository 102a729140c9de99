import { describe, expect, it } from "vitest";
import { limitHosts, patternTerms, selectHosts } from "../../src/host-pattern.js";
import { inventoryOf } from "./engine/helpers.js";

const inventory = inventoryOf(["web1", "web2", "db1", "lb"], {
  web: ["web1", "web2"],
  db: ["db1"],
  app: ["web", "db"],
  prod: ["web1", "db1"],
});

describe("host patterns (Ansible's language)", () => {
  it.each([
    ["all", ["web1", "web2", "db1", "lb"]],
    ["*", ["web1", "web2", "db1", "lb"]],
    ["web", ["web1", "web2"]],
    ["app:!db", ["web1", "web2"]],
    ["web,lb", ["web1", "web2", "lb"]],
    ["lb,web", ["web1", "web2", "lb"]],
    ["all:!web", ["db1", "lb"]],
    ["app:&web", ["web1", "web2"]],
    ["&prod,web", ["web1"]],
    ["web:&prod", ["web1"]],
    ["!web,all", ["db1", "lb"]],
    ["web*", ["web1", "web2"]],
    ["w?b2", ["web2"]],
    ["~(web|db)1", ["web1", "db1"]],
    ["db1", ["db1"]],
    [" web1 , lb ", ["web1", "lb"]],
  ])("%s", (pattern, expected) => {
    expect(selectHosts(inventory, pattern).hosts).toEqual(expected);
  });

  it("a repeated --limit is one union", () => {
    expect(selectHosts(inventory, ["web1", "lb", "!web2"]).hosts).toEqual(["web1", "lb"]);
    expect(patternTerms(["web1:lb", "!db"])).toEqual(["web1", "lb", "!db"]);
  });

  it("reports every term that matches nothing, exclusions too", () => {
    expect(selectHosts(inventory, "web:nope:!gone")).toEqual({ hosts: ["web1", "web2"], unmatched: ["nope", "gone"] });
  });
});

describe("--limit", () => {
  it("returns the selection in inventory order", () => {
    expect(limitHosts(inventory, ["lb", "web1"])).toEqual(["web1", "lb"]);
  });

  it("refuses an unknown name instead of running on the rest", () => {
    expect(() => limitHosts(inventory, "web1,wbe2")).toThrow('--limit "web1,wbe2": "wbe2" matches no host or group');
  });

  it("echoes the pattern as written: `a:b` stays `a:b`, repeated --limit values are comma-joined", () => {
    expect(() => limitHosts(inventory, "web1:wbe2")).toThrow('--limit "web1:wbe2": "wbe2" matches no host or group');
    expect(() => limitHosts(inventory, ["web1", "wbe2"])).toThrow('--limit "web1,wbe2": "wbe2"');
  });

  it("refuses a misspelt exclusion: it would deploy to the host meant to be left out", () => {
    expect(() => limitHosts(inventory, "all:!web01")).toThrow('"web01" matches no host or group');
  });

  it("refuses a pattern that leaves no host, naming the hosts and groups", () => {
    expect(() => limitHosts(inventory, "web:&db")).toThrow('--limit "web:&db" selects no host');
    expect(() => limitHosts(inventory, "web:&db")).toThrow(
      expect.objectContaining({ name: "ConfigError", step: "limit" }),
    );
  });

  it("a ~regex that does not compile is a config error naming the pattern, not a crash", () => {
    expect(() => limitHosts(inventory, "~web[")).toThrow(
      expect.objectContaining({
        name: "ConfigError",
        step: "limit",
        message: 'host pattern "~web[": Invalid regular expression: /web[/: Unterminated character class',
      }),
    );
  });
});
