/**
 * Every general-purpose module against a real sandbox target (t2): a first run changes things, a second run of the same
 * play reports changed=0 (each module inspects and acts only on a difference), check mode with a changed variable shows
 * the template diff and leaves every file as it was, and a clean-up play removes it all again (the absent states).
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parsePlaybookFile } from "../../../src/engine/parse/playbook.js";
import { type RunResult, runPlaybook } from "../../../src/engine/run.js";
import { inventoryFromSandbox, type SandboxInventoryFile, sshConnect } from "../../../src/engine/ssh.js";
import { defaultRegistry } from "../../../src/modules/index.js";
import { onTarget as onTargetAt } from "../support/sandbox.js";

const INVENTORY = ".sandbox/inventory.json";
const TARGET = "t2";
const ROOT = "/opt/slipway-e2e-engine";
const PORT = 18765;

const APPLY = `
- hosts: ${TARGET}
  become: true
  vars: { root: ${ROOT}, port: 8080, image: "{{ registry }}/e2e-engine/base" }
  tasks:
    - file: { path: "{{ root }}", state: directory, mode: "0755" }
    - file: { path: "{{ root }}/releases", state: directory }
    - file: { path: "{{ root }}/current", state: link, src: "{{ root }}/releases" }
    - copy: { dest: "{{ root }}/app.conf", content: "name=e2e\\n", mode: "0640" }
    - name: app.ini (validated, previous version kept)
      template: { src: app.ini.tpl, dest: "{{ root }}/app.ini", validate: "grep -q ^port= %s", backup: true }
    - user: { name: slipway-e2e, system: true, shell: /usr/sbin/nologin }
    - copy: { src: slipway-e2e-sleep.service, dest: /etc/systemd/system/slipway-e2e-sleep.service }
    - systemd: { name: slipway-e2e-sleep, state: started, enabled: true, daemon_reload: true }
    - docker_image: { name: "{{ image }}", tag: latest }
    - docker_container:
        name: slipway-e2e-web
        image: "{{ image }}:latest"
        command: [python3, -m, http.server, "8000"]
        ports: ["127.0.0.1:${PORT}:8000"]
    - http_wait: { url: "http://127.0.0.1:${PORT}/", timeout_s: 30 }
    - file: { path: "{{ root }}/compose", state: directory }
    - copy: { src: compose.yml, dest: "{{ root }}/compose/compose.yml" }
    - compose: { project_src: "{{ root }}/compose", project_name: slipway-e2e, files: [compose.yml] }
    - lock: { path: "{{ root }}/.lock", holder: e2e-engine }
    - command: cat {{ root }}/app.ini
      register: ini
      changed_when: false
`;

const CLEAN = `
- hosts: ${TARGET}
  become: true
  vars: { root: ${ROOT} }
  tasks:
    - lock: { path: "{{ root }}/.lock", holder: e2e-engine, state: released }
    - compose: { project_src: "{{ root }}/compose", project_name: slipway-e2e, files: [compose.yml], state: absent }
    - docker_container: { name: slipway-e2e-web, state: absent }
    - docker_image: { name: "{{ registry }}/e2e-engine/base", state: absent }
    - systemd: { name: slipway-e2e-sleep, state: stopped, enabled: false }
    - file: { path: /etc/systemd/system/slipway-e2e-sleep.service, state: absent }
    - systemd: { daemon_reload: true }
    - user: { name: slipway-e2e, state: absent }
`;

describe("modules on a sandbox target", () => {
  let sandbox: SandboxInventoryFile;
  let dir: string;
  const modules = defaultRegistry();

  function write(name: string, text: string): string {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  }

  async function play(name: string, yaml: string, options: { check?: boolean; vars?: object } = {}) {
    const { inventory, ssh } = inventoryFromSandbox(sandbox);
    const result: RunResult = await runPlaybook(parsePlaybookFile(write(name, yaml), { modules }), {
      inventory,
      connect: sshConnect(ssh),
      modules,
      check: options.check,
      extraVars: { registry: (sandbox as unknown as { registry: string }).registry, ...options.vars },
    });
    const problems = result.outcomes.filter((o) => o.status === "failed" || o.status === "unreachable");
    expect(problems.map((o) => `${o.task}: ${o.msg}`)).toEqual([]);
    return result;
  }

  async function onTarget(argv: string[]): Promise<string> {
    return (await onTargetAt(TARGET, argv, { become: true })).stdout;
  }

  const checksums = () =>
    onTarget([
      "sh",
      "-c",
      `find ${ROOT} -type f -print0 | sort -z | xargs -0 sha256sum; ls -l --time-style=+%s ${ROOT}`,
    ]);

  beforeAll(async () => {
    for (let i = 0; i < 60 && !existsSync(INVENTORY); i++) await new Promise((r) => setTimeout(r, 10_000));
    sandbox = JSON.parse(readFileSync(INVENTORY, "utf8")) as SandboxInventoryFile;
    const registry = (sandbox as unknown as { registry: string }).registry;
    // A small image of our own in the sandbox registry, so the test depends on nothing another suite pushed.
    execFileSync("docker", ["tag", "slipway-base:latest", `${registry}/e2e-engine/base:latest`]);
    execFileSync("docker", ["push", "--quiet", `${registry}/e2e-engine/base:latest`]);
    dir = mkdtempSync(join(tmpdir(), "slipway-engine-e2e-"));
    write("app.ini.tpl", "# managed by the engine e2e\nport={{ port }}\n");
    write(
      "slipway-e2e-sleep.service",
      "[Unit]\nDescription=engine e2e\n\n[Service]\nExecStart=/bin/sleep infinity\n\n[Install]\nWantedBy=multi-user.target\n",
    );
    write(
      "compose.yml",
      `services:\n  idle:\n    image: ${registry}/e2e-engine/base:latest\n    command: [sleep, infinity]\n`,
    );
    await onTarget([
      "sh",
      "-c",
      `rm -rf ${ROOT}; docker rm -f slipway-e2e-web; docker image rm ${registry}/e2e-engine/base:latest; true`,
    ]);
  }, 600_000);

  afterAll(async () => {
    if (!sandbox) return;
    await onTarget([
      "sh",
      "-c",
      `cd ${ROOT}/compose 2>/dev/null && docker-compose -p slipway-e2e -f compose.yml down; rm -rf ${ROOT}; true`,
    ]).catch(() => undefined);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("applies, then a second run changes nothing", async () => {
    const first = await play("apply.yml", APPLY);
    expect(first.recap[TARGET]?.changed).toBeGreaterThanOrEqual(14);
    const second = await play("apply.yml", APPLY);
    const changed = second.outcomes.filter((o) => o.status === "changed").map((o) => `${o.task}: ${o.msg}`);
    expect(changed).toEqual([]);
    expect(second.recap[TARGET]).toMatchObject({ changed: 0, failed: 0, unreachable: 0 });
    expect(await onTarget(["systemctl", "is-active", "slipway-e2e-sleep"])).toBe("active\n");
    expect(await onTarget(["docker", "ps", "--format", "{{.Names}}", "--filter", "name=slipway-e2e"])).toMatch(
      /slipway-e2e-web/,
    );
  }, 600_000);

  it("check mode shows the template diff and changes nothing; applying keeps the previous file", async () => {
    const before = await checksums();
    const check = await play("apply.yml", APPLY, { check: true, vars: { port: 9090 } });
    const ini = check.outcomes.find((o) => o.task.startsWith("app.ini"));
    expect(ini?.status).toBe("changed");
    expect(ini?.diffs).toEqual([
      {
        path: `${ROOT}/app.ini`,
        before: "# managed by the engine e2e\nport=8080\n",
        after: "# managed by the engine e2e\nport=9090\n",
      },
    ]);
    expect(await checksums()).toBe(before);

    const applied = await play("apply.yml", APPLY, { vars: { port: 9090 } });
    expect(applied.outcomes.filter((o) => o.status === "changed").map((o) => o.task)).toEqual([
      "app.ini (validated, previous version kept)",
    ]);
    expect(await onTarget(["cat", `${ROOT}/app.ini.slipway-prev`])).toBe("# managed by the engine e2e\nport=8080\n");
  }, 600_000);

  it("refuses content its validate command rejects, leaving the installed file", async () => {
    const { inventory, ssh } = inventoryFromSandbox(sandbox);
    const bad = APPLY.replace("port={{ port }}", "").replace("src: app.ini.tpl", 'content: "no port line\\n"');
    const result = await runPlaybook(parsePlaybookFile(write("bad.yml", bad), { modules }), {
      inventory,
      connect: sshConnect(ssh),
      modules,
      extraVars: { registry: (sandbox as unknown as { registry: string }).registry },
    });
    const ini = result.outcomes.find((o) => o.task.startsWith("app.ini"));
    expect(ini?.status).toBe("failed");
    expect(ini?.msg).toContain(`validation of ${ROOT}/app.ini failed; the file was not installed`);
    expect(await onTarget(["grep", "-c", "^port=", `${ROOT}/app.ini`])).toBe("1\n");
  }, 600_000);

  it("a clean-up play removes what the first one made, and is a no-op the second time", async () => {
    const first = await play("clean.yml", CLEAN);
    expect(first.recap[TARGET]?.changed).toBeGreaterThanOrEqual(6);
    expect(await onTarget(["docker", "ps", "-aq", "--filter", "name=slipway-e2e"])).toBe("");
    const second = await play("clean.yml", CLEAN);
    expect(second.outcomes.filter((o) => o.status === "changed").map((o) => o.task)).toEqual([]);
  }, 600_000);
});
