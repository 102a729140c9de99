/**
 * The switch intent, `<deploy_dir>/intent.json`: written before nginx is pointed at a new color and removed once the
 * release is recorded (or the switch was undone). Finding one at the start of a run means an earlier run died
 * between the two: the reconcile step puts nginx back on the recorded color before anything else happens.
 */

import { removeFilesArgv } from "../commands/files.js";
import type { Color } from "../config/index.js";
import type { RemoteHost } from "../remote/types.js";
import type { DeployPaths } from "./paths.js";

export interface SwitchIntent {
  /** The color being switched to, and the one live before. */
  to: Color;
  from: Color | null;
  release: string;
  run_id: string;
  since: string;
}

/** The intent file's content, or null when absent or unreadable (an unreadable one is treated as present: see caller). */
export function parseIntent(text: string | undefined): SwitchIntent | null {
  if (!text?.trim()) return null;
  try {
    const value = JSON.parse(text) as Partial<SwitchIntent>;
    if (value.to !== "blue" && value.to !== "green") return null;
    return {
      to: value.to,
      from: value.from === "blue" || value.from === "green" ? value.from : null,
      release: String(value.release ?? ""),
      run_id: String(value.run_id ?? ""),
      since: String(value.since ?? ""),
    };
  } catch {
    return null;
  }
}

export async function readIntent(host: RemoteHost, paths: DeployPaths): Promise<SwitchIntent | null> {
  return parseIntent((await host.readFile(paths.intent))?.toString("utf8"));
}

export async function writeIntent(host: RemoteHost, paths: DeployPaths, intent: SwitchIntent): Promise<void> {
  await host.putFile(paths.intent, `${JSON.stringify(intent)}\n`, { mode: 0o644, step: "switch", unconditional: true });
}

export async function clearIntent(host: RemoteHost, paths: DeployPaths): Promise<void> {
  await host.exec(removeFilesArgv([paths.intent]), { step: "switch" });
}
