import { execFileSync } from "node:child_process";
import { mkdtempSync, readlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { NGINX_RELOAD_AND_WAIT, nginxReload, nginxTest, pointLinksArgv } from "../../../src/commands/nginx.js";

describe("nginx builders", () => {
  it("test and the reload that waits for the new workers", () => {
    expect(nginxTest()).toEqual({ argv: ["nginx", "-t"], what: "nginx -t" });
    expect(nginxTest("/usr/sbin/nginx").argv).toEqual(["/usr/sbin/nginx", "-t"]);
    expect(nginxReload()).toEqual({
      argv: ["sh", "-c", NGINX_RELOAD_AND_WAIT, "sh", "/run/nginx.pid"],
      what: "reload nginx",
    });
    expect(NGINX_RELOAD_AND_WAIT.split("\n").slice(0, 3)).toEqual([
      'master=$(cat "$1")',
      'old=$(pgrep -P "$master" | tr "\\n" " ")',
      "systemctl reload nginx || exit $?",
    ]);
  });

  it("socket links: (target, link) pairs after the mode; `set` repoints, `check` only lists (run by sh)", () => {
    const dir = mkdtempSync(join(tmpdir(), "links-"));
    const link = join(dir, "sub", "web.sock");
    const links = [{ target: "/run/slipway/web-green.sock", link }];
    expect(pointLinksArgv(links, "check").slice(3)).toEqual(["sh", "check", "/run/slipway/web-green.sock", link]);
    const run = (mode: "set" | "check") => {
      const [program, ...args] = pointLinksArgv(links, mode);
      return execFileSync(program as string, args, { encoding: "utf8" });
    };
    expect(run("check")).toBe(`${link}\n`);
    expect(run("set")).toBe(`${link}\n`);
    expect(readlinkSync(link)).toBe("/run/slipway/web-green.sock");
    expect(run("check")).toBe("");
  });
});
