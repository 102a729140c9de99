/**
 * What a finished remote command's exit status means: the typed error of a sudo refusal, a lost connection, a kill,
 * the privilege helper's refusal or a non-zero exit (with the signal behind a 128+N code named), or nothing when the
 * caller may look at the result itself (`check: false`). Moved out of ssh-host.ts, which runs the commands.
 */
import { constants } from "node:os";
import { RemoteCommandError } from "../errors.js";
import type { RawExecResult } from "./channel-exec.js";
import { effectiveArgv } from "./command.js";
import { tail } from "./lines.js";
import {
  HELPER_PATH,
  helperRefusalHint,
  helperRefusalMessage,
  isHelperRefusal,
  type PlannedCommand,
} from "./privilege.js";
import type { Redactor } from "./redact.js";
import { recognizeSudoFailure, sudoersRule, sudoHint } from "./sudo.js";
import type { TargetSpec } from "./target.js";
import type { ExecOptions } from "./types.js";

/**
 * A shell reports a child killed by signal N as exit code 128+N: name the likely signal. The wrapper execs the command
 * (command.ts), so sshd reports a killed command's signal itself; this code comes from a command that is a shell
 * (`sh -c`) whose own child was killed.
 */
export function signalNote(code: number): string {
  const name = Object.entries(constants.signals).find(([, number]) => number === code - 128)?.[0];
  return code > 128 && name ? ` (128+${code - 128}: probably killed by ${name})` : "";
}

/** A finished command: its raw result, how it is shown (redacted) and what ran. */
export interface RawOutcome {
  raw: RawExecResult;
  /** The redacted command as shown to users. */
  display: string;
  /** What ran: the argv after the host's privilege mode translated it, and whether sudo wrapped it. */
  planned: PlannedCommand;
}

/** The host a command ran on, as checkExit needs it. */
export interface ExitContext {
  target: TargetSpec;
  /** Redacts the stderr tail put in errors. */
  redactor: Redactor;
  /** The absolute path of a program (sudoers names it so); only asked on the sudo refusal path. */
  resolveProgram(program: string): Promise<string>;
}

/**
 * Throws the RemoteCommandError (host, step, command, exit code, stderr tail, hint) of `outcome` run with `options`:
 * a sudo refusal and a lost connection (no exit status) always, a kill, a helper refusal or a non-zero exit unless
 * `options.check` is false. Resolves when there is nothing to report.
 */
export async function checkExit(outcome: RawOutcome, options: ExecOptions, host: ExitContext): Promise<void> {
  const { raw, display, planned } = outcome;
  const stderrText = raw.stderr.toString("utf8");
  const context = {
    host: host.target.name,
    step: options.step,
    command: display,
    exitCode: raw.code,
    stderrTail: host.redactor.redact(tail(stderrText)),
  };
  if (options.become && recognizeSudoFailure(raw.code, stderrText)) {
    const runAs = options.becomeUser ?? host.target.becomeUser ?? "root";
    if (host.target.privilege?.mode === "helper") {
      throw new RemoteCommandError(`sudo refused to run the privilege helper for ${host.target.user}`, {
        ...context,
        hint: `run playbooks/bootstrap.yml on this host (it installs ${HELPER_PATH} and the one sudoers rule: ${sudoersRule(host.target.user, "root", HELPER_PATH)})`,
      });
    }
    const program = await host.resolveProgram(effectiveArgv(planned.argv, { env: options.env })[0] ?? "");
    throw new RemoteCommandError(`sudo refused to run ${program} as ${runAs} for ${host.target.user}`, {
      ...context,
      hint: sudoHint(host.target.user, runAs, program),
    });
  }
  // No exit status at all is not a result a caller could inspect (check: false or not): the command's fate is unknown.
  if (raw.code === null && raw.signal === null) {
    throw new RemoteCommandError("no exit status: the connection was lost while the command ran", {
      ...context,
      hint: "the command may have run in part or in full; check the host's state before running it again",
    });
  }
  if (options.check === false) return;
  if (raw.code === null) {
    throw new RemoteCommandError(`command was killed by signal ${raw.signal}`, {
      ...context,
      hint: "something on the host killed it (out of memory? a restart?); check the host's logs",
    });
  }
  const privilege = host.target.privilege;
  if (privilege?.mode === "helper" && isHelperRefusal(raw.code, stderrText)) {
    throw new RemoteCommandError(helperRefusalMessage(stderrText), {
      ...context,
      hint: helperRefusalHint(privilege.app),
    });
  }
  if (raw.code !== 0) {
    throw new RemoteCommandError(`command failed with exit code ${raw.code}${signalNote(raw.code)}`, {
      ...context,
      hint: `read the stderr above; to retry by hand: ssh ${host.target.user}@${host.target.host} ${display}`,
    });
  }
}
