import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { shipService } from "../../../src/deploy/ship.js";
import type { RemoteHost } from "../../../src/remote/types.js";
import { connectTarget } from "../support/sandbox.js";

describe("shipping a service's code (t2)", () => {
  let host: RemoteHost;
  const dir = `/tmp/slipway-ship-e2e-${process.pid}`;

  beforeAll(async () => {
    host = await connectTarget("t2");
  });
  afterAll(async () => {
    await host.exec(["rm", "-rf", dir]);
    await host.close();
  });

  it("arrives whole even when the channel opens after local tar has finished", async () => {
    // A host whose commands start late, as when the connection's channels are all busy: tar is done by then.
    const slow: RemoteHost = {
      ...host,
      name: host.name,
      exec: async (argv, options) => {
        await new Promise((resolve) => setTimeout(resolve, 300));
        return host.exec(argv, options);
      },
    };
    await host.exec(["mkdir", "-p", dir]);
    expect(await shipService(slow, "examples/harvest/backend", `${dir}/backend`)).toBe(true);
    const listing = await host.exec(["ls", `${dir}/backend`]);
    expect(listing.stdout.split("\n")).toContain("harvest_be.py");
    expect(await shipService(host, "examples/harvest/backend", `${dir}/backend`)).toBe(false);
  });
});
