/**
 * playbooks/ holds only playbooks that run: each file parses with the real module registry and does something besides
 * printing (a playbook of `debug` tasks alone is a stub, as deploy.yml and rollback.yml were: the deploy and rollback
 * are src/deploy, planned by `slipway plan` without a playbook).
 */
import { readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { parsePlaybookFile } from "../../../src/engine/parse/playbook.js";
import type { Task } from "../../../src/engine/types.js";
import { defaultRegistry } from "../../../src/modules/index.js";

const DIR = resolve(import.meta.dirname, "../../../playbooks");
const files = readdirSync(DIR).filter((f) => f.endsWith(".yml"));

function modulesOf(tasks: readonly Task[]): string[] {
  return tasks.flatMap((task) => {
    if (task.kind === "module") return [task.module];
    if (task.kind === "block") return modulesOf([...task.block, ...task.rescue, ...task.always]);
    return [];
  });
}

describe("the shipped playbooks", () => {
  it("are the ones that run (no deploy/rollback stubs)", () => {
    expect(files.sort()).toEqual(["bootstrap.yml", "certs.yml", "swarm.yml"]);
  });

  it.each(files)("%s parses and runs more than debug tasks", (file) => {
    const playbook = parsePlaybookFile(join(DIR, file), { modules: defaultRegistry() } as never);
    const modules = playbook.plays.flatMap((play) => modulesOf(play.tasks));
    expect(modules.filter((m) => m !== "debug").length).toBeGreaterThan(0);
  });
});
