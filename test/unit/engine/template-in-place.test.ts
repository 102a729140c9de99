/**
 * template with validate_in_place/reload: installs through installValidated (candidate at dest, whole configuration
 * validated, previous kept as <dest>.slipway-prev and restored on failure), against the fake host.
 */
import { describe, expect, it } from "vitest";
import { inPlaceCommand } from "../../../src/modules/support/install.js";
import type { FakeHost } from "./fake-host.js";
import { runText } from "./helpers.js";

const DEST = "/etc/nginx/conf.d/app.conf";
const OLD = "server { listen 80; }\n";
const NEW = "server { listen 8080; }\n";

function play(content: string, extra = "validate_in_place: 'nginx -t', reload: 'systemctl reload nginx'"): string {
  return [
    "- hosts: all",
    "  become: true",
    "  tasks:",
    `    - template: { content: ${JSON.stringify(content)}, dest: ${DEST}, mode: '0644', ${extra} }`,
  ].join("\n");
}

function withLive(h: FakeHost): void {
  h.writeFile(DEST, OLD);
}

const content = (h: FakeHost | undefined, path = DEST) => h?.files.get(path)?.content;

describe("inPlaceCommand", () => {
  it("splits a command string, keeps argv as given and puts dest for %s", () => {
    expect(inPlaceCommand("/usr/sbin/nginx -t", DEST)).toEqual({
      argv: ["/usr/sbin/nginx", "-t"],
      what: "/usr/sbin/nginx -t",
    });
    expect(inPlaceCommand(["systemd-analyze", "verify", "%s"], "/etc/systemd/system/a.service").argv).toEqual([
      "systemd-analyze",
      "verify",
      "/etc/systemd/system/a.service",
    ]);
  });
});

describe("template in-place mode on the fake host", () => {
  it("unchanged content: no write, no validation, no reload", async () => {
    const run = await runText(play(OLD), { setup: (h) => h.writeFile(DEST, OLD) });
    const host = run.hosts.get("a");
    expect(run.lines).toEqual(["a template ok"]);
    expect(
      host?.ran.filter((c) => c.startsWith("<putFile>") || c.startsWith("nginx") || c.startsWith("systemctl")),
    ).toEqual([]);
  });

  it("changed content: previous kept, validated in place, reloaded, diff returned", async () => {
    const run = await runText(play(NEW), { setup: withLive, diff: true });
    const host = run.hosts.get("a");
    expect(run.lines).toEqual(["a template changed"]);
    expect(content(host)).toBe(NEW);
    expect(content(host, `${DEST}.slipway-prev`)).toBe(OLD);
    expect(host?.ran).toEqual([
      `<putFile> ${DEST}.slipway-prev`,
      `<putFile> ${DEST}`,
      "nginx -t",
      "systemctl reload nginx",
    ]);
    expect(run.outcomes[0]?.diffs?.[0]).toEqual({ path: DEST, before: OLD, after: NEW });
  });

  it("failing validation restores the previous content and carries the validator's stderr", async () => {
    const run = await runText(play(NEW), {
      setup: (h) => {
        withLive(h);
        h.handlers.set("nginx", () => ({
          code: 1,
          stderr: 'nginx: [emerg] unknown directive "bogus" in /etc/nginx/conf.d/app.conf:1',
        }));
      },
    });
    const host = run.hosts.get("a");
    expect(run.lines).toEqual(["a template failed"]);
    expect(content(host)).toBe(OLD);
    expect(host?.ran.some((c) => c.startsWith("systemctl"))).toBe(false);
    expect(run.outcomes[0]?.msg).toContain("nginx -t rejected the new files; the previous files are back in place");
    expect(run.outcomes[0]?.msg).toContain('unknown directive "bogus"');
  });

  it("failing validation of a new file removes it", async () => {
    const run = await runText(play(NEW), {
      setup: (h) => h.handlers.set("nginx", () => ({ code: 1, stderr: "nginx: [emerg] bad" })),
    });
    expect(run.hosts.get("a")?.files.has(DEST)).toBe(false);
  });

  it("failing reload restores the previous content and reloads again", async () => {
    let reloads = 0;
    const run = await runText(play(NEW), {
      setup: (h) => {
        withLive(h);
        h.handlers.set("systemctl", () => {
          reloads++;
          return reloads === 1 ? { code: 1, stderr: "Job for nginx.service failed" } : {};
        });
      },
    });
    const host = run.hosts.get("a");
    expect(run.lines).toEqual(["a template failed"]);
    expect(content(host)).toBe(OLD);
    expect(host?.ran.filter((c) => c === "systemctl reload nginx")).toHaveLength(2);
    expect(run.outcomes[0]?.msg).toContain("systemctl reload nginx failed with the new files");
    expect(run.outcomes[0]?.msg).toContain("Job for nginx.service failed");
  });

  it("check mode shows the diff and writes nothing", async () => {
    const run = await runText(play(NEW), { setup: withLive, check: true });
    const host = run.hosts.get("a");
    expect(run.lines).toEqual(["a template changed"]);
    expect(run.outcomes[0]?.diffs?.[0]).toEqual({ path: DEST, before: OLD, after: NEW });
    expect(content(host)).toBe(OLD);
    expect(
      host?.ran.filter((c) => c.startsWith("<putFile>") || c.startsWith("nginx") || c.startsWith("systemctl")),
    ).toEqual([]);
  });

  it("argv form is run as given", async () => {
    const run = await runText(play(NEW, "validate_in_place: [/usr/sbin/nginx, -t, -q]"), { setup: withLive });
    expect(run.hosts.get("a")?.ran).toContain("/usr/sbin/nginx -t -q");
    expect(run.lines).toEqual(["a template changed"]);
  });

  it("refuses validate or backup together with the in-place args", async () => {
    for (const extra of ["validate_in_place: 'nginx -t', validate: 'nginx -t -c %s'", "reload: 'true', backup: true"]) {
      await expect(runText(play(NEW, extra), { setup: withLive })).rejects.toThrow(
        "validate_in_place/reload cannot be combined with validate",
      );
    }
  });
});
