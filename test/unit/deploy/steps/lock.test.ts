import { describe, expect, it } from "vitest";
import { Interrupt } from "../../../../src/deploy/interrupt.js";
import { deployPaths } from "../../../../src/deploy/paths.js";
import { lockStep } from "../../../../src/deploy/steps/lock.js";
import { FakeHost } from "../../engine/fake-host.js";

const path = "/opt/x/.slipway-lock";
type StepState = Parameters<typeof lockStep.run>[0];

/** The lock step's state with only what it reads: a first deploy and a fresh interrupt. */
function stateFor(host: FakeHost, interrupt: Interrupt, said: string[]): StepState {
  const run = { host, user: "deploy", actor: "bob", commit: "def5678", forceUnlock: false, runId: "r2" };
  return {
    run: { ...run, lockWaitSeconds: 5, interrupt },
    paths: deployPaths("/opt/x"),
    // Nothing live, as the host has nothing: the read again under the lock finds the same.
    live: { release: null, color: null, history: { releases: [] } },
    say: (line: string) => said.push(line),
  } as unknown as StepState;
}

describe("lock step (D32)", () => {
  it("--lock-wait waits while no signal arrived (the interrupt's reason is null, not undefined)", async () => {
    const host = new FakeHost("t1");
    host.files.set(path, { kind: "directory", mode: "0755", owner: "deploy", group: "deploy" });
    host.writeFile(
      `${path}/holder`,
      JSON.stringify({ holder: "alice", commit: "abc1234", since: "2026-11-30T17:34:56Z" }),
    );
    // The other deploy finishes after our first retry was refused.
    const mkdirs = () => host.commands.filter((c) => c.argv[3] === "slipway-lock").length;
    const releaser = setInterval(() => {
      if (mkdirs() >= 1) host.files.delete(path);
    }, 1);
    const said: string[] = [];
    try {
      await lockStep.run(stateFor(host, new Interrupt(), said));
    } finally {
      clearInterval(releaser);
    }
    expect(said.at(-2)).toMatch(/^took the deploy lock \/opt\/x\/\.slipway-lock after waiting \d+s$/);
    expect(said.at(-1)).toBe(`locked ${path}`);
  });

  it("a signal stops the wait and the error says so instead of claiming the whole wait", async () => {
    const host = new FakeHost("t1");
    host.files.set(path, { kind: "directory", mode: "0755", owner: "deploy", group: "deploy" });
    host.writeFile(
      `${path}/holder`,
      JSON.stringify({ holder: "alice", commit: "abc1234", since: "2026-11-30T17:34:56Z" }),
    );
    const interrupt = new Interrupt();
    interrupt.reason = "SIGINT";
    const error = await lockStep.run(stateFor(host, interrupt, [])).catch((e: unknown) => e);
    expect(String(error)).toContain(
      "held by alice (commit abc1234) since 2026-11-30T17:34:56Z (stopped waiting after 0s of --lock-wait 5s: the run was interrupted)",
    );
  });
});
