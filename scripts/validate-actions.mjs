// Validates GitHub Actions metadata (action.yml) and workflows against GitHub's schemas with @action-validator/core
// (SchemaStore's github-action and github-workflow schemas, compiled to WASM: nothing is downloaded at run time).
//
// Usage: node scripts/validate-actions.mjs [FILE...]
//   default: action.yml, actions/*/action.yml and examples/workflows/*.yml
// In a workflow, every step that uses one of Slipway's actions (`<owner>/slipway@<ref>`,
// `<owner>/slipway/actions/<name>@<ref>`) also has its `with:` checked against that action's inputs (this checkout's
// action.yml files): an unknown input (GitHub only warns and runs the step without it), a required one left out, and a
// literal `command` or boolean outside its allowed values (src/github/workflow-check.ts, run through tsx).
// Prints one line per problem (`file:line:col: title: detail` or `file: /json/path: title: detail`) and exits 1 when
// any file is invalid, 0 when all are valid.
//
// The validator's schema (v0.6.0) predates `runs.using: node24`, which GitHub runs today; an action declaring node24
// is checked as node20 (same line, same column) so every other rule still applies, and `using` itself is checked here
// against the runtimes the runner accepts.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { validateAction, validateWorkflow } from "@action-validator/core";
import { register } from "tsx/esm/api";
import { parse } from "yaml";

register();
const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const { checkSlipwaySteps } = await import("../src/github/workflow-check.ts");

/** Slipway's actions (this checkout's metadata): name -> input -> whether a step must give it. */
function slipwayActions() {
  const files = { deploy: join(ROOT, "action.yml") };
  for (const entry of readdirSync(join(ROOT, "actions"), { withFileTypes: true })) {
    if (entry.isDirectory()) files[entry.name] = join(ROOT, "actions", entry.name, "action.yml");
  }
  const actions = {};
  for (const [name, file] of Object.entries(files)) {
    const inputs = parse(readFileSync(file, "utf8")).inputs ?? {};
    actions[name] = Object.fromEntries(
      Object.entries(inputs).map(([input, spec]) => [
        input,
        { mustGive: spec?.required === true && spec?.default === undefined },
      ]),
    );
  }
  return actions;
}

const NODE_RUNTIMES = ["node20", "node24"];
const USING = /^(\s*using:\s*)(["']?)(node\d+)\2(\s*(#.*)?)$/m;

function defaultFiles() {
  const actions = readdirSync("actions", { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => join("actions", entry.name, "action.yml"));
  const workflows = readdirSync("examples/workflows")
    .filter((name) => /\.ya?ml$/.test(name))
    .map((name) => join("examples/workflows", name));
  return ["action.yml", ...actions, ...workflows];
}

function isAction(file) {
  return /(^|\/)action\.ya?ml$/.test(file);
}

/** Flattens the validator's nested oneOf states into leaf problems. */
function leaves(errors) {
  return errors.flatMap((error) => (error.states ? error.states.flatMap((state) => leaves(state.errors)) : [error]));
}

function describe(file, error) {
  const where = error.location ? `${file}:${error.location.line}:${error.location.column}` : `${file}: ${error.path}`;
  return `${where}: ${error.title}${error.detail ? `: ${error.detail}` : ""}`;
}

function problemsOf(file) {
  let text;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    return [`${file}: cannot read: ${error.message}`];
  }
  if (!isAction(file)) {
    const schema = leaves(validateWorkflow(text).errors).map((e) => describe(file, e));
    return [...schema, ...checkSlipwaySteps(file, text, slipwayActions())];
  }
  const problems = [];
  const using = USING.exec(text);
  if (using && !NODE_RUNTIMES.includes(using[3])) {
    problems.push(`${file}: /runs/using: "${using[3]}" is not a runtime the runner has (${NODE_RUNTIMES.join(", ")})`);
  }
  const checked = using?.[3] === "node24" ? text.replace(USING, "$1$2node20$2$4") : text;
  problems.push(...leaves(validateAction(checked).errors).map((e) => describe(file, e)));
  return [...new Set(problems)];
}

const files = process.argv.length > 2 ? process.argv.slice(2) : defaultFiles();
let invalid = 0;
for (const file of files) {
  const problems = problemsOf(file);
  if (problems.length > 0) invalid++;
  for (const problem of problems) console.error(problem);
}
console.log(`${files.length - invalid} of ${files.length} action and workflow files valid`);
process.exit(invalid > 0 ? 1 : 0);
