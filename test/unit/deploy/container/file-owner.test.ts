/**
 * D65: a service's config files belong to the uid:gid its container runs as (container.user, else the image's USER,
 * else root), names looked up in the image's own account files as docker does; helper mode leaves them to the gate.
 */
import { describe, expect, it } from "vitest";
import { imageAccountsArgv, imageUserArgv } from "../../../../src/commands/docker-image.js";
import type { SlipwayConfig } from "../../../../src/config/index.js";
import {
  configFilesOwner,
  needsAccounts,
  resolveFileOwner,
  splitAccounts,
} from "../../../../src/deploy/container/file-owner.js";
import { loadConfigText } from "../../../support/config-text.js";
import { FakeHost } from "../../engine/fake-host.js";

const PASSWD =
  "root:x:0:0:root:/root:/bin/bash\napp:x:1001:1002::/home/app:/bin/sh\nnobody:x:65534:65534::/:/bin/false";
const GROUP = "root:x:0:\nstaff:x:50:\napp:x:1002:";
const ACCOUNTS = { passwd: PASSWD, group: GROUP };
const IMG = `10.213.0.1:5000/shop-web@sha256:${"a".repeat(64)}`;

describe("resolveFileOwner (docker's --user rules)", () => {
  it.each([
    ["", { uid: 0, gid: 0 }],
    ["app", { uid: 1001, gid: 1002 }],
    ["app:staff", { uid: 1001, gid: 50 }],
    ["app:7", { uid: 1001, gid: 7 }],
    ["1001", { uid: 1001, gid: 1002 }],
    ["4242", { uid: 4242, gid: 0 }],
    ["4242:4243", { uid: 4242, gid: 4243 }],
    ["0", { uid: 0, gid: 0 }],
  ])("%j runs as %j", (user, owner) => {
    expect(resolveFileOwner(user, ACCOUNTS)).toEqual(owner);
  });

  it("refuses a name the image does not have, and says when its files could not be read", () => {
    expect(() => resolveFileOwner("www", ACCOUNTS)).toThrow('user "www" is not in the image\'s /etc/passwd');
    expect(() => resolveFileOwner("app:wheel", ACCOUNTS)).toThrow('group "wheel" is not in the image\'s /etc/group');
    expect(() => resolveFileOwner("app", undefined)).toThrow(
      'user "app" is not in the image\'s /etc/passwd (it could not be read)',
    );
    expect(resolveFileOwner("4242", undefined)).toEqual({ uid: 4242, gid: 0 });
  });

  it("reads the image's files only when a name or a bare uid needs them", () => {
    expect(["", "1:2", "app", "1001", "app:1"].map(needsAccounts)).toEqual([false, false, true, true, true]);
  });

  it("splits `cat /etc/passwd /etc/group` by field count", () => {
    expect(splitAccounts(`${PASSWD}\n${GROUP}\n`)).toEqual(ACCOUNTS);
  });

  it("builds the image reads", () => {
    expect(imageUserArgv(IMG)).toEqual(["docker", "image", "inspect", "--format", "{{.Config.User}}", "--", IMG]);
    expect(imageAccountsArgv(IMG)).toEqual([
      "docker",
      "run",
      "--rm",
      "--network",
      "none",
      "--cap-drop",
      "ALL",
      "--security-opt",
      "no-new-privileges",
      "--user",
      "0:0",
      "--entrypoint",
      "cat",
      IMG,
      "/etc/passwd",
      "/etc/group",
    ]);
  });
});

function config(privilege: "root" | "helper", container = ""): Promise<SlipwayConfig> {
  return loadConfigText(`app: shop
runtime: container
image: { registry: "10.213.0.1:5000" }
services:
  web:
    build: { context: web }
    port: 8000
    files: [{ path: /app/etc/config.json, template: config.json.tpl }]
${container}
  worker:
    build: { context: worker }
    port: 8001
inventory:
  ssh: { user: deploy, privilege: ${privilege} }
  hosts:
    t1: { address: 10.213.0.11 }
proxy:
  domains: [shop.example]
  routes: [{ path: /, service: web }]
`);
}

/** A host whose image has USER `user` and the account files above. */
function hostWithImage(user: string): FakeHost {
  const host = new FakeHost("t1");
  host.handlers.set("docker", (argv) => {
    if (argv[1] === "image") return { stdout: `${user}\n` };
    if (argv[1] === "run") return { stdout: `${PASSWD}\n${GROUP}\n` };
    return undefined;
  });
  return host;
}

describe("configFilesOwner", () => {
  it("root mode: the image's USER (none: root), looked up in the image", async () => {
    const cfg = await config("root");
    expect(await configFilesOwner(hostWithImage(""), cfg, "web", IMG)).toEqual({ uid: 0, gid: 0 });
    const host = hostWithImage("app");
    expect(await configFilesOwner(host, cfg, "web", IMG)).toEqual({ uid: 1001, gid: 1002 });
    expect(host.commands.map((c) => c.argv)).toEqual([imageUserArgv(IMG), imageAccountsArgv(IMG)]);
  });

  it("container.user wins over the image's USER; numbers need no read of the image", async () => {
    const cfg = await config("root", '    container: { user: "4242:4243" }');
    const host = hostWithImage("app");
    expect(await configFilesOwner(host, cfg, "web", IMG)).toEqual({ uid: 4242, gid: 4243 });
    expect(host.commands).toEqual([]);
  });

  it("nothing for a service without files, nor in helper mode (the gate mounts a root-owned 0644 copy)", async () => {
    const host = hostWithImage("app");
    expect(await configFilesOwner(host, await config("root"), "worker", IMG)).toBeUndefined();
    expect(await configFilesOwner(host, await config("helper"), "web", IMG)).toBeUndefined();
    expect(host.commands).toEqual([]);
  });

  it("an unknown name fails at the key with what to set instead", async () => {
    const cfg = await config("root", "    container: { user: www }");
    await expect(configFilesOwner(hostWithImage(""), cfg, "web", IMG)).rejects.toMatchObject({
      message:
        'cannot give services.web.files to services.web.container.user: user "www" is not in the image\'s /etc/passwd',
      host: "t1",
      step: "config files",
      hint: 'set services.web.container.user to numbers (uid:gid, e.g. "1000:1000") so no lookup in the image is needed',
    });
  });
});
