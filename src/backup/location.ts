/**
 * Where the database tool runs. A file location resolves to a path on the host; a server location resolves to an
 * argv prefix: nothing (the host's client reaches the server), `sudo -n -u USER --` (Debian's peer authentication),
 * or `docker exec -i CONTAINER` (the client inside the database's container).
 */
import path from "node:path/posix";
import { execInContainerPrefix } from "../commands/docker.js";
import type { FileLocation, ServerLocation } from "./types.js";

export type ResolvedServer =
  | { kind: "server"; host?: string; port?: number; runAs?: string }
  | { kind: "container"; container: string; runAs?: string };

/** The prefix that runs a tool at the location, with `env` set for it (paths only, never secret values). */
export function toolPrefix(where: ResolvedServer, env: Record<string, string> = {}): string[] {
  const pairs = Object.entries(env).map(([key, value]) => `${key}=${value}`);
  if (where.kind === "container") {
    return execInContainerPrefix(where.container, where.runAs, pairs);
  }
  const sudo = where.runAs ? ["sudo", "-n", "-u", where.runAs, "--"] : [];
  return [...sudo, ...(pairs.length > 0 ? ["env", ...pairs] : [])];
}

/** The file inside the volume; `inner` is relative to the volume root (a leading slash is allowed). */
export function pathInVolume(mountpoint: string, inner: string): string {
  const joined = path.join(mountpoint, inner);
  if (joined !== mountpoint && !joined.startsWith(`${mountpoint}/`)) {
    throw new Error(`the path ${inner} leaves the volume`);
  }
  return joined;
}

export function describeFileLocation(location: FileLocation): string {
  return location.kind === "file" ? `file ${location.path}` : `volume ${location.volume}:${location.path}`;
}

export function describeServerLocation(location: ServerLocation): string {
  const as = location.runAs ? ` as ${location.runAs}` : "";
  if (location.kind === "server") {
    const at = location.host ? `${location.host}${location.port ? `:${location.port}` : ""}` : "local socket";
    return `server ${at}${as}`;
  }
  if ("compose" in location)
    return `compose service ${location.compose.project ?? "*"}/${location.compose.service}${as}`;
  return `container ${location.container}${as}`;
}
