/**
 * Console output for a run: one line per task and host (status, name, duration), unified diffs in check/diff mode,
 * failures with their message, then the recap. Hosts run in parallel, so every line names its host.
 */
import { createTwoFilesPatch } from "diff";
import { SECRET_CONTENT_CHANGED } from "../remote/redact.js";
import { formatRecap, formatSeconds } from "./recap.js";
import type { Reporter, RunResult } from "./run.js";
import type { FileDiff, TaskOutcome } from "./types.js";

export function unifiedDiff(diff: FileDiff): string {
  if (diff.secret) return `--- ${diff.path}\n+++ ${diff.path}\n${SECRET_CONTENT_CHANGED}`;
  const patch = createTwoFilesPatch(`${diff.path} (before)`, `${diff.path} (after)`, diff.before, diff.after, "", "", {
    context: 3,
  });
  // Drop the "====" banner line createTwoFilesPatch starts with.
  return patch.replace(/^=+\n/, "").trimEnd();
}

const LABEL: Record<TaskOutcome["status"], string> = {
  ok: "ok",
  changed: "changed",
  skipped: "skipping",
  failed: "failed",
  unreachable: "UNREACHABLE",
};

export function formatOutcome(o: TaskOutcome, options: { verbose?: boolean } = {}): string {
  const label = o.rescued ? "failed (rescued)" : o.ignored ? "failed (ignored)" : LABEL[o.status];
  const handler = o.handler ? "handler " : "";
  // A failure names where the task is written, so the user can go straight to it.
  const at = o.pos && (o.status === "failed" || o.status === "unreachable") ? ` at ${o.pos}` : "";
  const lines = [`${label}: [${o.host}] ${handler}${o.task} (${formatSeconds(o.durationMs)})${at}`];
  const showMsg =
    o.status === "failed" || o.status === "unreachable" || options.verbose || (o.msg && o.status === "changed");
  if (o.msg && showMsg) lines.push(...o.msg.split("\n").map((l) => `    ${l}`));
  for (const d of o.diffs ?? []) lines.push(unifiedDiff(d));
  return lines.join("\n");
}

export interface ConsoleReporterOptions {
  write?: (text: string) => void;
  /** Print messages of ok tasks too (debug output). */
  verbose?: boolean;
  /** Hide ok and skipped lines (only changes, failures and the recap). */
  quiet?: boolean;
}

export function consoleReporter(options: ConsoleReporterOptions = {}): Reporter & { recap(result: RunResult): void } {
  const write = options.write ?? ((text: string) => process.stdout.write(text));
  return {
    playStart(play, hosts) {
      write(`\nPLAY [${play.name}] (${hosts.length} host${hosts.length === 1 ? "" : "s"}: ${hosts.join(", ")})\n`);
    },
    batchStart(index, total, hosts) {
      if (total > 1) write(`-- batch ${index + 1}/${total}: ${hosts.join(", ")}\n`);
    },
    outcome(o) {
      if (options.quiet && (o.status === "ok" || o.status === "skipped")) return;
      write(`${formatOutcome(o, { verbose: options.verbose || o.task === "debug" })}\n`);
    },
    warn(message) {
      write(`[WARNING]: ${message}\n`);
    },
    recap(result) {
      write(`\n${formatRecap(result.recap, result.outcomes)}\n`);
    },
  };
}
