/**
 * Slipway's side of the benchmark: a slipway.yml for the harvest frontend alone on N sandbox targets (Slipway's
 * defaults for health (but a 15 s timeout), drain and strategy; no TLS, no database, so both tools do the same steps), and the CLI as a
 * user runs it: `bin/slipway.js deploy --yes` with the prebuilt image, and `rollback --yes`.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { REPO_ROOT, type SandboxInventory, type SandboxTarget } from "../../test/e2e/support/sandbox.js";
import { APP_CONTEXT, APP_PORT, HEALTH_PATH, PUBLIC_PATH, type Release, SLIPWAY_APP, type ToolApp } from "./apps.js";
import { type CommandRun, timedCommand } from "./command.js";

/** The config of `app` (the Slipway side by default) on `targets`: every target runs nginx and the app. */
export function slipwayConfig(
  targets: readonly SandboxTarget[],
  sandbox: SandboxInventory,
  app: ToolApp = SLIPWAY_APP,
): SlipwayYaml {
  return {
    app: app.app,
    runtime: "container",
    image: { registry: sandbox.registry, repository: "bench-deploy/frontend" },
    services: {
      frontend: {
        // Never built by the bench (it passes --image), but a container service names how it would be.
        build: { context: join(REPO_ROOT, APP_CONTEXT) },
        port: APP_PORT,
        ports: app.ports,
        // Defaults but the timeout (60s): it only bounds the unhealthy release, which would otherwise hold the
        // shared targets a minute per deploy. 5 s more per extra target: 8 boots at once on 2 cores took 7.7 s each
        // under the closed load, and at 15 s the 8-target good release failed its gate (exit 2, 0 failed answers).
        // Ansible gets the same (bench/deploy/ansible.ts EqualSettings).
        health: { path: HEALTH_PATH, timeout: `${15 + 5 * (targets.length - 1)}s` },
      },
    },
    inventory: {
      ssh: {
        user: targets[0]?.user ?? "deploy",
        known_hosts_file: sandbox.knownHostsPath,
        identity_file: sandbox.privateKeyPath,
      },
      hosts: Object.fromEntries(targets.map((t) => [t.name, { address: t.host }])),
    },
    // `/` is verified through nginx after the switch: the broken release's 500 there switches back.
    proxy: { mode: "nginx", domains: [app.domain], routes: [{ path: PUBLIC_PATH, service: "frontend" }] },
    tls: { enabled: false },
  };
}

/** The parts of the bench's slipway.yml the runtime comparison rewrites (bench/deploy/runtimes.ts). */
export interface SlipwayYaml {
  app: string;
  runtime: string;
  services: { frontend: Record<string, unknown> };
  proxy: Record<string, unknown>;
  swarm?: Record<string, unknown>;
  [key: string]: unknown;
}

/** Writes `config` (default: slipwayConfig of the targets) into a temp dir; returns its path. */
export function writeSlipwayConfig(
  targets: readonly SandboxTarget[],
  sandbox: SandboxInventory,
  config: SlipwayYaml = slipwayConfig(targets, sandbox),
): string {
  const path = join(mkdtempSync(join(tmpdir(), "slipway-bench-deploy-")), "slipway.yml");
  writeFileSync(path, stringify(config));
  return path;
}

/**
 * The CLI the bench runs, as argv: by default the current source bundled the way scripts/bundle.mjs bundles dist/cli
 * (what an installed package and the Action run) in a temp dir of links to src/, templates/, playbooks/, package.json
 * (its license notices read it) and node_modules;
 * `source` runs bin/slipway.js from this checkout, which compiles the TypeScript with tsx at every start.
 */
export async function slipwayCli(kind: "bundle" | "source"): Promise<string[]> {
  if (kind === "source") return [process.execPath, join(REPO_ROOT, "bin/slipway.js")];
  // scripts/bundle.mjs reads src/ and writes dist/ under its working directory: run it in the temp dir.
  const dir = mkdtempSync(join(tmpdir(), "slipway-bench-cli-"));
  for (const shared of ["src", "templates", "playbooks", "package.json", "node_modules"])
    symlinkSync(join(REPO_ROOT, shared), join(dir, shared));
  execFileSync(process.execPath, [join(REPO_ROOT, "scripts/bundle.mjs")], { cwd: dir, stdio: "inherit" });
  const launcher = join(dir, "slipway.mjs");
  writeFileSync(launcher, 'import { main } from "./dist/cli/index.js";\nawait main(process.argv);\n');
  return [process.execPath, launcher];
}

let cliArgv: string[] = [];
/** Sets the CLI argv (from slipwayCli) the deploy and rollback commands run. */
export function useCli(argv: string[]): void {
  cliArgv = argv;
}
const cli = () => cliArgv;

/** `slipway deploy -c CONFIG --yes --image backend=IMAGE --version-env APP_VERSION=.. [--version-env BROKEN=..]`. */
export function slipwayDeploy(configPath: string, image: string, release: Release): Promise<CommandRun> {
  const env = [`APP_VERSION=${release.version}`, ...(release.broken ? [`BROKEN=${release.broken}`] : [])];
  return timedCommand([
    ...cli(),
    "deploy",
    "-c",
    configPath,
    "--yes",
    "--image",
    `frontend=${image}`,
    ...env.flatMap((pair) => ["--version-env", pair]),
  ]);
}

/** `slipway rollback -c CONFIG --yes`: back to the release before the live one. */
export function slipwayRollback(configPath: string): Promise<CommandRun> {
  return timedCommand([...cli(), "rollback", "-c", configPath, "--yes"]);
}
