/**
 * The CLI's exit codes (table in docs/cli.md), chosen so a script or a CI step can tell the outcomes apart without
 * parsing output. Close to ansible-playbook's (2 failed host, 3 unreachable host, 4 parse error) and to the shell's
 * 128+signal for an interrupted run; Terraform's "plan has changes" gets its own code because 2 is taken.
 */
import { CommanderError } from "commander";
import { ConfigError, ConnectionError, HostKeyError, SlipwayError, UsageError } from "../errors.js";

export const EXIT = {
  /** Done; with --detailed-exitcode also: nothing changed (or would change). */
  ok: 0,
  /** An error that is none of the below (a bug, a local file that cannot be read). */
  error: 1,
  /** A host failed: a step, a task, the health gate, the verify after the switch. */
  hostFailed: 2,
  /** A host could not be reached or authenticated against (and no host failed). */
  unreachable: 3,
  /** slipway.yml, a playbook or an inventory is invalid, or --limit names no host. */
  config: 4,
  /** Unknown command or option, missing argument, a flag value of the wrong shape. */
  usage: 5,
  /** --detailed-exitcode: the run succeeded and something changed (a plan: would change). */
  changes: 10,
  /** A signal (Ctrl-C, a cancelled CI job) stopped the run; what it had changed was undone. */
  interrupted: 130,
} as const;

/** Per-host outcomes as a deploy, a rollback or a playbook run reports them. */
export interface RunOutcome {
  /** Hosts that failed (a deploy's `skipped` hosts count with the failure that stopped the rollout). */
  failed: number;
  unreachable: number;
  /** Hosts where something changed (or would, in check mode). */
  changed: number;
  /** A step ended as `interrupted` (src/deploy/runner.ts). */
  interrupted?: boolean;
}

/** The exit code of a finished run: interrupted, then failed, then unreachable; changes only with `detailed`. */
export function exitCodeForOutcome(outcome: RunOutcome, detailed = false): number {
  if (outcome.interrupted) return EXIT.interrupted;
  if (outcome.failed > 0) return EXIT.hostFailed;
  if (outcome.unreachable > 0) return EXIT.unreachable;
  return detailed && outcome.changed > 0 ? EXIT.changes : EXIT.ok;
}

/** The exit code of an error that ended the command before (or instead of) a per-host result. */
export function exitCodeForError(error: unknown): number {
  if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  if (error instanceof UsageError) return EXIT.usage;
  if (error instanceof ConfigError) return EXIT.config;
  if (error instanceof ConnectionError || error instanceof HostKeyError) return EXIT.unreachable;
  if (error instanceof SlipwayError && error.host) return EXIT.hostFailed;
  return EXIT.error;
}
