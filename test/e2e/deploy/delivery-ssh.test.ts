/**
 * `image.delivery: ssh` on a host that cannot reach the registry (sandbox target t2, its outgoing traffic to the
 * registry rejected by an iptables rule for the length of this file): the deploy builds on the runner, pushes nothing,
 * streams the image over SSH (`docker save | ssh | docker load`) and runs it by its commit tag. First deploy, an update
 * under load, a redeploy that streams nothing, a rollback; then the default registry pull on the same host fails with
 * the host, the step and a hint at `image.delivery: ssh`.
 */

import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { headManifest } from "../../../src/build/registry.js";
import { terminalSink } from "../../../src/cli/deploy-events.js";
import { loadConfig, type SlipwayConfig } from "../../../src/config/index.js";
import { type DeployOptions, deploy, rollback } from "../../../src/deploy/index.js";
import type { RemoteHost } from "../../../src/remote/types.js";
import { loadSandbox, REPO_ROOT, sandboxTarget } from "../support/sandbox.js";
import { cleanHost, connectTarget, requestLoop, viaNginx, writeOverlay } from "./support.js";

const APP = "sshdeliv";
const DOMAIN = "sshdeliv.e2e.test";
const VOLUME = `${APP}-instance`;
const RUN = randomBytes(4).toString("hex");
const commits = { v1: randomBytes(20).toString("hex"), v2: randomBytes(20).toString("hex") };
const address = () => sandboxTarget("t2").host;
const dockerLocal = promisify(execFile);
const [REGISTRY_HOST, REGISTRY_PORT] = loadSandbox().registry.split(":") as [string, string];
/** Rejects (fast, no timeout) the target's own connections to the registry; `-D` with the same words removes it. */
const BLOCK = ["OUTPUT", "-d", REGISTRY_HOST, "-p", "tcp", "--dport", REGISTRY_PORT, "-j", "REJECT"];

function writeConfig(delivery: "ssh" | undefined): string {
  const file = writeOverlay("flask-docker", {
    app: APP,
    domain: DOMAIN,
    target: "t2",
    ports: {},
    healthTimeout: "20s",
  });
  const config = parse(readFileSync(file, "utf8"));
  config.image.repository = `e2e-${APP}-${RUN}/flask`;
  if (delivery) config.image.delivery = delivery;
  config.services.backend.ports = { blue: 5451, green: 15451 };
  config.services.backend.volumes = [`${VOLUME}:/app/instance`];
  config.database = { engine: "sqlite", volume: VOLUME, path: "notes.db" };
  config.tls = { enabled: false };
  writeFileSync(file, stringify(config));
  return file;
}

describe("deploy with image.delivery: ssh to a host without registry access (t2)", () => {
  let host: RemoteHost;
  let config: SlipwayConfig;
  const lines: string[] = [];
  const repository = `${loadSandbox().registry}/e2e-${APP}-${RUN}/flask-backend`;
  const base = (): DeployOptions => ({
    config,
    actor: "e2e",
    drainSeconds: 1,
    secrets: { SECRET_KEY: "e2e-secret" },
    insecureRegistry: true,
    releaseDir: `${REPO_ROOT}/examples/flask-docker`,
    onEvent: terminalSink((line) => lines.push(line)),
  });
  const version = async () => JSON.parse((await viaNginx(address(), DOMAIN, "/api/health")).body).version;
  const hostImageId = async (reference: string) =>
    (await host.exec(["docker", "image", "inspect", "--format", "{{.Id}}", reference], { check: false })).stdout.trim();
  const localImageId = async (reference: string) =>
    (await dockerLocal("docker", ["image", "inspect", "--format", "{{.Id}}", reference])).stdout.trim();

  beforeAll(async () => {
    host = await connectTarget("t2");
    await cleanHost(host, APP);
    await host.exec(["iptables", "-I", ...BLOCK], { become: true });
    config = await loadConfig(writeConfig("ssh"));
  });

  afterAll(async () => {
    if (!host) return;
    await host.exec(["iptables", "-D", ...BLOCK], { become: true, check: false });
    await cleanHost(host, APP);
    await host.exec(["docker", "volume", "rm", "--force", VOLUME], { become: true, check: false });
    const tags = `${repository}:${commits.v1} ${repository}:${commits.v2}`.split(" ");
    await host.exec(["docker", "image", "rm", "--force", ...tags], { become: true, check: false });
    const local = (await dockerLocal("docker", ["images", "--format", "{{.Repository}}:{{.Tag}}", repository])).stdout;
    const all = local.split("\n").filter((t) => t && !t.endsWith(":<none>"));
    if (all.length > 0) await dockerLocal("docker", ["image", "rm", "--force", ...all]).catch(() => undefined);
    await host.close();
  });

  it("the host really cannot reach the registry", async () => {
    const probe = await host.exec(["curl", "-sS", "-m", "5", `http://${loadSandbox().registry}/v2/`], { check: false });
    expect(probe.code).not.toBe(0);
  });

  it("check mode plans the SSH stream, not a pull", async () => {
    const result = await deploy({ ...base(), commit: commits.v1, check: true });
    expect(result.ok).toBe(true);
    expect(lines.join("\n")).toContain("build the backend image, stream it over SSH");
  });

  it("first deploy builds without a push, streams the image and serves v1", async () => {
    const result = await deploy({ ...base(), commit: commits.v1, versionEnv: { APP_VERSION: "v1" } });
    if (!result.ok) console.log(lines.join("\n"));
    expect(result.ok).toBe(true);
    expect(result.images).toEqual({ backend: `${repository}:${commits.v1}` });
    expect(await version()).toBe("v1");
    // The host runs exactly the runner's image; the registry never saw it.
    expect(await hostImageId(`${repository}:${commits.v1}`)).toBe(await localImageId(`${repository}:${commits.v1}`));
    expect(await headManifest(`${repository}:${commits.v1}`, { insecure: true })).toBeNull();
    expect(lines.join("\n")).toContain(`streamed ${repository}:${commits.v1} over SSH`);
  });

  it("an update streams the new image and switches with zero failed requests", async () => {
    const loop = requestLoop(address(), DOMAIN, "/api/health", 20);
    const result = await deploy({ ...base(), commit: commits.v2, versionEnv: { APP_VERSION: "v2" } });
    const answers = await loop.stop();
    if (!result.ok) console.log(lines.join("\n"));
    expect(result.ok).toBe(true);
    expect(result.hosts[0]?.color).toBe("green");
    expect(answers.filter((a) => a.status !== 200)).toEqual([]);
    expect(await version()).toBe("v2");
    expect(await hostImageId(`${repository}:${commits.v2}`)).toBe(await localImageId(`${repository}:${commits.v2}`));
  });

  it("a redeploy of the same commit neither rebuilds nor streams, and changes nothing", async () => {
    lines.length = 0;
    const result = await deploy({ ...base(), commit: commits.v2, versionEnv: { APP_VERSION: "v2" } });
    expect(result.ok).toBe(true);
    expect(result.hosts[0]?.status).toBe("ok");
    const log = lines.join("\n");
    expect(log).toContain("(already built on this machine)");
    expect(log).not.toContain("streamed");
  });

  it("rollback runs v1's image, still on the host, without the registry", async () => {
    const result = await rollback({ config, actor: "e2e", drainSeconds: 1, secrets: { SECRET_KEY: "e2e-secret" } });
    expect(result.ok).toBe(true);
    expect(result.hosts[0]?.color).toBe("blue");
    expect(await version()).toBe("v1");
  });

  it("the default registry pull on the same host fails with the host, the step and the SSH hint", async () => {
    lines.length = 0;
    const pullConfig = await loadConfig(writeConfig(undefined));
    const commit = randomBytes(20).toString("hex");
    const result = await deploy({ ...base(), config: pullConfig, commit, versionEnv: { APP_VERSION: "v3" } });
    expect(result.ok).toBe(false);
    expect(result.hosts[0]?.status).toBe("failed");
    expect(result.hosts[0]?.error).toContain("image.delivery: ssh");
    const log = lines.join("\n");
    expect(log).toContain('host t2, step "pull backend": cannot pull the backend image');
    expect(log).toContain(`check that the host can reach ${loadSandbox().registry}`);
    expect(await version()).toBe("v1");
  });
});
