/** runtime swarm has no deploy yet: runtimeFor refuses it instead of running compose projects on swarm nodes. */
import { describe, expect, it } from "vitest";
import { runtimeFor } from "../../../src/deploy/deploy.js";
import { UsageError } from "../../../src/errors.js";
import { configWith } from "../render/from-config/config.js";

describe("runtime swarm deploy", () => {
  it("is refused with a usage error naming what exists", () => {
    const config = configWith({
      runtime: "swarm",
      services: { web: { image: "10.213.0.1:5000/shop-web", port: 8050 } },
      proxy: { routes: [{ path: "/", service: "web" }] },
    });
    expect(() => runtimeFor(config)).toThrow(UsageError);
    expect(() => runtimeFor(config)).toThrow("runtime swarm: `slipway deploy` and `rollback` do not deploy stacks yet");
  });
});
