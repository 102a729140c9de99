/**
 * A host's end in a deploy or rollback: its result emitted as the `host` event, whether it ran, failed (the error
 * logged in full, the recap one line) or could not be reached. Shared by the fleet (fleet.ts) and the plan-then-run
 * path (plan-run.ts), which thus do not import each other for it.
 */
import { SlipwayError } from "../errors.js";
import { type Connected, unreachableLine } from "./connect.js";
import type { HostRun } from "./host-flow.js";
import type { HostResult } from "./types.js";

/** An error as the recap's one line: its message, with the hint in parentheses when it is a SlipwayError. */
export function errorText(e: unknown): string {
  if (e instanceof SlipwayError) return e.hint ? `${e.message} (${e.hint})` : e.message;
  return e instanceof Error ? e.message : String(e);
}

export type BaseRun = Omit<HostRun, "host" | "user" | "runtime">;

/** A host's result from `work`, or `failed` with the error (logged in full) when it throws; emits the host's end. */
export async function guarded(base: BaseRun, name: string, work: () => Promise<HostResult>): Promise<HostResult> {
  try {
    return hostEnd(base, await work());
  } catch (e) {
    // The full description (command, exit code, stderr tail, next step) goes to the log; the recap keeps one line.
    const message = `[${name}] FAILED: ${e instanceof SlipwayError ? e.describe() : errorText(e)}`;
    base.sink({ kind: "log", level: "info", message });
    return hostEnd(base, { name, status: "failed", error: errorText(e) });
  }
}

/** A host that could not be reached: the log gets the next step (which key was tried), the recap the message. */
export function unreachableEnd(base: BaseRun, c: Connected): HostResult {
  base.sink({ kind: "log", level: "info", message: unreachableLine(c) });
  return hostEnd(base, { name: c.resolved.name, status: "unreachable", error: c.error });
}

/** Emits the host's end event and returns its result unchanged. */
export function hostEnd(base: BaseRun, result: HostResult): HostResult {
  base.sink({
    kind: "host",
    host: result.name,
    status: result.status,
    ...(result.release ? { release: result.release } : {}),
    ...(result.color ? { color: result.color } : {}),
    ...(result.backup ? { backup: result.backup } : {}),
    ...(result.error ? { error: result.error } : {}),
  });
  return result;
}
