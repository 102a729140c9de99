/**
 * The public contract of a deploy and a rollback (DESIGN.md "The deploy, step by step").
 * Other parts (the GitHub action, certificates) build on these types: change them only additively.
 */
import type { SlipwayConfig } from "../config/index.js";
import type { Redactor } from "../remote/redact.js";
import type { DeployEventSink } from "./events.js";

export interface DeployOptions {
  /** The loaded and validated slipway.yml (environment overlay already applied by loadConfig). */
  config: SlipwayConfig;
  /** Environment name, recorded with the release (the overlay itself is applied when loading the config). */
  environment?: string;
  /**
   * `--limit` host patterns (Ansible's language, src/host-pattern.ts; several are one union); all hosts when
   * absent. A term naming no host or group, or a pattern selecting none, throws ConfigError before any connection.
   */
  limit?: string[];
  /** Release id; default `<commit short>-<UTC yyyymmddHHMMSS>`. */
  releaseId?: string;
  /** Commit SHA recorded with the release; default from git in the config's directory. */
  commit?: string;
  /** Who deployed (recorded in releases.json); default $GITHUB_ACTOR or $USER. */
  actor?: string;
  /** Check mode: print the plan (what would change on each host) and change nothing. */
  check?: boolean;
  /** On a failed verify after switch (and on rollback): restore the database backup. */
  restoreDb?: boolean;
  /** Secret values by name (default: resolved from process.env). */
  secrets?: Record<string, string>;
  /** Extra env for every service of the new release (e.g. APP_VERSION=v2), from `--version-env`. */
  versionEnv?: Record<string, string>;
  /** Local directory holding the service dirs to ship (systemd runtime); default: the config's directory. */
  releaseDir?: string;
  /** Seconds to wait before stopping the old color (drain); default 5. */
  drainSeconds?: number;
  /**
   * Runtime container: image references by service (`repo@sha256:...`, e.g. from `slipway build`). When absent, the
   * images are built and pushed from the services' `build` sections first (src/build).
   */
  images?: Record<string, string>;
  /** Runtime container: the registry in `image.registry` speaks plain http (build and push only). */
  insecureRegistry?: boolean;
  /** Remove a lock another deploy left behind (reported with its holder); without it a held lock fails the host. */
  forceUnlock?: boolean;
  /** Seconds to wait for a lock another run holds (`--lock-wait`), saying who holds it; default 0: fail at once. */
  lockWaitSeconds?: number;
  /** Structured progress (events.ts): what the CLI and the Action print and summarise. Default: none. */
  onEvent?: DeployEventSink;
  /**
   * The caller's redactor (the CLI's one per invocation): the run adds its secrets to it and masks every event with it,
   * so the caller's own output is masked alike. Default: a redactor of the run's own.
   */
  redactor?: Redactor;
  /** Recorded in the lock as run_id (Actions: `${GITHUB_RUN_ID}-${GITHUB_RUN_ATTEMPT}`); default a random id. */
  runId?: string;
  /**
   * Plan first, then run on the same connections and facts when this answers true (asked once, after every host's
   * plan; not asked when a plan failed or nothing changes: the plan's result is returned then). Without it (and
   * without `check`) the deploy runs at once.
   */
  confirm?: (plan: DeployResult) => Promise<boolean>;
}

export interface RollbackOptions {
  config: SlipwayConfig;
  environment?: string;
  limit?: string[];
  /** Release id to go back to; default: the release before the current one. */
  to?: string;
  actor?: string;
  check?: boolean;
  /** Restore the database backup recorded with the target release's successor (taken before it was deployed). */
  restoreDb?: boolean;
  secrets?: Record<string, string>;
  drainSeconds?: number;
  /** Remove a stale deploy lock (reported with its holder). */
  forceUnlock?: boolean;
  /** As for a deploy: seconds to wait for a held lock. */
  lockWaitSeconds?: number;
  /** Structured progress (events.ts), as for a deploy. */
  onEvent?: DeployEventSink;
  /** The caller's redactor, as for a deploy. */
  redactor?: Redactor;
  /** Recorded in the lock as run_id; default a random id. */
  runId?: string;
  /** As for a deploy: plan, ask, then run on the same connections and facts. */
  confirm?: (plan: DeployResult) => Promise<boolean>;
}

/** `skipped`: not deployed because an earlier rolling batch failed (inventory.serial / max_fail_percentage). */
export type HostStatus = "ok" | "changed" | "failed" | "unreachable" | "skipped";

export interface HostResult {
  name: string;
  status: HostStatus;
  /** The live color after the run (blue | green), when known. */
  color?: string;
  /** Public URL of the app on this host. */
  url?: string;
  /** What went wrong (one line; the full error was reported). */
  error?: string;
  /** The release live on the host after the run (differs from DeployResult.release on a no-op deploy). */
  release?: string;
  /** Id of the database backup this deploy took on the host (src/backup), when it took one. */
  backup?: string;
  /** The release live before this run (what a batch switch-back returns the host to). */
  previousRelease?: string;
}

export interface DeployResult {
  ok: boolean;
  /** Release id deployed (or rolled back to). */
  release: string;
  hosts: HostResult[];
  /** Image references by service (repo@sha256:...) for container runtimes; empty for systemd. */
  images: Record<string, string>;
  /** Per-host recap, printable. */
  recap: string;
}

/** One entry of `<deploy_dir>/releases.json` on a host. */
export interface ReleaseRecord {
  id: string;
  commit: string;
  images: Record<string, string>;
  backup?: string;
  time: string;
  actor: string;
  result: "deployed" | "failed" | "rolled-back";
  color?: string;
  environment?: string;
  /** Extra env the release was deployed with (versionEnv), so rollback reproduces it. */
  env?: Record<string, string>;
  /** Hash of commit, env and images: a deploy of the same fingerprint onto a live release changes nothing. */
  fingerprint?: string;
  /**
   * Hash of the config's services and proxy the release last ran with (config-hash.ts): a rollback runs today's, and
   * its plan says when they differ (D75). Absent in records written before it.
   */
  config_hash?: string;
  /**
   * Unit or container names the release ran on its color (the runtime's names()): the next deploy stops those its
   * config no longer names (a renamed or dropped service would otherwise keep running and hold its port).
   */
  units?: string[];
}
