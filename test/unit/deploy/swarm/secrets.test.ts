/** Runtime swarm's secrets (src/deploy/swarm/secrets.ts): versioned by value, created from stdin, rotated, pruned. */
import { describe, expect, it } from "vitest";
import { ensureSwarmSecrets, pruneSwarmSecrets } from "../../../../src/deploy/swarm/secrets.js";
import { swarmObjectName } from "../../../../src/render/from-config/swarm.js";
import { FakeHost } from "../../engine/fake-host.js";
import { configWith } from "../../render/from-config/config.js";

const config = () =>
  configWith({
    runtime: "swarm",
    image: { registry: "10.213.0.1:5000" },
    services: { web: { image: "10.213.0.1:5000/shop-web", port: 8050, secrets: ["SECRET_KEY"] } },
    proxy: { routes: [{ path: "/", service: "web" }] },
  });

function manager(existing: string[]): FakeHost {
  const host = new FakeHost("t4");
  host.handlers.set("docker", (argv) => (argv[2] === "ls" ? { stdout: `${existing.join("\n")}\n` } : {}));
  return host;
}

describe("swarm secrets", () => {
  it("names each value by its hash: a new value is a new name", () => {
    expect(swarmObjectName("shop", "web", "SECRET_KEY", "one")).toMatch(/^shop_web_SECRET_KEY_[0-9a-f]{12}$/);
    expect(swarmObjectName("shop", "web", "SECRET_KEY", "one")).not.toBe(
      swarmObjectName("shop", "web", "SECRET_KEY", "two"),
    );
  });

  it("creates a missing version from stdin (never argv) and reuses an existing one", async () => {
    const name = swarmObjectName("shop", "web", "SECRET_KEY", "s3cret");
    const host = manager([]);
    const first = await ensureSwarmSecrets(host, config(), { SECRET_KEY: "s3cret" });
    expect(first).toEqual({ names: { web: { SECRET_KEY: name } }, created: [name] });
    const create = host.commands.find((c) => c.argv[2] === "create");
    expect(create?.argv).toEqual(["docker", "secret", "create", "--label", "slipway.app=shop", name, "-"]);
    expect(create?.stdin).toBe("s3cret");
    const again = manager([name]);
    expect((await ensureSwarmSecrets(again, config(), { SECRET_KEY: "s3cret" })).created).toEqual([]);
  });

  it("refuses a secret without a value, naming it", async () => {
    await expect(ensureSwarmSecrets(manager([]), config(), {})).rejects.toThrow(
      "secret SECRET_KEY of service web has no value",
    );
  });

  it("prunes the app's old versions only", async () => {
    const live = swarmObjectName("shop", "web", "SECRET_KEY", "new");
    const old = swarmObjectName("shop", "web", "SECRET_KEY", "old");
    const host = manager([live, old, "other_app_secret"]);
    await pruneSwarmSecrets(host, config(), { web: { SECRET_KEY: live } });
    expect(host.ran.filter((c) => c.includes(" rm "))).toEqual([`docker secret rm ${old}`]);
  });
});
