/**
 * The container runtime's one `docker inspect` for both colors' containers: the argv by exact value, docker's answer
 * matched to the names (missing ones named on stderr), and the per-name fallback when it cannot be.
 */
import { describe, expect, it } from "vitest";
import { specStateArgv } from "../../../../src/commands/docker.js";
import { inspectContainers, parseSpecStates } from "../../../../src/deploy/container/inspect.js";
import { FakeHost } from "../../engine/fake-host.js";

const NAMES = ["shop-web-blue", "shop-worker-blue", "shop-web-green", "shop-worker-green"];
const FORMAT = '{{index .Config.Labels "slipway.spec"}} {{.State.Running}}';
const missing = (...names: string[]) => names.map((n) => `Error: No such object: ${n}`).join("\n");

describe("specStateArgv", () => {
  it("asks for every name in one docker inspect, in the order given", () => {
    expect(specStateArgv(NAMES)).toEqual(["docker", "inspect", "--format", FORMAT, ...NAMES]);
  });
});

describe("parseSpecStates", () => {
  it("every container there: one line each, in order (no label: empty spec)", () => {
    const stdout = "aaaa true\nbbbb true\ncccc false\n false\n";
    expect(parseSpecStates(NAMES, { code: 0, stdout, stderr: "" })).toEqual([
      { spec: "aaaa", running: true },
      { spec: "bbbb", running: true },
      { spec: "cccc", running: false },
      { spec: "", running: false },
    ]);
  });

  it("none there (a first deploy): every one absent", () => {
    const stderr = missing(...NAMES);
    expect(parseSpecStates(NAMES, { code: 1, stdout: "", stderr })).toEqual([null, null, null, null]);
  });

  it("a failed call that printed nothing counts as absent, as one inspect per name did", () => {
    expect(parseSpecStates(NAMES, { code: 127, stdout: "", stderr: "sh: docker: not found" })).toEqual([
      null,
      null,
      null,
      null,
    ]);
  });

  it("some there (the second deploy): the lines go to the names docker did not report missing", () => {
    const stdout = "aaaa true\nbbbb true\n";
    expect(parseSpecStates(NAMES, { code: 1, stdout, stderr: missing("shop-web-green", "shop-worker-green") })).toEqual(
      [{ spec: "aaaa", running: true }, { spec: "bbbb", running: true }, null, null],
    );
    // `docker container inspect`'s wording, a missing name in the middle.
    const daemon = "Error response from daemon: No such container: shop-worker-blue\n";
    expect(parseSpecStates(NAMES, { code: 1, stdout: "a true\nc false\nd false\n", stderr: daemon })).toEqual([
      { spec: "a", running: true },
      null,
      { spec: "c", running: false },
      { spec: "d", running: false },
    ]);
  });

  it("an answer that does not add up to the names: undefined (asked per name)", () => {
    // A partial answer with another wording on stderr.
    expect(parseSpecStates(NAMES, { code: 1, stdout: "a true\n", stderr: "permission denied" })).toBeUndefined();
    // Exit 0 with a line missing.
    expect(parseSpecStates(NAMES, { code: 0, stdout: "a true\n", stderr: "" })).toBeUndefined();
    // A missing name that is not one asked for does not count.
    expect(parseSpecStates(NAMES, { code: 1, stdout: "a true\nb true\nc true\n", stderr: missing("x") })).toBe(
      undefined,
    );
  });
});

describe("inspectContainers", () => {
  it("one docker call for every name; per name only when the answer cannot be matched", async () => {
    const host = new FakeHost("t1");
    host.handlers.set("docker", (argv) => {
      const names = argv.slice(4);
      if (names.length > 1) return { code: 1, stdout: "a true\n", stderr: "something else" };
      return names[0] === "shop-web-blue" ? { stdout: "a true\n" } : { code: 1, stderr: missing(names[0] ?? "") };
    });
    expect(await inspectContainers(host, NAMES.slice(0, 2))).toEqual([{ spec: "a", running: true }, null]);
    expect(host.ran).toEqual([
      `docker inspect --format ${FORMAT} shop-web-blue shop-worker-blue`,
      `docker inspect --format ${FORMAT} shop-web-blue`,
      `docker inspect --format ${FORMAT} shop-worker-blue`,
    ]);
    expect(host.commands.every((c) => c.become)).toBe(true);
  });

  it("no names: no call", async () => {
    const host = new FakeHost("t1");
    expect(await inspectContainers(host, [])).toEqual([]);
    expect(host.ran).toEqual([]);
  });
});
