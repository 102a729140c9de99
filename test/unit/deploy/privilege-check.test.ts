/** Root mode's preflight (D50): the SSH user's sudo and docker, and which setting to change when they are missing. */
import { describe, expect, it } from "vitest";
import { ROOT_MODE_PROBE_SCRIPT, rootModeProbeArgv } from "../../../src/commands/users.js";
import { checkRootMode, parseRootModeProbe, rootModeProblem } from "../../../src/deploy/privilege-check.js";
import { SlipwayError } from "../../../src/errors.js";
import { loadConfigText } from "../../support/config-text.js";
import { FakeHost } from "../engine/fake-host.js";

const H = "/usr/local/libexec/slipway/slipway-helper";
const probe = (text: string) => parseRootModeProbe(text);
const KEY = "inventory.ssh.privilege";

describe("root mode's probe", () => {
  it("is one sh script with the helper's path and the docker switch as parameters", () => {
    expect(rootModeProbeArgv(H, true)).toEqual(["sh", "-c", ROOT_MODE_PROBE_SCRIPT, "sh", H, "1"]);
    expect(rootModeProbeArgv(H, false).at(-1)).toBe("0");
    expect(probe("uid=1001\nsudo=no\nhelper=yes\ndocker=no\n")).toEqual({
      uid: "1001",
      sudo: "no",
      helper: "yes",
      docker: "no",
    });
  });

  it("a host bootstrapped for helper mode: names that, and both fixes", () => {
    const e = rootModeProblem(probe("uid=1001\nsudo=no\nhelper=yes\ndocker=no"), "deploy", KEY, true);
    expect(e?.message).toBe(
      `inventory.ssh.privilege is root (its default), which needs passwordless sudo for everything: this host was bootstrapped with deploy_privilege=helper (${H} is deploy's only sudo command)`,
    );
    expect(e?.hint).toBe(
      "set inventory.ssh.privilege: helper (least privilege; docs/security.md), or re-run playbooks/bootstrap.yml for this host with -e deploy_privilege=root",
    );
  });

  it("no sudo and no helper: bootstrap the host", () => {
    const e = rootModeProblem(probe("uid=1001\nsudo=no\nhelper=no"), "ops", "inventory.hosts.web1.privilege", false);
    expect(e?.message).toBe(
      "inventory.hosts.web1.privilege is root, which needs passwordless sudo for everything: ops cannot run `sudo -n` without a password",
    );
  });

  it("sudo but no docker daemon: the docker group", () => {
    const e = rootModeProblem(probe("uid=1001\nsudo=ok\nhelper=yes\ndocker=no"), "deploy", KEY, true);
    expect(e?.message).toBe(
      "deploy cannot reach the docker daemon: inventory.ssh.privilege is root, which runs docker pull and load as deploy",
    );
    expect(e?.hint).toBe(
      "re-run playbooks/bootstrap.yml for this host with -e deploy_privilege=root (it puts deploy into the docker group), or set inventory.ssh.privilege: helper",
    );
  });

  it("all there, root itself, or no answer: nothing to say", () => {
    expect(rootModeProblem(probe("uid=1001\nsudo=ok\nhelper=no\ndocker=ok"), "deploy", KEY, true)).toBeUndefined();
    expect(rootModeProblem(probe("uid=0\nsudo=no\nhelper=no\ndocker=no"), "root", KEY, true)).toBeUndefined();
    expect(rootModeProblem(probe(""), "deploy", KEY, true)).toBeUndefined();
  });
});

describe("checkRootMode on a host", () => {
  const yaml = (privilege: string) => `app: shop
runtime: container
services:
  web: { build: { context: web }, port: 5001 }
inventory: { ssh: { user: deploy${privilege} }, hosts: { h1: { address: 10.0.0.1 } } }
proxy: { domains: [shop.example.com], routes: [{ path: /, service: web }] }
`;

  it("throws with the host and step in root mode; helper mode is not probed", async () => {
    const host = new FakeHost("h1");
    host.handlers.set("sh", (argv) =>
      argv[2] === ROOT_MODE_PROBE_SCRIPT ? { stdout: "uid=1001\nsudo=no\nhelper=yes\ndocker=no\n" } : undefined,
    );
    const e = await checkRootMode(host, await loadConfigText(yaml(""))).catch((error: unknown) => error);
    expect(e).toBeInstanceOf(SlipwayError);
    expect(e).toMatchObject({ host: "h1", step: "preflight" });
    const before = host.commands.length;
    await checkRootMode(host, await loadConfigText(yaml(", privilege: helper")));
    expect(host.commands.length).toBe(before);
  });
});
