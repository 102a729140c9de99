/**
 * `slipway render` shows exactly the files the deploy installs: for each runtime the color is staged on the fake host
 * (and, in internal mode, switched to), and every file written there (path, content, mode) is the list render returns
 * for that color, nginx's files aside (the switch installs those, tested apart), byte for byte. Runtime swarm's stage
 * is its own test's (deploy/swarm-staged.test.ts, a golden recorded before render showed stack files).
 */
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig, type SlipwayConfig } from "../../../../src/config/index.js";
import { composeRuntime } from "../../../../src/deploy/compose-runtime.js";
import { containerRuntime } from "../../../../src/deploy/container-runtime.js";
import { switchPublicPorts } from "../../../../src/deploy/public-port.js";
import type { ColorRuntime } from "../../../../src/deploy/runtime.js";
import { systemdRuntime } from "../../../../src/deploy/systemd-runtime.js";
import { renderFromConfig } from "../../../../src/render/from-config/index.js";
import { SWARM_IMAGES, SWARM_SECRETS, stagedSwarmFiles, swarmShop } from "../../deploy/swarm/swarm-shop.js";
import { FakeHost } from "../../engine/fake-host.js";
import { configWith } from "./config.js";

const example = (name: string) => loadConfig(resolve(import.meta.dirname, `../../../../examples/${name}/slipway.yml`));
const digest = (c: string) => `sha256:${c.repeat(64)}`;
const SECRETS = { SECRET_KEY: 'pa$word `x` "q" #1', DB_PASSWORD: "s3cr3t'" };

/** A host where the release is shipped, images are present and nothing of the color runs. */
function readyHost(config: SlipwayConfig): FakeHost {
  const host = new FakeHost("t1");
  host.files.set(`${config.deploy_dir}/releases/r1`, { kind: "directory", mode: "0755", owner: "root", group: "root" });
  host.files.set(`${config.deploy_dir}/releases/r1/_static`, {
    kind: "directory",
    mode: "0755",
    owner: "root",
    group: "root",
  });
  host.handlers.set("docker", (argv) => (argv.includes("image") ? { stdout: `${digest("b")}\n` } : { code: 1 }));
  return host;
}

/** What the stage (and the switch in internal mode) wrote: path -> content and mode; kept previous copies aside. */
async function installed(config: SlipwayConfig, runtime: (c: SlipwayConfig, h: FakeHost) => ColorRuntime) {
  const host = readyHost(config);
  const images = Object.fromEntries(Object.keys(config.services).map((s) => [s, `registry/${s}@${digest("a")}`]));
  const color = "green" as const;
  const r = runtime(config, host);
  await r.prepare?.();
  await r.stage(color, { releaseId: "r1", env: {}, images, secrets: SECRETS, check: false });
  await switchPublicPorts(host, config, color);
  const written = new Map<string, string>();
  for (const c of host.commands) {
    const path = c.argv[1] as string;
    if (c.argv[0] !== "<putFile>" || path.endsWith(".slipway-prev") || path.includes("/releases/")) continue;
    const node = host.files.get(path);
    written.set(path, `${node?.mode} ${node?.content}`);
  }
  const rendered = renderFromConfig(config, {
    color,
    colors: [color],
    tlsReady: false,
    images,
    secrets: SECRETS,
    hostName: "t1",
  })
    .filter((f) => !f.kind.startsWith("nginx-") && !f.path.includes("/compose/accessories/"))
    .map((f) => [f.path, `${f.mode.toString(8).padStart(4, "0")} ${f.content}`] as const);
  return { written, rendered: new Map(rendered), host };
}

const withSecret = (config: SlipwayConfig, service: string): SlipwayConfig => {
  const s = config.services[service];
  if (s) s.secrets = ["SECRET_KEY"];
  return config;
};

describe("render lists exactly what the deploy installs, per runtime", () => {
  it("systemd: env files (SLIPWAY_COLOR, quoting) and each instance's drop-in, the template units", async () => {
    const config = withSecret(await example("harvest"), "backend");
    const { written, rendered } = await installed(config, systemdRuntime);
    expect([...written.keys()].sort()).toEqual([...rendered.keys()].sort());
    expect(written).toEqual(rendered);
    expect([...rendered.keys()]).toContain("/etc/systemd/system/harvest-backend@green.service.d/slipway-release.conf");
    expect(rendered.get("/opt/harvest/env/backend-green.env")).toBe(
      [
        "0600 # Managed by Slipway.",
        'PORT="15001"',
        'DATABASE_PATH="/var/lib/harvest/harvest.db"',
        'DEPLOYMENT_MODE="nginx"',
        'SLIPWAY_COLOR="green"',
        'SECRET_KEY="pa\\$word \\`x\\` \\"q\\" #1"',
        "",
      ].join("\n"),
    );
    expect([...rendered.keys()]).toContain("/etc/systemd/system/harvest-frontend@.service");
  });

  it("systemd, load-balanced instances: one env file and drop-in per instance", async () => {
    const config = configWith({ proxy: { ...configWith({}).proxy, load_balance: { api: { instances: 3 } } } });
    const { written, rendered } = await installed(config, systemdRuntime);
    expect(written).toEqual(rendered);
    expect([...rendered.keys()].filter((p) => p.includes("api@green"))).toEqual([
      "/etc/systemd/system/shop-api@green.service.d/slipway-release.conf",
      "/etc/systemd/system/shop-api@green-2.service.d/slipway-release.conf",
      "/etc/systemd/system/shop-api@green-3.service.d/slipway-release.conf",
    ]);
  });

  it("systemd, proxy.mode internal: the public port's socket and forwarder pointed at the color", async () => {
    const config = configWith({
      services: {
        backend: { build: { context: "b" }, port: 5001, systemd: { app_module: "b:app" } },
        frontend: {
          build: { context: "f" },
          port: 8050,
          ports: { blue: 8060, green: 18060 },
          public_port: 8050,
          systemd: { app_module: "f:server" },
        },
      },
      proxy: { mode: "internal" },
    });
    const { written, rendered } = await installed(config, systemdRuntime);
    expect(written).toEqual(rendered);
    expect(rendered.get("/etc/systemd/system/shop-frontend-public.service")).toContain("127.0.0.1:18060");
  });

  it("container: each service's env file in docker's --env-file form", async () => {
    const { written, rendered } = await installed(await example("flask-docker"), containerRuntime);
    expect(written).toEqual(rendered);
    expect([...rendered.keys()]).toEqual(["/opt/flask-docker/env/backend-green.env"]);
  });

  it("compose: the secrets' env files (compose's dotenv form for the host's flavour) and the color's file", async () => {
    const config = withSecret(await example("duckdb-compose"), "backend");
    const { written, rendered } = await installed(config, composeRuntime);
    expect([...written.keys()].sort()).toEqual([...rendered.keys()].sort());
    expect(written).toEqual(rendered);
    expect([...rendered.keys()]).toEqual([
      "/opt/duckdb-compose/env/backend-green.env",
      "/opt/duckdb-compose/compose/green/compose.yml",
    ]);
  });

  it("swarm: the color's stack file and the accessories' one, secrets by their versioned names, no env file", async () => {
    const config = swarmShop();
    const written = await stagedSwarmFiles(config, "green");
    const rendered = renderFromConfig(config, {
      color: "green",
      colors: ["green"],
      tlsReady: false,
      images: SWARM_IMAGES,
      secrets: SWARM_SECRETS,
    })
      .filter((f) => !f.kind.startsWith("nginx-"))
      .map((f) => [f.path, `${f.mode.toString(8).padStart(4, "0")} ${f.content}`] as const);
    expect(written).toEqual(new Map(rendered));
    expect(rendered.map(([path]) => path)).toEqual(["/opt/shop/swarm/green.yml", "/opt/shop/swarm/accessories.yml"]);
    expect(written.get("/opt/shop/swarm/green.yml")).toContain("      - source: shop_web_KEY_2938b0857563\n");
  });
});
