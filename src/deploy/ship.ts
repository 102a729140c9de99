/**
 * Shipping code (runtime systemd): each service's build context is tarred locally and unpacked over SSH into
 * `<deploy_dir>/releases/<id>/<service>/`. A release directory is written once: an existing one is left alone.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { relative, resolve } from "node:path";
import { PassThrough } from "node:stream";
import { testArgv, unpackArgv } from "../commands/files.js";
import type { SlipwayConfig } from "../config/index.js";
import { SlipwayError } from "../errors.js";
import type { RemoteHost } from "../remote/types.js";
import { shippedPaths } from "./ship-files.js";

/** tar of exactly the paths given on stdin (NUL-separated, see ship-files.ts), relative to `dir`. */
export function tarCreateArgv(dir: string): string[] {
  return ["tar", "-cz", "-C", dir, "--no-recursion", "--null", "-T", "-"];
}

/**
 * Local directory of each service's code: `build.context` relative to `releaseDir` (default: slipway.yml's dir); a
 * context written absolute stays where it is (D57: `--release-dir` stands in for the config's directory only).
 */
export function serviceSources(config: SlipwayConfig, releaseDir?: string): Record<string, string> {
  const base = releaseDir ?? config.source.dir;
  const absolute = new Set(config.source.absoluteContexts ?? []);
  return Object.fromEntries(
    Object.entries(config.services).map(([name, s]) => {
      const written = resolve(config.source.dir, s.build?.context ?? name);
      if (absolute.has(name)) return [name, written];
      // The loader made the context absolute (relative to slipway.yml): re-base it on releaseDir.
      return [name, resolve(base, relative(config.source.dir, written))];
    }),
  );
}

export async function shipService(host: RemoteHost, localDir: string, target: string): Promise<boolean> {
  const exists = await host.exec(testArgv("-d", target), { check: false, step: "ship" });
  if (exists.code === 0) return false;
  if (!existsSync(localDir)) {
    throw new SlipwayError(`the code to ship is not there: ${localDir}`, {
      host: host.name,
      step: "ship",
      hint: "check the service's build.context (relative to slipway.yml) or pass --release-dir",
    });
  }
  const paths = shippedPaths(localDir);
  const [cmd, ...args] = tarCreateArgv(localDir);
  const tar = spawn(cmd as string, args, { stdio: ["pipe", "pipe", "pipe"] });
  tar.stdin.end(paths.map((path) => `${path}\0`).join(""));
  let stderr = "";
  tar.stderr.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = new Promise<number | null>((r) => tar.on("close", r));
  // Consume tar's output at once: Node drains (drops) a child's unread stdout when the child exits, so a small
  // release tarred before the SSH channel opens would arrive empty ("gzip: stdin: unexpected end of file").
  const archive = tar.stdout.pipe(new PassThrough({ highWaterMark: 1 << 20 }));
  await host.exec(unpackArgv(target), { stdin: archive, step: "ship", timeoutMs: 300_000 });
  const code = await exited;
  if (code !== 0) {
    throw new SlipwayError(`tar of ${localDir} failed: ${stderr.trim()}`, {
      host: host.name,
      step: "ship",
      hint: "check that the service's build.context exists (or pass --release-dir)",
    });
  }
  return true;
}
