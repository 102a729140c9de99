/**
 * The job summary (pure markdown): what ran, the per-host table (host, result, color, url), each step's time per host,
 * images with digests, the database backups taken and, for a plan, the file diffs. Everything passes through the
 * redactor before it is written.
 */
import type { ServiceLogs } from "../deploy/events.js";
import type { DeployResult } from "../deploy/types.js";
import type { ActionCommand } from "./inputs.js";
import { type FileDiff, formatMs, type StepTiming } from "./progress.js";

export interface SummaryInput {
  command: ActionCommand;
  app: string;
  environment?: string;
  result?: DeployResult;
  /** The release live before this run, when known. */
  previousRelease?: string;
  /** Backup id per host (from the result and the deploy's events). */
  backups?: Record<string, string>;
  /** Each finished step per host, from the deploy's events. */
  steps?: StepTiming[];
  /** File diffs from the deploy's events (a plan's are the point of the plan). */
  diffs?: FileDiff[];
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
  config: "config (the merged config; nothing changed)",
  "maintenance-on": "maintenance on (nginx answers 503, health paths open)",
  "maintenance-off": "maintenance off",
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
    const previous = input.previousRelease ? ` (before: \`${input.previousRelease}\`)` : "";
    lines.push(`Release: \`${result.release}\`${previous}`, "");
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
  lines.push(...stepLines(input.steps ?? []), ...diffLines(input.diffs ?? []));
  if (input.notes && input.notes.length > 0) lines.push("```", ...input.notes, "```", "");
  if (input.error) lines.push(`**Error:** ${input.error.replace(/\r?\n/g, " ")}`, "");
  return redact(lines.join("\n"));
}

/** Each finished step's status and time, one row per host and step. */
function stepLines(steps: readonly StepTiming[]): string[] {
  if (steps.length === 0) return [];
  const lines = ["| host | step | result | time |", "| --- | --- | --- | --- |"];
  for (const s of steps) {
    const status = s.message && s.status === "failed" ? `${s.status}: ${s.message}` : s.status;
    lines.push(`| ${cell(s.host)} | ${cell(s.step)} | ${cell(status)} | ${s.ms === undefined ? "" : formatMs(s.ms)} |`);
  }
  lines.push("");
  for (const s of steps) for (const group of s.logs ?? []) lines.push(...fenced(logTitle(s, group), group.lines, ""));
  return lines;
}

/** `t1: gate failed: services.web (shop-web@green.service), last 30 lines`. */
function logTitle(step: StepTiming, group: ServiceLogs): string {
  const count = group.lines.length === 0 ? "no output" : `last ${group.lines.length} lines`;
  return `${step.host}: ${step.step} ${step.status}: services.${group.service} (${group.name}), ${count}`;
}

/** Each diff in a collapsed block. */
function diffLines(diffs: readonly FileDiff[]): string[] {
  return diffs.flatMap((d) =>
    fenced(
      `${d.host}: ${d.path}${d.step === d.path ? "" : ` (${d.step})`}`,
      d.diff.replace(/\n$/, "").split("\n"),
      "diff",
    ),
  );
}

/** A collapsed block of lines; a fence longer than any backtick run inside keeps the block closed. */
function fenced(title: string, body: readonly string[], language: string): string[] {
  const text = body.join("\n");
  const longest = Math.max(2, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(longest + 1);
  return [
    `<details><summary>${escapeHtml(title)}</summary>`,
    "",
    `${fence}${language}`,
    text,
    fence,
    "",
    "</details>",
    "",
  ];
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
