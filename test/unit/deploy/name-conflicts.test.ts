/**
 * Another nginx site serving this app's names (D84): the grep script, what counts as a conflict, and the refusal.
 */
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { NAME_CONFLICTS_SCRIPT, nameConflictsCommand } from "../../../src/commands/nginx-names.js";
import { nameConflictError, parseNameConflicts } from "../../../src/deploy/name-conflicts.js";

describe("nameConflictsCommand", () => {
  it("passes the site's file then the names to the script", () => {
    expect(nameConflictsCommand("/etc/nginx/conf.d/slipway-shop.conf", ["shop.example", "10.0.0.1"]).argv).toEqual([
      "sh",
      "-c",
      NAME_CONFLICTS_SCRIPT,
      "sh",
      "/etc/nginx/conf.d/slipway-shop.conf",
      "shop.example",
      "10.0.0.1",
    ]);
  });

  it("the script is valid sh", () => {
    expect(() => execFileSync("sh", ["-n", "-c", NAME_CONFLICTS_SCRIPT])).not.toThrow();
  });
});

describe("parseNameConflicts", () => {
  it("keeps this site's names only, the grep's file first, in the names' order", () => {
    const grep = "shop.example\t/etc/nginx/conf.d/slipway-blog.conf\nshop.example\t/etc/nginx/sites-enabled/x\n";
    const stderr = [
      'nginx: [warn] conflicting server name "10.0.0.1" on 0.0.0.0:80, ignored',
      'nginx: [warn] conflicting server name "other.example" on 0.0.0.0:80, ignored',
      'nginx: [warn] conflicting server name "shop.example" on 0.0.0.0:80, ignored',
    ].join("\n");
    expect(parseNameConflicts(["10.0.0.1", "shop.example", "www.shop.example"], grep, stderr)).toEqual([
      { name: "10.0.0.1", file: null },
      { name: "shop.example", file: "/etc/nginx/conf.d/slipway-blog.conf" },
    ]);
  });

  it("nothing found: no conflict", () => {
    expect(parseNameConflicts(["shop.example"], "", "nginx: the configuration file syntax is ok\n")).toEqual([]);
  });
});

describe("nameConflictError", () => {
  it("names each name's file, the host and step, and asks for a distinct domain", () => {
    const e = nameConflictError(
      "t1",
      [
        { name: "shop.example", file: "/etc/nginx/conf.d/slipway-blog.conf" },
        { name: "www.shop.example", file: null },
      ],
      true,
    );
    expect(e.message).toBe(
      "another nginx site serves this app's names: nothing was changed\n" +
        "shop.example is already served by /etc/nginx/conf.d/slipway-blog.conf\n" +
        "www.shop.example is already served by another nginx site (see `sudo nginx -T`)",
    );
    expect([e.host, e.step]).toEqual(["t1", "preflight"]);
    expect(e.hint).toBe(
      "give this app a proxy.domains entry no other site on the host serves (a copy-paste of another app's domain?), then deploy again",
    );
  });

  it("without proxy.domains: set proxy.domains", () => {
    const e = nameConflictError("t1", [{ name: "10.0.0.1", file: "/etc/nginx/conf.d/slipway-a.conf" }], false);
    expect(e.hint).toBe(
      "set proxy.domains: without it the site answers the host's address, which another app on the host already serves",
    );
  });
});
