/**
 * Runs playbooks/files/slipway-docker's gate on argv cases in one python process (gate_harness.py stands in for the
 * host: the app's record, the docker daemon's answers and every exec, reported instead of run). Shared by the gate's
 * tests: docker-gate.test.ts (each rule by exact value) and gate-drift.test.ts (what the deploy really sends).
 */
import { execFileSync } from "node:child_process";
import { join, resolve } from "node:path";

const ROOT = resolve(import.meta.dirname, "../../..");

/** One call: argv after `docker APP`; `doc` stands in for `compose config`'s normalised output. */
export interface GateCase {
  app?: string;
  argv: string[];
  doc?: unknown;
}
/** What the gate would exec, or how it exited (64 and its stderr for a refusal). */
export type GateResult = { exec: string[] } | { exit: number | null; stderr: string };

/**
 * Every case through the gate; `work` is the fake root (app `X`'s deploy_dir is `<work>/opt/X`, data_dir
 * `<work>/data/X`). Containers: shop-web-blue (shop), other-web-blue (other), 0123456789ab (project shop-blue),
 * fedcba987654 (project shop-accessories);
 * volumes: shop-data (shop), other-data (other), unlabelled.
 */
export function runGate(cases: readonly GateCase[], work: string): GateResult[] {
  const request = {
    gate: join(ROOT, "playbooks/files/slipway-docker"),
    work,
    cases: cases.map((c) => ({
      app: c.app ?? "shop",
      argv: c.argv,
      ...(c.doc ? { doc: c.doc } : {}),
      containers: {
        "shop-web-blue": { app: "shop" },
        "other-web-blue": { app: "other" },
        "0123456789ab": { project: "shop-blue" },
        fedcba987654: { project: "shop-accessories" },
      },
      volumes: { "shop-data": "shop", "other-data": "other", unlabelled: "" },
    })),
  };
  const out = execFileSync("python3", ["-I", join(import.meta.dirname, "gate_harness.py")], {
    input: JSON.stringify(request),
    encoding: "utf8",
  });
  return JSON.parse(out) as GateResult[];
}
