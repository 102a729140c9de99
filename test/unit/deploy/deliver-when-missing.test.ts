import { describe, expect, it } from "vitest";
import type { SlipwayConfig } from "../../../src/config/index.js";
import { deliverWhenMissing } from "../../../src/deploy/stage-steps.js";
import type { SlipwayError } from "../../../src/errors.js";
import { FakeHost } from "../engine/fake-host.js";

const DIGEST = `10.213.0.1:5000/shop-web@sha256:${"a".repeat(64)}`;
const config = {
  image: { registry: "10.213.0.1:5000", username: "bot", password_secret: "REGISTRY_PASSWORD" },
} as unknown as SlipwayConfig;

/** A host without the image whose `docker pull` answers with `pull`'s exit code. */
function hostLackingImage(pullCode: number): FakeHost {
  const host = new FakeHost("web1");
  let pulled = false;
  host.handlers.set("docker", (argv) => {
    if (argv[1] === "pull") {
      pulled = pullCode === 0;
      return { code: pullCode, stderr: pullCode ? "dial tcp 10.213.0.1:5000: connect: connection refused" : "" };
    }
    if (argv[1] === "image" && argv[2] === "inspect") {
      return pulled ? { stdout: `sha256:${"b".repeat(64)}\n` } : { code: 1 };
    }
    return undefined;
  });
  return host;
}

describe("deliverWhenMissing, registry delivery", () => {
  it("logs in on the host with image.username and the secret's value, pulls by digest, logs out", async () => {
    const host = hostLackingImage(0);
    const action = await deliverWhenMissing(host, config, "web", DIGEST, {
      check: false,
      secrets: { REGISTRY_PASSWORD: "s3cret" },
    });
    expect(action).toBe(`pull ${DIGEST}`);
    expect(host.ran.filter((c) => !c.includes("inspect"))).toEqual([
      "docker login --username bot --password-stdin 10.213.0.1:5000",
      `docker pull ${DIGEST}`,
      "docker logout 10.213.0.1:5000",
    ]);
  });

  it("a failed pull names the host and step and hints at image.delivery: ssh", async () => {
    const host = hostLackingImage(1);
    const error = (await deliverWhenMissing(host, config, "web", DIGEST, { check: false, secrets: {} }).catch(
      (e: unknown) => e,
    )) as SlipwayError;
    expect(error.host).toBe("web1");
    expect(error.step).toBe("pull web");
    expect(error.stderrTail).toContain("connection refused");
    expect(error.hint).toContain("`image.delivery: ssh`");
    expect(host.ran.some((c) => c.startsWith("docker login"))).toBe(false);
  });

  it("check mode only says it would pull", async () => {
    const host = hostLackingImage(0);
    expect(await deliverWhenMissing(host, config, "web", DIGEST, { check: true, secrets: {} })).toBe(`pull ${DIGEST}`);
    expect(host.ran.some((c) => c.includes("pull"))).toBe(false);
  });
});
