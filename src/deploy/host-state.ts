/** Reading and writing a host's deploy state: the release history, the live release (`current`) and color. */

import { readlinkArgv } from "../commands/files.js";
import { recordArgv } from "../commands/record.js";
import type { Color } from "../config/index.js";
import type { RemoteHost } from "../remote/types.js";
import { parseHistory, type ReleaseHistory, renderHistory } from "./history.js";
import type { DeployPaths } from "./paths.js";

export interface LiveState {
  release: string | null;
  color: Color | null;
  history: ReleaseHistory;
}

/** The color a host's `color` file names (its text, surrounding whitespace ignored), or null for anything else. */
export function parseColorFile(text: string | undefined): Color | null {
  const color = text?.trim();
  return color === "blue" || color === "green" ? color : null;
}

export async function readLiveState(host: RemoteHost, paths: DeployPaths): Promise<LiveState> {
  // Three independent reads, at once (each is a round trip).
  const [linked, colorFile, historyFile] = await Promise.all([
    host.exec(readlinkArgv(paths.current), { check: false }),
    host.readFile(paths.color),
    host.readFile(paths.history),
  ]);
  const link = linked.stdout.trim();
  const color = parseColorFile(colorFile?.toString("utf8"));
  const history = parseHistory(historyFile?.toString("utf8"));
  return { release: link ? (link.split("/").pop() ?? null) : null, color, history };
}

export async function writeHistory(host: RemoteHost, paths: DeployPaths, history: ReleaseHistory): Promise<void> {
  await host.putFile(paths.history, renderHistory(history), {
    mode: 0o644,
    step: "record release",
    unconditional: true,
  });
}

/**
 * The release recorded live in one round trip (commands/record.ts RECORD_SCRIPT): the history, `current` ->
 * releases/<id> and `color`, each replaced atomically, then the switch intent removed. Written without comparing
 * first: a run records the color it switched to.
 */
export async function recordLive(
  host: RemoteHost,
  paths: DeployPaths,
  live: { releaseId: string; color: Color; history: ReleaseHistory },
): Promise<void> {
  const history = Buffer.from(renderHistory(live.history), "utf8");
  const argv = recordArgv({
    history: paths.history,
    historyBytes: history.length,
    release: paths.release(live.releaseId),
    current: paths.current,
    colorFile: paths.color,
    color: live.color,
    intent: paths.intent,
  });
  await host.exec(argv, { step: "record release", stdin: history });
}
