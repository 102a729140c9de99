/**
 * The `with:` of a workflow's steps that use Slipway's actions, checked against each action's inputs
 * (scripts/validate-actions.mjs runs it beside GitHub's schema). GitHub itself only warns "Unexpected input(s)" for an
 * unknown input and runs the step without it: `restore_db: true` would roll back without the restore asked for (D69).
 */
import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument, type YAMLMap } from "yaml";
import { didYouMean } from "../suggest.js";
import { COMMANDS } from "./commands.js";

/** An action's inputs as its action.yml declares them: name -> whether it must be given (required, no default). */
export type ActionInputSpec = Record<string, { mustGive: boolean }>;

/** The literal values an input accepts (an expression `${{ ... }}` is not checked): the deploy action's. */
const BOOLEAN = ["true", "True", "TRUE", "false", "False", "FALSE"];
const CHOICES: Record<string, Record<string, readonly string[]>> = {
  deploy: { command: COMMANDS, "restore-db": BOOLEAN, "force-unlock": BOOLEAN },
};

/**
 * Which of Slipway's actions `uses` names: "deploy" for `<owner>/slipway@<ref>`, "<name>" for
 * `<owner>/slipway/actions/<name>@<ref>`; undefined for any other action (a fork under another name is not recognised).
 */
export function slipwayAction(uses: string): string | undefined {
  const match = /^[A-Za-z0-9_.-]+\/slipway(?:\/actions\/([A-Za-z0-9_.-]+))?@\S+$/.exec(uses.trim());
  return match ? (match[1] ?? "deploy") : undefined;
}

function suggestion(value: string, allowed: readonly string[]): string {
  const close = didYouMean(value, allowed);
  return close ? `; did you mean "${close}"?` : "";
}

/** One problem, `file:line:col: message`. */
function at(file: string, lines: LineCounter, node: Node | null | undefined, message: string): string {
  const pos = lines.linePos(node?.range?.[0] ?? 0);
  return `${file}:${pos.line}:${pos.col}: ${message}`;
}

/**
 * Problems of every step of `text` (a workflow) that uses one of `actions` (name -> inputs): an action Slipway does
 * not have, an input the action does not declare (with the closest one it does), a required input left out, and a
 * literal value outside an input's allowed list. Empty when all is well or the YAML does not parse (GitHub's schema
 * check reports that).
 */
export function checkSlipwaySteps(file: string, text: string, actions: Record<string, ActionInputSpec>): string[] {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  if (doc.errors.length > 0) return [];
  const jobs = doc.get("jobs", true);
  if (!isMap(jobs)) return [];
  const problems: string[] = [];
  for (const job of jobs.items) {
    const steps = isMap(job.value) ? job.value.get("steps", true) : undefined;
    if (!isSeq(steps)) continue;
    for (const step of steps.items) {
      if (isMap(step)) problems.push(...checkStep(file, lines, step, actions));
    }
  }
  return problems;
}

function checkStep(
  file: string,
  lines: LineCounter,
  step: YAMLMap,
  actions: Record<string, ActionInputSpec>,
): string[] {
  const usesNode = step.get("uses", true);
  if (!isScalar(usesNode) || typeof usesNode.value !== "string") return [];
  const name = slipwayAction(usesNode.value);
  if (name === undefined) return [];
  const spec = actions[name];
  if (!spec) {
    const close = didYouMean(name, Object.keys(actions));
    const known = Object.keys(actions).join(", ");
    return [
      at(
        file,
        lines,
        usesNode,
        `Slipway has no action "${name}"${close ? `; did you mean "${close}"?` : ""} (actions: ${known})`,
      ),
    ];
  }
  const uses = usesNode.value.trim();
  const withNode = step.get("with", true);
  const given = new Map<string, { key: Node; value: unknown }>();
  if (isMap(withNode)) {
    for (const pair of withNode.items) {
      if (isScalar(pair.key)) given.set(String(pair.key.value), { key: pair.key, value: pair.value });
    }
  }
  const problems: string[] = [];
  const known = Object.keys(spec);
  for (const [input, { key, value }] of given) {
    if (!(input in spec)) {
      const close = didYouMean(input, known);
      const hint = close ? `; did you mean "${close}"?` : ` (inputs: ${known.join(", ")})`;
      problems.push(
        at(file, lines, key, `${uses}: unknown input "${input}"${hint} GitHub would run the step without it`),
      );
      continue;
    }
    const allowed = CHOICES[name]?.[input];
    const literal = isScalar(value) && value.value !== null ? String(value.value) : undefined;
    if (allowed && literal !== undefined && !literal.includes("${{") && !allowed.includes(literal)) {
      const node = value as Node;
      problems.push(
        at(
          file,
          lines,
          node,
          `${uses}: input ${input}: "${literal}" is not one of ${allowed.join(", ")}${suggestion(literal, allowed)}`,
        ),
      );
    }
  }
  for (const [input, { mustGive }] of Object.entries(spec)) {
    if (mustGive && !given.has(input))
      problems.push(at(file, lines, usesNode, `${uses}: required input "${input}" is missing`));
  }
  return problems;
}
