/**
 * Test-only fault injection (the fault suite in test/e2e/deploy/faults.test.ts): `SLIPWAY_FAULT=<step>:<before|after>:
 * <kill|term>` makes the process send itself SIGKILL or SIGTERM at that step boundary of the first host that reaches
 * it, as a lost runner or a cancelled job would. Unset in normal use: no effect.
 */
import { SlipwayError } from "../errors.js";

export interface FaultPoint {
  step: string;
  when: "before" | "after";
  signal: "SIGKILL" | "SIGTERM";
}

/** Parses the variable's value; undefined/empty: no fault. A malformed value throws (a test typo must not pass). */
export function parseFault(value: string | undefined): FaultPoint | null {
  if (!value) return null;
  const match = /^([a-z_-]+):(before|after):(kill|term)$/.exec(value);
  if (!match) {
    throw new SlipwayError(`SLIPWAY_FAULT=${value}: expected <step>:<before|after>:<kill|term>`, {
      hint: "e.g. SLIPWAY_FAULT=switch:after:kill (test-only; unset it for real deploys)",
    });
  }
  const [, step, when, how] = match;
  return { step: step as string, when: when as FaultPoint["when"], signal: how === "kill" ? "SIGKILL" : "SIGTERM" };
}

let fired = false;

/** Fires the fault when this is its boundary (once per process); resolves after the signal had a chance to land. */
export async function faultAt(fault: FaultPoint | null, step: string, when: "before" | "after"): Promise<void> {
  if (!fault || fired || fault.step !== step || fault.when !== when) return;
  fired = true;
  process.kill(process.pid, fault.signal);
  await new Promise((resolve) => setTimeout(resolve, 100));
}
