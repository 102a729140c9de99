/**
 * What the deploy really asks the docker gate for, passed through the gate's own checks (D64): the compose files the
 * deploy renders for a color and for the accessories (runtime compose with an accessory, config files and secrets),
 * and the `docker run` of the container runtime, each with the argv its builders make. A rule of the gate that
 * drifts from what the renderers write fails here instead of on a helper-mode host. The compose document stands in
 * for `compose config`'s output (the rendered object: the gate reads the same keys from both).
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { backupRecipe, restoreRecipe } from "../../../src/backup/adapters/index.js";
import { postgresScratchVerify } from "../../../src/backup/adapters/postgres.js";
import type { PostgresSpec } from "../../../src/backup/types.js";
import {
  composeBase,
  composeConfigCheck,
  composeContainerArgv,
  composeUpArgv,
  composeUpKeepArgv,
} from "../../../src/commands/compose.js";
import { streamParts } from "../../../src/commands/stream.js";
import type { SlipwayConfig } from "../../../src/config/index.js";
import { databaseSpec } from "../../../src/deploy/backup-step.js";
import { dockerRunArgv } from "../../../src/deploy/container/run-spec.js";
import { HELPER_PATH, type PrivilegeContext, planCommand } from "../../../src/remote/privilege.js";
import { dockerGateArgs } from "../../../src/remote/privilege-docker.js";
import { buildComposeObject, composeProjectName } from "../../../src/render/compose.js";
import { configFileHostPath } from "../../../src/render/config-file.js";
import {
  accessoriesComposeFilePath,
  accessoriesComposeFromConfig,
  composeFromConfig,
} from "../../../src/render/from-config/index.js";
import { composeFilePath } from "../../../src/render/from-config/runtime-files.js";
import { loadConfigText } from "../../support/config-text.js";
import { type GateResult, runGate } from "./gate-run.js";

const WORK = mkdtempSync(join(tmpdir(), "slipway-gate-drift-"));
const DEPLOY = `${WORK}/opt/shop`;
const IMG = (name: string) => `10.213.0.1:5000/shop-${name}@sha256:${"a".repeat(64)}`;
const IMAGES = { web: IMG("web"), db: IMG("db") };

/** runtime compose with a database accessory, or runtime container (no accessories there). */
function yamlConfig(runtime: "compose" | "container"): string {
  const db = `    depends_on: [db]
  db:
    build: { context: db }
    port: 5432
    accessory: true
    volumes: ["shop-pgdata:/var/lib/postgresql/data"]
    secrets: [POSTGRES_PASSWORD]
`;
  return `app: shop
runtime: ${runtime}
deploy_dir: ${DEPLOY}
image: { registry: "10.213.0.1:5000", repository: shop }
services:
  web:
    build: { context: web }
    port: 8000
    secrets: [DB_PASSWORD]
    files: [{ path: /app/etc/config.json, template: config.json.tpl }]
    volumes: ["shop-data:/data"]
${runtime === "compose" ? db : ""}inventory:
  ssh: { user: deploy, privilege: helper }
  hosts:
    t7: { address: 10.213.0.17 }
proxy:
  domains: [shop.example]
  routes: [{ path: /, service: web }]
`;
}

/** The builder's argv as privilege-docker.ts hands it to the gate (without `docker APP`). */
const viaGate = (argv: readonly string[]) => (dockerGateArgs([...argv], "shop") ?? []).slice(2);
/** A plain JSON copy of a rendered compose object: what the gate parses out of `compose config`. */
const asDoc = (object: unknown) => JSON.parse(JSON.stringify(object)) as unknown;
/** The files the deploy writes before the gate reads them (env files, config files): regular files of this user. */
function touch(path: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, "X=1\n", { mode: 0o600 });
}
/** Every env_file and read-only bind source a document names. */
function filesOf(doc: { services: Record<string, { env_file?: string[]; volumes?: string[] }> }): string[] {
  return Object.values(doc.services).flatMap((s) => [
    ...(s.env_file ?? []),
    ...(s.volumes ?? []).filter((v) => v.startsWith("/")).map((v) => v.split(":")[0] as string),
  ]);
}
const ran = (result: GateResult | undefined) => (result && "exec" in result ? "ran" : result);

describe("the docker gate accepts what the deploy sends it (runtime compose with an accessory)", () => {
  let config: SlipwayConfig;
  let color: ReturnType<typeof asDoc>;
  let accessories: ReturnType<typeof asDoc>;
  beforeAll(async () => {
    config = await loadConfigText(yamlConfig("compose"));
    color = asDoc(buildComposeObject(composeFromConfig(config, { color: "blue", images: IMAGES })));
    const model = accessoriesComposeFromConfig(config, IMAGES);
    accessories = asDoc(model ? buildComposeObject(model) : {});
    for (const doc of [color, accessories]) for (const f of filesOf(doc as never)) touch(f);
  });

  it("the color's file joins the app's own accessories network, and the gate runs its check and its up", () => {
    const base = composeBase("v2", composeProjectName("shop", "blue"), composeFilePath(config, "blue"));
    expect((color as { networks: unknown }).networks).toEqual({
      accessories: { name: "shop-accessories", external: true },
    });
    const check = composeConfigCheck("v2", "shop-blue", composeFilePath(config, "blue")).argv;
    const results = runGate(
      [viaGate(check), viaGate(composeUpArgv(base))].map((argv) => ({ argv, doc: color })),
      WORK,
    );
    expect(results).toEqual([{ exit: 0, stderr: "" }, expect.objectContaining({ exec: expect.any(Array) })]);
  });

  it("the accessories' project (it names the shared network) is started by the gate", () => {
    const base = composeBase("v2", "shop-accessories", accessoriesComposeFilePath(config));
    expect((accessories as { networks: unknown }).networks).toEqual({ default: { name: "shop-accessories" } });
    expect(runGate([{ argv: viaGate(composeUpKeepArgv(base)), doc: accessories }], WORK).map(ran)).toEqual(["ran"]);
  });

  it("refuses another app's network, any other external network, and a color naming the shared one", () => {
    const base = composeBase("v2", "shop-blue", composeFilePath(config, "blue"));
    const up = viaGate(composeUpArgv(base));
    const withNetworks = (networks: unknown) => ({ ...(color as object), networks });
    const results = runGate(
      [
        withNetworks({ accessories: { name: "other-accessories", external: true } }),
        withNetworks({ accessories: { external: { name: "other-accessories" } } }),
        withNetworks({ host: { name: "host", external: true } }),
        withNetworks({ accessories: { external: true } }),
        withNetworks({ accessories: { name: "shop-accessories" } }),
        withNetworks({ accessories: { name: "other-blue_default" } }),
        withNetworks({ accessories: { name: "shop-accessories", external: true, driver: "overlay" } }),
      ].map((doc) => ({ argv: up, doc })),
      WORK,
    );
    const refused = (why: string) => ({ exit: 64, stderr: `slipway-docker: refused: network ${why}` });
    expect(results).toEqual([
      refused("accessories: external network 'other-accessories' (only shop-accessories, the app's accessories)"),
      refused("accessories: external network 'other-accessories' (only shop-accessories, the app's accessories)"),
      refused("host: external network 'host' (only shop-accessories, the app's accessories)"),
      refused("accessories: external network 'accessories' (only shop-accessories, the app's accessories)"),
      refused("accessories: named 'shop-accessories' (only the project's own, or shop-accessories in that project)"),
      refused("accessories: named 'other-blue_default' (only the project's own, or shop-accessories in that project)"),
      refused("accessories: only plain bridge networks"),
    ]);
  });

  it("compose v1's form of the shared network (external: {name}) is accepted too", () => {
    const base = composeBase("v1", "shop-blue", composeFilePath(config, "blue"));
    const doc = { ...(color as object), networks: { accessories: { external: { name: "shop-accessories" } } } };
    expect(runGate([{ argv: viaGate(composeUpArgv(base)), doc }], WORK).map(ran)).toEqual(["ran"]);
  });
});

describe("the docker gate accepts what the deploy sends it (runtime container)", () => {
  it("runs the `docker run` of a service with its env file, config file and volume", async () => {
    const config = await loadConfigText(yamlConfig("container"));
    const service = config.services.web as NonNullable<SlipwayConfig["services"][string]>;
    const envFile = `${DEPLOY}/env/web-blue.env`;
    const configFile = configFileHostPath(DEPLOY, "web", "blue", 0, "/app/etc/config.json");
    for (const f of [envFile, configFile]) touch(f);
    const { argv } = dockerRunArgv({
      app: "shop",
      service: "web",
      config: service,
      color: "blue",
      releaseId: "r1",
      image: IMAGES.web,
      envFile,
      files: [{ source: configFile, target: "/app/etc/config.json" }],
    });
    expect(runGate([{ argv: viaGate(argv) }], WORK).map(ran)).toEqual(["ran"]);
  });
});

describe("the docker gate accepts what a backup and a restore send it (a Postgres accessory, D74)", () => {
  const DATABASE = `database:
  engine: postgres
  compose_service: db
  name: shop
  user: postgres
  password_secret: POSTGRES_PASSWORD
`;
  const helperMode: PrivilegeContext = { mode: "helper", app: "shop", deployDir: DEPLOY };
  /** The gate's argv (after `docker shop`) of each command a planned argv runs through the helper. */
  function gateCalls(planned: readonly string[]): string[][] {
    const commands = streamParts(planned)?.commands ?? [planned];
    return commands
      .map((c) => {
        const at = c.indexOf(HELPER_PATH);
        expect(
          c[0] === "docker" || (c.includes("docker") && at === -1),
          `a docker call outside the gate: ${c.join(" ")}`,
        ).toBe(false);
        return at === -1 || c[at + 1] !== "docker" ? [] : c.slice(at + 3);
      })
      .filter((c) => c.length > 0);
  }

  it("finds the container by the accessories' project, then dumps, verifies, restores through the gate", async () => {
    const config = await loadConfigText(yamlConfig("compose") + DATABASE);
    const spec = databaseSpec(config, { POSTGRES_PASSWORD: "pw" }) as PostgresSpec;
    expect(spec.location).toEqual({ kind: "service", compose: { project: "shop-accessories", service: "db" } });
    const resolved = { kind: "server" as const, where: { kind: "container" as const, container: "fedcba987654" } };
    const backup = backupRecipe(spec, resolved, `${DEPLOY}/backups/r.dump.part`, "k");
    const restore = restoreRecipe(spec, resolved, `${DEPLOY}/backups/r.dump`, "k");
    const scratch = postgresScratchVerify(spec, resolved.where, `${DEPLOY}/backups/r.dump.part`, "k");
    const steps = [
      composeContainerArgv("shop-accessories", "db"),
      backup.versionArgv,
      backup.secret?.writeArgv ?? [],
      backup.size?.argv ?? [],
      ...[...backup.dump, ...backup.verify, ...restore.restore, ...restore.verify].map((s) => s.argv),
      ...[scratch.create, scratch.restore, scratch.countSource, scratch.drop].map((s) => s.argv),
      backup.secret?.removeArgv ?? [],
    ];
    const calls = steps.flatMap((argv) => gateCalls(planCommand(argv, false, helperMode).argv));
    expect(calls.length).toBe(steps.length);
    expect(calls[0]).toEqual([
      "ps",
      "-q",
      "--filter",
      "label=com.docker.compose.project=shop-accessories",
      "--filter",
      "label=com.docker.compose.service=db",
    ]);
    expect(calls[4]?.slice(0, 6)).toEqual([
      "exec",
      "-i",
      "-e",
      "PGPASSFILE=/tmp/slipway-pgpass-k",
      "fedcba987654",
      "pg_dump",
    ]);
    expect(
      runGate(
        calls.map((argv) => ({ argv })),
        WORK,
      ).map(ran),
    ).toEqual(calls.map(() => "ran"));
  });

  it("without the project filter (what `backup create` sent before, D74) the gate refuses", () => {
    const argv = viaGate(composeContainerArgv(undefined, "db"));
    expect(runGate([{ argv }], WORK)).toEqual([
      { exit: 64, stderr: "slipway-docker: refused: docker ps lists one of shop's compose projects only" },
    ]);
  });
});
