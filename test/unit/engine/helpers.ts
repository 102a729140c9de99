/** Runs playbook text against FakeHosts, for the engine's unit tests. */

import type { Inventory } from "../../../src/engine/inventory.js";
import { parsePlaybookText } from "../../../src/engine/parse/playbook.js";
import type { HookEntry } from "../../../src/engine/parse/task.js";
import { type RunOptions, type RunResult, runPlaybook } from "../../../src/engine/run.js";
import type { TaskOutcome } from "../../../src/engine/types.js";
import { defaultRegistry } from "../../../src/modules/index.js";
import { FakeHost } from "./fake-host.js";

export interface FakeRun extends RunResult {
  hosts: Map<string, FakeHost>;
  /** "host task status" lines in the order they were reported. */
  lines: string[];
  warnings: string[];
}

export function inventoryOf(names: readonly string[], groups: Record<string, string[]> = {}): Inventory {
  return {
    hosts: Object.fromEntries(names.map((n, i) => [n, { address: `10.0.0.${i + 1}` }])),
    groups,
  };
}

export async function runText(
  yaml: string,
  options: Partial<RunOptions> & {
    names?: string[];
    groups?: Record<string, string[]>;
    setup?: (h: FakeHost) => void;
    /** Where the playbook pretends to live (relative `src:` paths resolve from its directory). */
    path?: string;
    /** What fills the playbook's `hook:` points (as slipway.yml or `--hook` would). */
    hooks?: Record<string, HookEntry[]>;
    hooksFile?: string;
  } = {},
): Promise<FakeRun> {
  const modules = options.modules ?? defaultRegistry();
  const playbook = parsePlaybookText(yaml, options.path ?? "test.yml", {
    modules,
    hooks: options.hooks,
    hooksFile: options.hooksFile,
  });
  const names = options.names ?? ["a"];
  const hosts = new Map(names.map((n) => [n, new FakeHost(n)]));
  for (const h of hosts.values()) options.setup?.(h);
  const lines: string[] = [];
  const warnings: string[] = [];
  const result = await runPlaybook(playbook, {
    inventory: options.inventory ?? inventoryOf(names, options.groups),
    connect: async (name) => {
      const host = hosts.get(name) as FakeHost;
      if (host.unreachable)
        throw new (await import("../../../src/errors.js")).ConnectionError("refused", { host: name });
      return host;
    },
    ...options,
    modules,
    reporter: {
      outcome: (o: TaskOutcome) =>
        lines.push(`${o.host} ${o.task} ${o.status}${o.rescued ? " rescued" : ""}${o.ignored ? " ignored" : ""}`),
      warn: (w) => warnings.push(w),
    },
  });
  return { ...result, hosts, lines, warnings };
}
