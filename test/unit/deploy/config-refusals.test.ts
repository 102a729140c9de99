/**
 * validate refuses whatever the deploy would refuse on the config's grounds alone (docs/cli.md `validate`). Each row
 * is a refusal a deploy step makes from the config only: the deploy's error (run on the one fake host, with a config
 * that skipped validation) and `slipway validate`'s problem for the same config must say the same thing, so the user
 * meets it at file:line:col before anything runs.
 *
 * Reviewed and not config-only (they depend on the host, the build or the environment, so validate cannot know):
 * a missing database directory, no image for a service (built by this run or given by --image), a secret without a
 * value, a port held by another process, a node that is not a swarm manager. (A `files` template missing on disk or
 * naming an unlisted secret is refused by validate too: render/config-file-check, test/unit/render.)
 */
import { describe, expect, it } from "vitest";
import type { SlipwayConfig } from "../../../src/config/schema.js";
import { swarmRuntime } from "../../../src/deploy/swarm-runtime.js";
import { SlipwayError } from "../../../src/errors.js";
import { FakeHost } from "../engine/fake-host.js";
import { configWith } from "../render/from-config/config.js";

const swarm = {
  runtime: "swarm",
  image: { registry: "10.213.0.1:5000" },
  services: { web: { build: { context: "." }, port: 8000 } },
  proxy: { routes: [{ path: "/", service: "web" }] },
};
const files = [{ template: "app.ini", path: "/etc/app/app.ini" }];
const manager = () =>
  new FakeHost("t4", (argv) => (argv.join(" ").includes("ControlAvailable") ? { stdout: "true\n" } : undefined));
const stageInput = { releaseId: "r1", env: {}, images: {}, secrets: {}, check: true };

interface Refusal {
  what: string;
  /** The config's keys as the user writes them (validate's input). */
  over: Record<string, unknown>;
  /** The deploy step that refuses, given the same config without validation. */
  deploy: (config: SlipwayConfig) => Promise<unknown> | undefined;
}

const refusals: Refusal[] = [
  {
    what: "runtime swarm without image.registry (SSH delivery by default)",
    over: { ...swarm, image: {} },
    deploy: (c) => swarmRuntime(c, manager()).prepare?.(),
  },
  {
    what: "runtime swarm with image.delivery: ssh",
    over: { ...swarm, image: { registry: "10.213.0.1:5000", delivery: "ssh" } },
    deploy: (c) => swarmRuntime(c, manager()).prepare?.(),
  },
  {
    what: "runtime swarm with services.*.files",
    over: { ...swarm, services: { web: { ...swarm.services.web, files } } },
    deploy: (c) => swarmRuntime(c, manager()).stage("blue", stageInput),
  },
];

/** The config the deploy would get if validate let it through: a valid one with the refused keys put back. */
function unvalidated(over: Record<string, unknown>): SlipwayConfig {
  const valid = configWith(swarm);
  const image = { ...valid.image, ...(over.image as object) };
  if (!("registry" in (over.image as object))) delete (image as { registry?: string }).registry;
  const web = { ...valid.services.web, ...(over.services as { web: object }).web } as SlipwayConfig["services"][string];
  return { ...valid, image, services: { web } };
}

function validateText(over: Record<string, unknown>): string {
  try {
    configWith(over);
  } catch (error) {
    return (error as Error).message;
  }
  return "(valid)";
}

describe("every deploy refusal on config grounds has its validate twin", () => {
  it.each(refusals)("$what", async ({ over, deploy }) => {
    const error = await Promise.resolve(deploy(unvalidated(over))).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SlipwayError);
    const refused = error as SlipwayError;
    const text = validateText(over);
    expect(text).toContain(refused.message);
    expect(text).toContain(refused.hint);
  });

  it("validate's words, exactly", () => {
    expect(validateText(refusals[0]?.over ?? {}).split("\n")[1]).toBe(
      "/tmp/slipway.yml:2:10: runtime: runtime swarm pulls images from a registry on every node, and image.registry is not set (images would go over SSH): set image.registry (a registry every node reaches, e.g. ghcr.io or 10.213.0.1:5000) and leave image.delivery unset or `registry`",
    );
  });
});
