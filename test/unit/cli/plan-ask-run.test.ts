import { afterEach, describe, expect, it } from "vitest";
import type { CliRun } from "../../../src/cli/_run.js";
import { planAskRun } from "../../../src/cli/deploy.js";
import type { DeployResult } from "../../../src/deploy/types.js";

const result = (status: "ok" | "changed" | "failed"): DeployResult => ({
  ok: status !== "failed",
  release: "r1",
  hosts: [{ name: "t1", status }],
  images: {},
  recap: "",
});

describe("planAskRun: the one plan / ask / run flow of deploy and rollback", () => {
  const saved = process.exitCode;
  afterEach(() => {
    process.exitCode = saved;
  });
  const ctx = { run: {} as CliRun, detailedExitcode: true };

  it("--check: plans only (no question), exit code from the plan", async () => {
    const modes: unknown[] = [];
    const start = async (mode: unknown) => {
      modes.push(mode);
      return result("changed");
    };
    await planAskRun(start, { check: true }, "deploy?", ctx);
    expect(modes).toEqual([{ check: true }]);
    expect(process.exitCode).toBe(10);
  });

  it("--yes: the run's confirm says yes without asking; exit code from the run", async () => {
    let answer: boolean | undefined;
    await planAskRun(
      async (mode) => {
        if ("confirm" in mode) answer = await mode.confirm();
        return result("failed");
      },
      { yes: true },
      "roll back?",
      ctx,
    );
    expect(answer).toBe(true);
    expect(process.exitCode).toBe(2);
  });
});
