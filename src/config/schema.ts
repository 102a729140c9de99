/**
 * THE schema of slipway.yml: the one source from which validation, the JSON Schema (schema/slipway.schema.json) and
 * the reference (docs/config.md) come. Keys are snake_case, as written in YAML, and stay snake_case in the parsed
 * config so that code, docs and files use the same names.
 */
import { z } from "zod";
import { crossCheck } from "./schema/cross-checks.js";
import { databaseSchema } from "./schema/database.js";
import { hooksSchema } from "./schema/hooks.js";
import { imageSchema } from "./schema/image.js";
import { inventorySchema } from "./schema/inventory.js";
import { absolutePath, duration, patternString, positiveInt, resourceName } from "./schema/primitives.js";
import { proxySchema } from "./schema/proxy.js";
import { serviceSchema } from "./schema/services.js";
import { swarmSchema } from "./schema/swarm.js";
import { SYSTEM_DIRS } from "./schema/system-dirs.js";
import { tlsSchema } from "./schema/tls.js";

export const RUNTIMES = ["container", "compose", "systemd", "swarm"] as const;
export const STRATEGIES = ["blue-green", "stop-first"] as const;
export const ENVIRONMENT_NAME_PATTERN = /^[a-z][a-z0-9_-]*$/;

/** Directories a deploy_dir must not be: Slipway creates, chmods and prunes inside it. */
const NOT_A_DEPLOY_DIR = new Set(["/", ...SYSTEM_DIRS, "/opt", "/srv", "/tmp", "/var"]);

const releasesSchema = z
  .strictObject({
    keep: positiveInt()
      .default(5)
      .describe(
        "Releases kept on each host (images, code, records): the newest that went live, rolled-back ones counted like deployed ones; live and previous are never pruned, a failed release goes once a later one is recorded.",
      ),
  })
  .describe("Release history retention.");

/** Everything except `environments`: what one environment's merged config must satisfy. */
const configFields = {
  $schema: z.string().optional().describe("JSON Schema URL for editors; ignored by Slipway."),
  app: resourceName("app").describe("App name: used in unit names, compose projects, nginx sites and `/opt/<app>`."),
  image: imageSchema.prefault({}),
  services: z
    .record(resourceName("service"), serviceSchema)
    .refine((services) => Object.keys(services).length > 0, { error: "expected at least one service" })
    .describe("The app's processes by name."),
  runtime: z
    .enum(RUNTIMES, { error: 'expected "container", "compose", "systemd" or "swarm"' })
    .default("container")
    .describe(
      "How services run: one `docker run` each, a compose project per color, systemd template units, or a Docker Swarm stack per color deployed through the manager (docs/swarm.md).",
    ),
  strategy: z
    .enum(STRATEGIES, { error: 'expected "blue-green" or "stop-first"' })
    .default("blue-green")
    .describe(
      "`blue-green`: start the idle color, switch, stop the old one. `stop-first`: stop, then start (downtime).",
    ),
  drain: duration()
    .default("5s")
    .describe(
      "Longest time the old color keeps running after the switch for its in-flight requests: it stops as soon as no connection to its ports is left (`ss` on the host), at the latest after this. `0s` stops it right after the switch is recorded, cutting the requests still in flight to it (502s and connection errors under load): allowed (a choice for speed), but `validate` and the plan (`slipway plan`, `deploy --check`, also for `--drain 0`) print a warning under blue-green.",
    ),
  stop_timeout: duration()
    .default("10s")
    .describe(
      "Time a stopping color gets to exit after SIGTERM before it is killed: `docker stop --time`, `compose stop --timeout`, systemd `TimeoutStopSec`, the swarm stack's `stop_grace_period`. `0s` kills at once under every runtime: systemd reads `TimeoutStopSec=0` as no timeout at all, so it is written `TimeoutStopSec=1ms`, the smallest span it takes.",
    ),
  inventory: inventorySchema,
  proxy: proxySchema.prefault({}),
  tls: tlsSchema.prefault({}),
  database: databaseSchema.optional(),
  releases: releasesSchema.prefault({}),
  deploy_dir: absolutePath()
    .refine((dir) => !NOT_A_DEPLOY_DIR.has(dir.replace(/(.)\/+$/, "$1")), {
      error:
        "expected a directory of the app's own like /opt/<app>, not a system directory (releases are pruned there)",
    })
    .optional()
    .describe("Directory on each host holding releases, env files and backups. Default: `/opt/<app>`."),
  hooks: hooksSchema.prefault({}),
  swarm: swarmSchema.prefault({}),
};

const overlaySchema = z
  .record(z.string(), z.unknown(), { error: "expected a mapping of keys to override" })
  .describe("Keys deep-merged over the base config (mappings merge, lists and values replace, `null` removes).");

/** The file as written: base config plus per-environment overlays. */
export const slipwayFileSchema = z
  .strictObject({
    ...configFields,
    environments: z
      .record(
        patternString(ENVIRONMENT_NAME_PATTERN, 'expected an environment name like "production" or "staging"'),
        overlaySchema,
      )
      .optional()
      .describe("Per-environment overlays (`production`, `staging`, ...) selected with `--env`."),
  })
  .superRefine(crossCheck)
  .describe("Slipway deploy configuration (slipway.yml).");

/** One environment's config after merging (no `environments` key left). */
export const slipwayConfigSchema = z.strictObject(configFields).superRefine(crossCheck);

type ParsedConfig = z.output<typeof slipwayConfigSchema>;

/** The config every command reads: the schema's output plus the values derived at load time. */
export type SlipwayConfig = Omit<ParsedConfig, "deploy_dir" | "$schema"> & {
  /** `deploy_dir` from the file, or `/opt/<app>`. */
  deploy_dir: string;
  /** The environment whose overlay was merged, or null. */
  environment: string | null;
  /**
   * The config file (absolute) and its directory: local paths in the config are relative to it. `absoluteContexts`:
   * the services whose `build.context` was written absolute (or `~/`): `--release-dir` does not move them.
   */
  source: { file: string; dir: string; absoluteContexts?: readonly string[] };
};
export type ServiceConfig = SlipwayConfig["services"][string];
export type HostConfig = SlipwayConfig["inventory"]["hosts"][string];
export type ProxyConfig = SlipwayConfig["proxy"];
export type RouteConfig = ProxyConfig["routes"][number];
export type TlsConfig = SlipwayConfig["tls"];
export type DatabaseConfig = NonNullable<SlipwayConfig["database"]>;
export type HookTask = SlipwayConfig["hooks"]["before_switch"][number];
export type Runtime = (typeof RUNTIMES)[number];
export type Strategy = (typeof STRATEGIES)[number];
