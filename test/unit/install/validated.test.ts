import { describe, expect, it } from "vitest";
import { composeConfigCheck } from "../../../src/commands/compose.js";
import { nginxReload, nginxTest } from "../../../src/commands/nginx.js";
import { systemdVerify } from "../../../src/commands/systemd.js";
import { RemoteCommandError } from "../../../src/errors.js";
import { installValidated, restorePrevious } from "../../../src/install/validated.js";
import { composeProjectName } from "../../../src/render/compose.js";
import { FakeHost } from "../engine/fake-host.js";

const RELOAD = nginxReload().argv.join(" ");

const SITE = "/etc/nginx/conf.d/slipway-harvest.conf";
const UPSTREAM = "/etc/nginx/slipway/harvest-backend.upstream.conf";

/** A fake nginx: `nginx -t` fails while any file contains "BROKEN"; reload fails while one contains "RELOADFAIL". */
function nginxHost() {
  const host: FakeHost = new FakeHost("fake", (argv) => {
    const all = [...host.files.values()].map((node) => node.content ?? "").join("\n");
    if (argv[0] === "nginx" && all.includes("BROKEN")) {
      return {
        code: 1,
        stderr:
          'nginx: [emerg] unknown directive "BROKEN" in /etc/nginx/conf.d/x.conf:3\nnginx: configuration file /etc/nginx/nginx.conf test failed',
      };
    }
    if (argv[0] === "sh" && all.includes("RELOADFAIL")) return { code: 1, stderr: "Job for nginx.service failed." };
    return undefined;
  });
  return host;
}

const plan = (site: string, upstream = "upstream harvest_backend { server 127.0.0.1:5001; }\n") => ({
  files: [
    { path: UPSTREAM, content: upstream, mode: 0o644 },
    { path: SITE, content: site, mode: 0o644 },
  ],
  validate: [nginxTest()],
  reload: [nginxReload()],
  become: true,
});

describe("installValidated", () => {
  it("installs new files, validates, reloads, and returns a unified diff", async () => {
    const host = nginxHost();
    const result = await installValidated(host, plan("server { }\n"));
    expect(result.changed).toBe(true);
    expect(host.files.get(SITE)?.content).toBe("server { }\n");
    expect(host.ran).toEqual([`<putFile> ${UPSTREAM}`, `<putFile> ${SITE}`, "nginx -t", RELOAD]);
    expect(result.diff).toContain(`+++ ${SITE}\tnew`);
    expect(result.diff).toContain("+server { }");
  });

  it("does not write or reload when nothing changed", async () => {
    const host = nginxHost();
    await installValidated(host, plan("server { }\n"));
    host.commands.length = 0;
    const result = await installValidated(host, plan("server { }\n"));
    expect(result).toEqual({ changed: false, files: [], diff: "" });
    expect(host.ran).toEqual([]);
  });

  it("keeps the previous version beside the live file", async () => {
    const host = nginxHost();
    await installValidated(host, plan("server { old }\n"));
    await installValidated(host, plan("server { new }\n"));
    expect(host.files.get(`${SITE}.slipway-prev`)?.content).toBe("server { old }\n");
    expect(host.files.get(SITE)?.content).toBe("server { new }\n");
  });

  it("in check mode only reports the diff", async () => {
    const host = nginxHost();
    host.writeFile(SITE, "server { old }\n");
    const result = await installValidated(host, { ...plan("server { new }\n"), check: true });
    expect(result.diff).toContain("-server { old }\n+server { new }");
    expect(host.files.get(SITE)?.content).toBe("server { old }\n");
    expect(host.ran).toEqual([]);
  });

  it("puts the previous files back when nginx -t fails, without reloading, and shows nginx's message", async () => {
    const host = nginxHost();
    await installValidated(host, plan("server { old }\n", "upstream old {}\n"));
    host.commands.length = 0;
    const error = await installValidated(host, plan("BROKEN;\n", "upstream new {}\n")).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RemoteCommandError);
    expect((error as RemoteCommandError).message).toBe(
      "nginx -t rejected the new files; the previous files are back in place",
    );
    expect((error as RemoteCommandError).stderrTail).toContain('unknown directive "BROKEN"');
    expect(host.files.get(SITE)?.content).toBe("server { old }\n");
    expect(host.files.get(UPSTREAM)?.content).toBe("upstream old {}\n");
    expect(host.ran.filter((l) => l.includes("reload"))).toEqual([]);
  });

  it("removes files that did not exist before when validation fails", async () => {
    const host = nginxHost();
    await expect(installValidated(host, plan("BROKEN;\n"))).rejects.toThrow(RemoteCommandError);
    expect(host.files.has(SITE)).toBe(false);
    expect(host.files.has(UPSTREAM)).toBe(false);
  });

  it("restores and reloads again when the reload fails", async () => {
    const host = nginxHost();
    await installValidated(host, plan("server { old }\n"));
    host.commands.length = 0;
    await expect(installValidated(host, plan("RELOADFAIL\n"))).rejects.toThrow(
      "reload nginx failed with the new files",
    );
    expect(host.files.get(SITE)?.content).toBe("server { old }\n");
    expect(host.ran.slice(-1)).toEqual([RELOAD]);
  });

  it("restorePrevious puts the kept version back through the same validation", async () => {
    const host = nginxHost();
    await installValidated(host, plan("server { v1 }\n"));
    await installValidated(host, plan("server { v2 }\n"));
    const result = await restorePrevious(host, [SITE], {
      validate: [nginxTest()],
      reload: [nginxReload()],
      become: true,
    });
    expect(result.changed).toBe(true);
    expect(host.files.get(SITE)?.content).toBe("server { v1 }\n");
  });
});

describe("validator commands", () => {
  it("verifies a systemd template through one of its instances", () => {
    expect(systemdVerify("/etc/systemd/system/harvest-backend@.service", "blue").argv).toEqual([
      "systemd-analyze",
      "verify",
      "/etc/systemd/system/harvest-backend@blue.service",
    ]);
  });

  it("checks a compose file with the host's compose flavour and the color's project", () => {
    expect(
      composeConfigCheck("v1", composeProjectName("duckapp", "green"), "/srv/duckapp/green/compose.yml").argv,
    ).toEqual(["docker-compose", "-p", "duckapp-green", "-f", "/srv/duckapp/green/compose.yml", "config", "-q"]);
    expect(composeConfigCheck("v2", composeProjectName("duckapp", "blue"), "/c.yml").argv.slice(0, 4)).toEqual([
      "docker",
      "compose",
      "-p",
      "duckapp-blue",
    ]);
  });
});
