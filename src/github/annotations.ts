/**
 * Config problems as GitHub annotations: one `::error file=…,line=…,col=…` per problem, so each shows on the line of
 * slipway.yml in the pull request's diff. The file is made relative to the workspace (the repository root), which is
 * how GitHub matches an annotation to a file.
 */
import { isAbsolute, relative } from "node:path";
import type { AnnotationProperties } from "@actions/core";
import { type ConfigIssue, formatPath } from "../config/issues.js";
import { problemText, type ValidationProblem } from "../deploy/validate-config.js";

export interface Annotation {
  message: string;
  properties: AnnotationProperties;
}

/** One annotation per distinct problem (the same file, position and message twice is one problem). */
export function configAnnotations(issues: readonly ConfigIssue[], workspace: string | undefined): Annotation[] {
  const seen = new Set<string>();
  const out: Annotation[] = [];
  for (const issue of issues) {
    const shown = issue.environment ? ["environments", issue.environment, ...issue.path] : issue.path;
    const message = shown.length > 0 ? `${formatPath(shown)}: ${issue.message}` : issue.message;
    const file = workspaceRelative(issue.file, workspace);
    const key = `${file}:${issue.line}:${issue.col}:${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({
      message,
      properties: { title: "slipway config", file, startLine: issue.line, startColumn: issue.col },
    });
  }
  return out;
}

function workspaceRelative(file: string, workspace: string | undefined): string {
  if (!workspace || !isAbsolute(file)) return file;
  const rel = relative(workspace, file);
  return rel.startsWith("..") ? file : rel;
}

/** validate's problems (schema, hooks, files) as annotations: the CLI's words without its `file:line:col: ` prefix. */
export function validationAnnotations(
  problems: readonly ValidationProblem[],
  workspace: string | undefined,
): Annotation[] {
  const seen = new Set<string>();
  const out: Annotation[] = [];
  for (const p of problems) {
    const message = problemText(p);
    const file = workspaceRelative(p.file, workspace);
    const key = `${file}:${p.line}:${p.col}:${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ message, properties: { title: "slipway config", file, startLine: p.line, startColumn: p.col } });
  }
  return out;
}
