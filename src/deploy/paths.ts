/** Where a deploy keeps things on a host, all under `deploy_dir` (remote facts read `current` and `color`). */
import type { Color } from "../config/index.js";

export interface DeployPaths {
  root: string;
  releases: string;
  release(id: string): string;
  /** Symlink to the release a color runs: the unit's WorkingDirectory goes through it. */
  colorLink(color: Color): string;
  current: string;
  color: string;
  history: string;
  lock: string;
  /** "switching to <color>": written before the switch, removed once recorded (or switched back). */
  intent: string;
}

export function deployPaths(deployDir: string): DeployPaths {
  const root = deployDir.replace(/\/$/, "");
  return {
    root,
    releases: `${root}/releases`,
    release: (id) => `${root}/releases/${id}`,
    colorLink: (color) => `${root}/colors/${color}`,
    current: `${root}/current`,
    color: `${root}/color`,
    history: `${root}/releases.json`,
    lock: `${root}/.slipway-lock`,
    intent: `${root}/intent.json`,
  };
}
