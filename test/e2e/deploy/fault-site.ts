/**
 * The fault suite's set-up, one for every runtime: the first deploy of the app (release "f0") and the FaultSite the
 * matrix drives (plain deploys, the CLI's arguments, rollback), (images by digest for the container runtimes).
 * Each runtime's test file says only what differs: its config, how rows are written and read, how a color is seen
 * running, and where a hanging health endpoint stops the deploy.
 */
import { expect } from "vitest";
import { terminalSink } from "../../../src/cli/deploy-events.js";
import type { Color, SlipwayConfig } from "../../../src/config/index.js";
import { type DeployOptions, deploy, rollback } from "../../../src/deploy/index.js";
import type { RemoteHost } from "../../../src/remote/types.js";
import { sandboxTarget } from "../support/sandbox.js";
import type { FaultSite } from "./fault-support.js";
import type { Answer } from "./support.js";

/** What a runtime's fault test declares; the rest of its FaultSite is built by deployFaultSite. */
export interface FaultSiteSpec {
  app: string;
  domain: string;
  /** Sandbox target name ("t1"). */
  target: string;
  /** The example app's directory (the release shipped or built). */
  releaseDir: string;
  /** The config file written for the test, and the config loaded from it. */
  file: string;
  config: SlipwayConfig;
  /** Secrets in the deploy's environment; the CLI child gets them as environment variables. */
  secrets?: Record<string, string>;
  /** Container runtimes: the images built by the first deploy are named by digest in every later deploy. */
  pinImages?: boolean;
  healthPath: string;
  /** Writes one row through nginx at `address` (the test expects 201). */
  writeRow(address: string, name: string): Promise<Answer>;
  /** Names of every row the app lists through nginx at `address`. */
  rows(address: string): Promise<string[]>;
  /** Whether any process of the color runs on `host`. */
  running(host: RemoteHost, color: Color): Promise<boolean>;
  stopFirst?: boolean;
  hangFailsAt?: FaultSite["hangFailsAt"];
  healthTimeoutSeconds: number;
}

/** A deployed site: what the matrix drives, and the options of a plain deploy for the file's own tests. */
export interface DeployedFaultSite {
  site: FaultSite;
  /** service -> image reference with digest, from the first deploy (empty for runtime systemd). */
  images: Record<string, string>;
  /** The options every deploy of this site starts from (drain 0, secrets, the images when pinned). */
  base(): DeployOptions;
}

/** `slipway deploy` arguments of a plain deploy of `release` of the spec's site (drain 0, images when pinned). */
function cliArgs(spec: FaultSiteSpec, images: Record<string, string>, release: string): string[] {
  const args = ["deploy", "-c", spec.file, "--yes", "--release-dir", spec.releaseDir, "--release-id", release];
  args.push("--drain", "0");
  if (spec.pinImages) {
    args.push(
      "--insecure-registry",
      ...Object.entries(images).flatMap(([service, ref]) => ["--image", `${service}=${ref}`]),
    );
  }
  return [...args, "--version-env", `APP_VERSION=${release}`];
}

/**
 * Deploys release "f0" of the spec's site on `host` (the test fails with the deploy's output when it does not
 * succeed) and returns the FaultSite over it.
 */
export async function deployFaultSite(host: RemoteHost, spec: FaultSiteSpec): Promise<DeployedFaultSite> {
  const address = sandboxTarget(spec.target).host;
  let images: Record<string, string> = {};
  const base = (): DeployOptions => ({
    config: spec.config,
    actor: "e2e",
    releaseDir: spec.releaseDir,
    drainSeconds: 0,
    ...(spec.secrets ? { secrets: spec.secrets } : {}),
    ...(spec.pinImages ? { insecureRegistry: true } : {}),
    // Empty until the first deploy has built them: that deploy builds and pushes, every later one names them.
    ...(Object.keys(images).length > 0 ? { images } : {}),
  });
  const lines: string[] = [];
  const first = await deploy({
    ...base(),
    releaseId: "f0",
    versionEnv: { APP_VERSION: "f0" },
    onEvent: terminalSink((l) => lines.push(l)),
  });
  expect(first.ok, lines.join("\n")).toBe(true);
  if (spec.pinImages) images = first.images;
  const site: FaultSite = {
    app: spec.app,
    domain: spec.domain,
    address,
    host,
    healthPath: spec.healthPath,
    writeRow: (name) => spec.writeRow(address, name),
    rows: () => spec.rows(address),
    cliArgs: (release) => cliArgs(spec, images, release),
    ...(spec.secrets ? { cliEnv: spec.secrets } : {}),
    deploy: (release, versionEnv = {}, log) =>
      deploy({
        ...base(),
        releaseId: release,
        versionEnv: { APP_VERSION: release, ...versionEnv },
        ...(log ? { onEvent: terminalSink(log) } : {}),
      }),
    rollback: () =>
      rollback({
        config: spec.config,
        actor: "e2e",
        drainSeconds: 0,
        ...(spec.secrets ? { secrets: spec.secrets } : {}),
      }),
    running: (color) => spec.running(host, color),
    ...(spec.stopFirst ? { stopFirst: true } : {}),
    ...(spec.hangFailsAt ? { hangFailsAt: spec.hangFailsAt } : {}),
    healthTimeoutSeconds: spec.healthTimeoutSeconds,
  };
  return { site, images, base };
}
