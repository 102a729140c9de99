/**
 * template with validate_in_place/reload against the real nginx on sandbox target t2: a good conf.d file is installed
 * and serves; a second run changes nothing; a file with a bad directive is refused with nginx's own message, the good
 * one stays in place and active (curl on the target still answers). The file is removed afterwards.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parsePlaybookFile } from "../../../src/engine/parse/playbook.js";
import { runPlaybook } from "../../../src/engine/run.js";
import { inventoryFromSandbox, type SandboxInventoryFile, sshConnect } from "../../../src/engine/ssh.js";
import { defaultRegistry } from "../../../src/modules/index.js";
import type { ExecResult } from "../../../src/remote/types.js";
import { INVENTORY_PATH, onTarget as onTargetAt } from "../support/sandbox.js";

const TARGET = "t2";
const DEST = "/etc/nginx/conf.d/slipway-e2e-in-place.conf";
const PORT = 18766;
const GOOD = `server {\n  listen 127.0.0.1:${PORT};\n  location / { return 200 "in-place good\\n"; }\n}\n`;
const BAD = `server {\n  listen 127.0.0.1:${PORT};\n  slipway_bogus_directive on;\n  location / { return 200 "in-place bad\\n"; }\n}\n`;

function playbook(content: string): string {
  return `
- hosts: ${TARGET}
  become: true
  tasks:
    - name: conf.d file validated in place
      template:
        content: ${JSON.stringify(content)}
        dest: ${DEST}
        mode: "0644"
        validate_in_place: /usr/sbin/nginx -t
        reload: systemctl reload nginx
`;
}

describe("template validate_in_place on a sandbox target", () => {
  let dir: string;
  const modules = defaultRegistry();

  async function play(name: string, content: string) {
    const sandbox = JSON.parse(readFileSync(INVENTORY_PATH, "utf8")) as SandboxInventoryFile;
    const { inventory, ssh } = inventoryFromSandbox(sandbox);
    const path = join(dir, name);
    writeFileSync(path, playbook(content));
    const result = await runPlaybook(parsePlaybookFile(path, { modules }), {
      inventory,
      connect: sshConnect(ssh),
      modules,
    });
    return result.outcomes.filter((o) => o.task === "conf.d file validated in place");
  }

  function onTarget(argv: string[]): Promise<ExecResult> {
    return onTargetAt(TARGET, argv, { become: true, check: false });
  }

  const cleanUp = () => onTarget(["sh", "-c", `rm -f -- ${DEST} ${DEST}.slipway-prev && systemctl reload nginx`]);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "slipway-in-place-e2e-"));
    await cleanUp();
  }, 120_000);

  afterAll(async () => {
    await cleanUp();
    rmSync(dir, { recursive: true, force: true });
  }, 120_000);

  it("installs a good file, refuses a bad one with nginx's message and keeps the good one serving", async () => {
    const first = await play("good.yml", GOOD);
    expect(first.map((o) => [o.status, o.msg])).toEqual([["changed", undefined]]);
    expect((await onTarget(["cat", DEST])).stdout).toBe(GOOD);
    expect((await onTarget(["curl", "-sS", `http://127.0.0.1:${PORT}/`])).stdout).toBe("in-place good\n");

    const again = await play("good-again.yml", GOOD);
    expect(again.map((o) => o.status)).toEqual(["ok"]);

    const bad = await play("bad.yml", BAD);
    expect(bad.map((o) => o.status)).toEqual(["failed"]);
    expect(bad[0]?.msg).toContain("/usr/sbin/nginx -t rejected the new files; the previous files are back in place");
    expect(bad[0]?.msg).toContain('unknown directive "slipway_bogus_directive"');

    expect((await onTarget(["cat", DEST])).stdout).toBe(GOOD);
    expect((await onTarget(["/usr/sbin/nginx", "-t"])).code).toBe(0);
    const curl = await onTarget(["curl", "-sS", `http://127.0.0.1:${PORT}/`]);
    expect(curl.stdout).toBe("in-place good\n");
  }, 180_000);
});
