/** A workflow's `with:` for Slipway's actions against their inputs (D69), by exact problem line. */
import { describe, expect, it } from "vitest";
import { checkSlipwaySteps, slipwayAction } from "../../../src/github/workflow-check.js";

const ACTIONS = {
  deploy: Object.fromEntries(
    ["config", "environment", "command", "release", "restore-db", "force-unlock", "ssh-private-key"].map((n) => [
      n,
      { mustGive: false },
    ]),
  ),
  verify: { url: { mustGive: true }, routes: { mustGive: false } },
};

/** A rollback workflow as the tester wrote it, with `withLines` under the deploy step's `with:`. */
function workflow(withLines: string[], uses = "acme/slipway/actions/deploy@0006410c5d799a87abc77cf156f6502af0caabb4") {
  return [
    "on: workflow_dispatch",
    "jobs:",
    "  rollback:",
    "    runs-on: ubuntu-latest",
    "    steps:",
    "      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683",
    "        with: { persist-credentials: false }",
    `      - uses: ${uses}`,
    "        with:",
    ...withLines.map((l) => `          ${l}`),
    "      - uses: acme/slipway/actions/verify@0006410c5d799a87abc77cf156f6502af0caabb4",
    "        with: { url: https://example.test }",
    "",
  ].join("\n");
}

const USES = "acme/slipway/actions/deploy@0006410c5d799a87abc77cf156f6502af0caabb4";

describe("workflow steps using Slipway's actions (D69)", () => {
  it("tells which of Slipway's actions a `uses:` names", () => {
    expect(slipwayAction("slipway/slipway@v1")).toBe("deploy");
    expect(slipwayAction("acme/slipway/actions/verify@abc")).toBe("verify");
    expect(slipwayAction("actions/checkout@v4")).toBeUndefined();
    expect(slipwayAction("acme/slipway-fork@v1")).toBeUndefined();
  });

  it("a correct step passes, expressions are not judged", () => {
    const text = workflow([
      "command: rollback",
      "restore-db: ${{ inputs.restore-db }}",
      "release: ${{ inputs.release }}",
    ]);
    expect(checkSlipwaySteps("rollback.yml", text, ACTIONS)).toEqual([]);
  });

  it("an unknown input names file:line:col, the input and the closest known one", () => {
    const text = workflow(["command: rollback", "restore_db: ${{ inputs.restore-db }}"]);
    expect(checkSlipwaySteps("rollback.yml", text, ACTIONS)).toEqual([
      `rollback.yml:11:11: ${USES}: unknown input "restore_db"; did you mean "restore-db"? GitHub would run the step without it`,
    ]);
  });

  it("an input far from every known one lists the inputs", () => {
    const text = workflow(["wat: 1"]);
    expect(checkSlipwaySteps("w.yml", text, ACTIONS)).toEqual([
      `w.yml:10:11: ${USES}: unknown input "wat" (inputs: config, environment, command, release, restore-db, force-unlock, ssh-private-key) GitHub would run the step without it`,
    ]);
  });

  it("refuses a literal command or boolean outside its allowed values", () => {
    const text = workflow(["command: rolback", "restore-db: yes", "force-unlock: true"]);
    expect(checkSlipwaySteps("w.yml", text, ACTIONS)).toEqual([
      `w.yml:10:20: ${USES}: input command: "rolback" is not one of deploy, plan, rollback, validate, config, maintenance-on, maintenance-off; did you mean "rollback"?`,
      `w.yml:11:23: ${USES}: input restore-db: "yes" is not one of true, True, TRUE, false, False, FALSE`,
    ]);
  });

  it("a required input left out, and an action Slipway does not have", () => {
    const noUrl = workflow(["command: deploy"]).replace("with: { url: https://example.test }", "with: {}");
    expect(checkSlipwaySteps("w.yml", noUrl, ACTIONS)).toEqual([
      'w.yml:11:15: acme/slipway/actions/verify@0006410c5d799a87abc77cf156f6502af0caabb4: required input "url" is missing',
    ]);
    const typo = workflow(["command: deploy"], "acme/slipway/actions/deplyo@abc");
    expect(checkSlipwaySteps("w.yml", typo, ACTIONS)).toEqual([
      'w.yml:8:15: Slipway has no action "deplyo"; did you mean "deploy"? (actions: deploy, verify)',
    ]);
  });

  it("YAML that does not parse is left to the schema check", () => {
    expect(checkSlipwaySteps("w.yml", "jobs: [", ACTIONS)).toEqual([]);
  });
});
