/** Inspecting a path on the host in one command: type, mode, owner, group and (for links) the target. */

import { chmodArgv, chownArgv, readlinkArgv, statFormatArgv } from "../../commands/files.js";
import type { ExecOptions, RemoteHost } from "../../remote/types.js";
import { normalizeMode } from "./schema.js";

export type PathKind = "file" | "directory" | "link" | "other";

export interface PathInfo {
  kind: PathKind;
  mode: string;
  owner: string;
  group: string;
  linkTarget?: string;
}

/** `stat` without -L, so a link is reported as a link; `%N` is not used because its quoting varies by locale. */
export function statArgv(path: string): string[] {
  return statFormatArgv("%F|%a|%U|%G", path);
}

export function parseStat(stdout: string): PathInfo | undefined {
  const line = stdout.trim().split("\n")[0];
  if (!line) return undefined;
  const [type, mode, owner, group] = line.split("|");
  const kind: PathKind =
    type === "directory"
      ? "directory"
      : type === "symbolic link"
        ? "link"
        : type?.startsWith("regular")
          ? "file"
          : "other";
  return { kind, mode: normalizeMode(mode ?? "0"), owner: owner ?? "", group: group ?? "" };
}

export async function statPath(host: RemoteHost, path: string, options: ExecOptions): Promise<PathInfo | undefined> {
  const result = await host.exec(statArgv(path), { ...options, check: false });
  if (result.code !== 0) return undefined;
  const info = parseStat(result.stdout);
  if (info?.kind === "link") {
    const link = await host.exec(readlinkArgv(path), { ...options, check: false });
    info.linkTarget = link.stdout.trim();
  }
  return info;
}

/** chmod/chown commands needed to bring an existing path to the wanted mode and ownership. */
export function attributeFixes(
  path: string,
  current: PathInfo | undefined,
  want: { mode?: string; owner?: string; group?: string },
): string[][] {
  const fixes: string[][] = [];
  if (want.mode && current?.mode !== want.mode) fixes.push(chmodArgv(want.mode, path));
  const ownerDiffers = want.owner !== undefined && current?.owner !== want.owner;
  const groupDiffers = want.group !== undefined && current?.group !== want.group;
  if (ownerDiffers || groupDiffers) {
    const spec = `${want.owner ?? ""}${want.group !== undefined ? `:${want.group}` : ""}`;
    fixes.push(chownArgv(spec, path));
  }
  return fixes;
}

export function describeAttributes(info: PathInfo | undefined): string {
  if (!info) return "absent\n";
  const lines = [`state: ${info.kind}`, `mode: ${info.mode}`, `owner: ${info.owner}`, `group: ${info.group}`];
  if (info.linkTarget !== undefined) lines.push(`src: ${info.linkTarget}`);
  return `${lines.join("\n")}\n`;
}
