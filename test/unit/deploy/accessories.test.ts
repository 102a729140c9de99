/**
 * Compose accessories (a database server outside the colors) on the in-memory host: a plan made before the build
 * (the CLI's `slipway plan`) names the accessory's build instead of failing; a changed image or env recreates that
 * accessory alone and the plan announces it as a restart of a stateful service; unchanged leaves it alone.
 */
import { describe, expect, it } from "vitest";
import { composeRecreateArgv, composeUpKeepArgv as composeStartMissingArgv } from "../../../src/commands/compose.js";
import { containerImageArgv, imageContentArgv } from "../../../src/commands/docker-image.js";
import type { SlipwayConfig } from "../../../src/config/index.js";
import { changedAccessories, ensureAccessories } from "../../../src/deploy/compose/accessories.js";
import { loadConfigText } from "../../support/config-text.js";
import { FakeHost } from "../engine/fake-host.js";

const FILE = "/opt/shop/compose/accessories/compose.yml";
const ENV = "/opt/shop/env/db.env";
const DB_IMAGE = `10.0.0.9:5000/shop/db@sha256:${"a".repeat(64)}`;
const NEW_IMAGE = `10.0.0.9:5000/shop/db@sha256:${"b".repeat(64)}`;
const REBUILT = `10.0.0.9:5000/shop/db@sha256:${"c".repeat(64)}`;
const BASE = ["docker-compose", "-p", "shop-accessories", "-f", FILE];

async function config(db: string): Promise<SlipwayConfig> {
  return loadConfigText(
    `app: shop
runtime: compose
deploy_dir: /opt/shop
image: { registry: "10.0.0.9:5000", repository: shop/app }
services:
  web:
    build: { context: web }
    port: 8000
    depends_on: [db]
  db:
    port: 5432
    accessory: true
    volumes: ["shop-pgdata:/var/lib/postgresql/data"]
    secrets: [POSTGRES_PASSWORD]
${db}
inventory:
  ssh: { user: deploy }
  hosts:
    h1: { address: 10.0.0.1 }
proxy:
  domains: [shop.example]
  routes: [{ path: /, service: web }]
`,
  );
}

/** What each image runs (layers and run config): a rebuild of the same code (REBUILT) runs the same. */
const CONTENT: Record<string, string> = { "sha256:old": "L1", [DB_IMAGE]: "L1", [REBUILT]: "L1", [NEW_IMAGE]: "L2" };

/** compose v1 on the host; `running` accessory containers (running sha256:old); every image already there. */
function composeHost(running: number): FakeHost {
  const host = new FakeHost("h1");
  host.handlers.set("docker", (argv) => {
    if (argv[1] === "ps") return { stdout: Array.from({ length: running }, (_, i) => `c${i}\n`).join("") };
    if (argv[1] === "inspect" && argv[3] === "{{.Image}}") return { stdout: "sha256:old\n" };
    if (argv[1] === "inspect") return { stdout: "db running healthy\n" };
    if (argv[1] === "image" && argv[4]?.includes("RootFS")) return { stdout: `${CONTENT[argv.at(-1) as string]}\n` };
    if (argv[1] === "image") return { stdout: "sha256:1111\n" };
    return undefined;
  });
  return host;
}

const composeCalls = (host: FakeHost) => host.commands.filter((c) => c.argv[0] === "docker-compose").map((c) => c.argv);
const up = (host: FakeHost) => composeCalls(host).filter((argv) => argv.includes("up"));
const secrets = { POSTGRES_PASSWORD: "pa$word" };

/** Deploys once (the files as a first deploy leaves them) and forgets the commands. */
async function deployedOnce(host: FakeHost, cfg: SlipwayConfig, images: Record<string, string>) {
  await ensureAccessories(host, cfg, "v1", { images, secrets, check: false }, 1000);
  host.commands.length = 0;
}

describe("compose accessories", () => {
  it("builders: start what is missing without replacing; recreate named services only, nothing they depend on", () => {
    expect(composeStartMissingArgv(BASE)).toEqual([...BASE, "up", "--detach", "--no-recreate"]);
    expect(composeRecreateArgv(BASE, ["db", "cache"])).toEqual([
      ...BASE,
      "up",
      "--detach",
      "--no-deps",
      "--force-recreate",
      "--",
      "db",
      "cache",
    ]);
  });

  it("builders: the image a container runs; an image's content without its labels", () => {
    expect(containerImageArgv("c0")).toEqual(["docker", "inspect", "--format", "{{.Image}}", "--", "c0"]);
    expect(imageContentArgv("r@sha256:1")).toEqual([
      "docker",
      "image",
      "inspect",
      "--format",
      "{{json .RootFS.Layers}} {{json .Config.Entrypoint}} {{json .Config.Cmd}} {{json .Config.Env}} {{json .Config.User}} {{json .Config.WorkingDir}} {{json .Config.ExposedPorts}} {{json .Config.Volumes}} {{json .Config.Healthcheck}} {{json .Config.StopSignal}}",
      "--",
      "r@sha256:1",
    ]);
  });

  it("changedAccessories compares each accessory's own section (the image by content, elsewhere) and its env file", () => {
    const before = "services:\n  db:\n    image: a\n  cache:\n    image: c\n";
    const after = "services:\n  db:\n    image: b\n    environment: { X: '1' }\n  cache:\n    image: d\n";
    expect(changedAccessories(before, after, ["db", "cache"], new Set())).toEqual(["db"]);
    expect(changedAccessories(before, before, ["db", "cache"], new Set(["cache"]))).toEqual(["cache"]);
    // A file written for the first time restarts nothing.
    expect(changedAccessories(undefined, after, ["db", "cache"], new Set())).toEqual([]);
  });

  it("a plan before the build (the CLI's) names the accessory's build instead of failing", async () => {
    const host = composeHost(0);
    const cfg = await config("    build: { context: db }");
    const plan = await ensureAccessories(host, cfg, "v1", { images: {}, secrets, check: true });
    expect(plan.actions).toEqual([
      "build and push the db image, pull it by digest (a new image restarts the accessory)",
      `write ${ENV}`,
    ]);
    expect(host.ran.filter((c) => c.startsWith("<putFile>") || c.startsWith("docker-compose"))).toEqual([]);
  });

  it("unchanged image and env: the running accessory is left alone (no up at all)", async () => {
    const host = composeHost(1);
    const cfg = await config("    build: { context: db }");
    await deployedOnce(host, cfg, { db: DB_IMAGE });
    const again = await ensureAccessories(host, cfg, "v1", { images: { db: DB_IMAGE }, secrets, check: false }, 1000);
    expect(again.actions).toEqual([]);
    expect(up(host)).toEqual([]);
  });

  it("a rebuild of the same code (new digest, same layers and run config) leaves it alone", async () => {
    const host = composeHost(1);
    const cfg = await config("    build: { context: db }");
    await deployedOnce(host, cfg, { db: DB_IMAGE });
    const again = await ensureAccessories(host, cfg, "v1", { images: { db: REBUILT }, secrets, check: false }, 1000);
    expect(again.actions).toEqual([`wrote ${FILE} (project shop-accessories)`]);
    expect(up(host)).toEqual([]);
  });

  it("a new image: the plan announces a restart of the stateful accessory; the run recreates it alone", async () => {
    const host = composeHost(1);
    const cfg = await config("    build: { context: db }");
    await deployedOnce(host, cfg, { db: DB_IMAGE });
    const plan = await ensureAccessories(host, cfg, "v1", { images: { db: NEW_IMAGE }, secrets, check: true });
    expect(plan.actions).toEqual([
      `would write ${FILE} (project shop-accessories)`,
      "would restart the stateful accessory db: recreated with the changed image/env (volumes kept)",
    ]);
    await ensureAccessories(host, cfg, "v1", { images: { db: NEW_IMAGE }, secrets, check: false }, 1000);
    expect(up(host)).toEqual([composeRecreateArgv(BASE, ["db"])]);
  });

  it("a changed env value or secret recreates it; the CLI's plan (no build yet) says so from the image it runs", async () => {
    const host = composeHost(1);
    await deployedOnce(host, await config("    build: { context: db }"), { db: DB_IMAGE });
    const tuned = await config("    build: { context: db }\n    env: { POSTGRES_INITDB_ARGS: --data-checksums }");
    const plan = await ensureAccessories(host, tuned, "v1", { images: {}, secrets, check: true });
    expect(plan.actions).toContain(
      "would restart the stateful accessory db: recreated with the changed image/env (volumes kept)",
    );
    const rotated = { POSTGRES_PASSWORD: "rotated" };
    const run = await ensureAccessories(host, await config("    build: { context: db }"), "v1", {
      images: { db: DB_IMAGE },
      secrets: rotated,
      check: false,
    });
    expect(run.actions).toEqual([
      `wrote ${ENV}`,
      "restarted the stateful accessory db: recreated with the changed image/env (volumes kept)",
    ]);
    expect(up(host)).toEqual([composeRecreateArgv(BASE, ["db"])]);
  });

  it("a first deploy starts the accessories without recreating anything", async () => {
    const host = composeHost(0);
    const cfg = await config("    build: { context: db }");
    await ensureAccessories(host, cfg, "v1", { images: { db: DB_IMAGE }, secrets, check: false }, 0).catch(
      () => undefined,
    );
    expect(up(host)).toEqual([composeStartMissingArgv(BASE)]);
  });
});
