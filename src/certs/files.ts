/** Small I/O helpers shared by the certificate steps: write a file only when it differs, report without writing in check mode. */

import { mkdirsArgv } from "../commands/files.js";
import type { RemoteHost } from "../remote/types.js";

export interface StepOptions {
  become: boolean;
  check: boolean;
  step?: string;
}

/** true when the file changed (or would change, in check mode). */
export async function ensureFile(
  host: RemoteHost,
  path: string,
  content: string,
  mode: number,
  options: StepOptions,
): Promise<boolean> {
  if (options.check) {
    const current = await host.readFile(path, { become: options.become });
    return current?.toString("utf8") !== content;
  }
  const dir = path.slice(0, path.lastIndexOf("/"));
  await host.exec(mkdirsArgv([dir]), { become: options.become, step: options.step });
  const result = await host.putFile(path, content, { mode, become: options.become, step: options.step });
  return result.changed;
}
