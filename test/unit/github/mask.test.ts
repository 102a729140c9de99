/**
 * D76: docs/github-action.md's local run of the action printed the SSH key as `::add-mask::` lines. The runner's log
 * masking is registered only under the runner (GITHUB_ACTIONS=true); elsewhere nothing of a secret reaches stdout.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { actionContext, maskOnRunner } from "../../../src/github/action-context.js";

const KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n";

/** What `work` writes to stdout (where @actions/core writes its workflow commands). */
function stdoutOf(work: () => void): string {
  const written: string[] = [];
  const spy = vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
  try {
    work();
  } finally {
    spy.mockRestore();
  }
  return written.join("");
}

describe("the runner's masks (D76)", () => {
  afterEach(() => vi.restoreAllMocks());

  it("outside the runner (no GITHUB_ACTIONS=true): no ::add-mask:: line, and our own output is still masked", () => {
    for (const env of [{}, { GITHUB_ACTIONS: "false" }, { GITHUB_ACTIONS: "1" }]) {
      const ctx = actionContext(env);
      expect(stdoutOf(() => ctx.mask([KEY, "pw-123456"]))).toBe("");
      expect(stdoutOf(() => maskOnRunner(env, ["pw-123456"]))).toBe("");
      expect(ctx.redact("line b3BlbnNzaC1rZXktdjEAAAAA and pw-123456")).toBe("line *** and ***");
    }
  });

  it("on the runner: one ::add-mask:: line per value and encoded form, each registered once", () => {
    const env = { GITHUB_ACTIONS: "true" };
    expect(stdoutOf(() => maskOnRunner(env, ["pw-123456", "tok%en"]))).toBe(
      "::add-mask::pw-123456\n::add-mask::tok%25en\n",
    );
    const ctx = actionContext(env);
    const forms = [
      "pw-123456",
      "cHctMTIzNDU2",
      "B3LTEyMzQ1N",
      "wdy0xMjM0NT",
      "70772d313233343536",
      "70772D313233343536",
    ];
    expect(stdoutOf(() => ctx.mask(["pw-123456"]))).toBe(forms.map((f) => `::add-mask::${f}\n`).join(""));
    expect(stdoutOf(() => ctx.mask(["pw-123456"]))).toBe("");
  });
});
