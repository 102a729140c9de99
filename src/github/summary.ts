/**
 * The job summary (pure markdown): what ran, the per-host table (host, result, color, url), images with digests and
 * the database backup taken. Everything passes through the redactor before it is written.
 */
import type { DeployResult } from "../deploy/types.js";
import type { ActionCommand } from "./inputs.js";

export interface SummaryInput {
  command: ActionCommand;
  app: string;
  environment?: string;
  result?: DeployResult;
  /** Backup id per host (from the result or the deploy's progress lines). */
  backups?: Record<string, string>;
  /** For validate (and a failure before any host ran): lines to show as-is. */
  notes?: string[];
  error?: string;
  redact?: (text: string) => string;
}

const TITLES: Record<ActionCommand, string> = {
  deploy: "deploy",
  plan: "plan (check mode: nothing changed)",
  rollback: "rollback",
  validate: "validate",
};

/** Pipes and newlines would break a table row. */
function cell(text: string | undefined): string {
  return (text ?? "").replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}

export function summaryMarkdown(input: SummaryInput): string {
  const redact = input.redact ?? ((t: string) => t);
  const env = input.environment ? ` (${input.environment})` : "";
  const { result } = input;
  const verdict = input.error || (result && !result.ok) ? "failed" : "ok";
  const lines = [`### Slipway ${TITLES[input.command]}: ${input.app}${env}: ${verdict}`, ""];
  if (result) {
    lines.push(`Release: \`${result.release}\``, "");
    lines.push("| host | result | color | url |", "| --- | --- | --- | --- |");
    for (const h of result.hosts) {
      const status = h.error ? `${h.status}: ${h.error}` : h.status;
      lines.push(`| ${cell(h.name)} | ${cell(status)} | ${cell(h.color ?? "")} | ${cell(h.url ?? "")} |`);
    }
    lines.push("");
    const images = Object.entries(result.images);
    if (images.length > 0) {
      lines.push("| service | image (digest) |", "| --- | --- |");
      for (const [service, ref] of images) lines.push(`| ${cell(service)} | \`${cell(ref)}\` |`);
      lines.push("");
    }
    const backups = Object.entries(input.backups ?? {});
    if (backups.length > 0) {
      lines.push("Database backup taken before the change:", "");
      for (const [host, id] of backups) lines.push(`- ${host}: \`${id}\``);
      lines.push("");
    }
  }
  if (input.notes && input.notes.length > 0) lines.push("```", ...input.notes, "```", "");
  if (input.error) lines.push(`**Error:** ${input.error.replace(/\r?\n/g, " ")}`, "");
  return redact(lines.join("\n"));
}

/**
 * Each host's backup id: HostResult.backup for hosts that finished, else the deploy's progress line
 * `[host] backed up the database: <id>` (a host that failed after its backup reports it only there, and that backup
 * is the one to restore from).
 */
export function backupsTaken(result: DeployResult, progress: readonly string[]): Record<string, string> {
  const found = backupsFromProgress(progress);
  for (const host of result.hosts) if (host.backup) found[host.name] = host.backup;
  return found;
}

/** `[host] backed up the database: <id>` progress lines, the deploy's report of each backup. */
export function backupsFromProgress(lines: readonly string[]): Record<string, string> {
  const found: Record<string, string> = {};
  for (const line of lines) {
    const m = /^\[([^\]]+)\] backed up the database: (\S+)/.exec(line);
    if (m?.[1] && m[2]) found[m[1]] = m[2];
  }
  return found;
}
