import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runLocal } from "../../../src/build/local.js";
import { loginRunner, logoutRunner } from "../../../src/build/login.js";
import { loginHost, logoutHost } from "../../../src/delivery/login.js";
import { deliverByPull } from "../../../src/delivery/pull.js";
import { SlipwayError } from "../../../src/errors.js";
import { connect } from "../../../src/remote/pool.js";
import type { RemoteHost } from "../../../src/remote/types.js";
import { buildTinyImage, docker, loadInventory, removeTargetImages, runId } from "./helpers.js";
import { type AuthRegistry, startAuthRegistry } from "./registry_auth.js";

const run = promisify(execFile);

/**
 * Registry logins on the runner and on a target go through --password-stdin: `ps` sampled on both machines while
 * the logins run never shows the password, and no output line or error does either.
 */
describe("registry credentials stay out of argv and logs", () => {
  let registry: AuthRegistry;
  let host: RemoteHost;
  const logLines: string[] = [];
  const id = runId();
  let reference = "";
  let byDigest = "";

  beforeAll(async () => {
    const inventory = loadInventory();
    const gateway = inventory.registry.split(":")[0] as string;
    registry = await startAuthRegistry(gateway, 5001);
    const target = inventory.targets[0] as (typeof inventory.targets)[number];
    host = await connect(
      {
        ...target,
        privateKeyPath: inventory.privateKeyPath,
        knownHosts: readFileSync(inventory.knownHostsPath, "utf8"),
      },
      { warn: () => {}, onLine: (event) => logLines.push(event.line) },
    );
    const certsDir = `/etc/docker/certs.d/${registry.address}`;
    await host.exec(["mkdir", "-p", certsDir], { become: true });
    await host.putFile(`${certsDir}/ca.crt`, registry.caCert, { become: true, mode: 0o644 });
  });

  afterAll(async () => {
    if (host) {
      await removeTargetImages(host, byDigest ? [byDigest] : []);
      await host.exec(["docker", "logout", registry.address], { check: false });
      await host.exec(["rm", "-rf", `/etc/docker/certs.d/${registry?.address}`], { become: true, check: false });
      await host.close();
    }
    if (reference) await docker("image", "rm", reference).catch(() => "");
    await logoutRunner(registry?.address ?? "").catch(() => undefined);
    await registry?.stop();
  });

  it("logs in on the runner with the password only on stdin (ps sampled during the logins)", async () => {
    const samples = await sampleUntilSeen(
      async () => (await run("ps", ["-eo", "args"], { maxBuffer: 8 << 20 })).stdout,
      `--password-stdin ${registry.address}`,
      () => loginRunner(registry.address, registry),
    );
    expect(samples.length).toBeGreaterThan(0);
    expect(samples.some((sample) => sample.includes(`--password-stdin ${registry.address}`))).toBe(true);
    expect(samples.filter((sample) => sample.includes(registry.password))).toEqual([]);

    // Push a tiny image so the target has something to pull with its own login.
    reference = `${registry.address}/e2e-${id}/private:1`;
    await buildTinyImage(reference, `private ${id}\n`);
    const pushed = await runLocal(["docker", "push", reference], { onLine: (line) => logLines.push(line) });
    expect(pushed.code).toBe(0);
    await logoutRunner(registry.address);
  });

  it("never shows a refused password in errors", async () => {
    const wrong = `wrong-${id}-password`;
    const error = await loginRunner(registry.address, { username: registry.username, password: wrong }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SlipwayError);
    const described = (error as SlipwayError).describe();
    expect(described).toContain("docker login --username slipway-e2e --password-stdin");
    expect(described).not.toContain(wrong);
  });

  it("a target logs in with its own credentials, pulls by digest and logs out (ps sampled on the target)", async () => {
    const digest = (await docker("image", "inspect", "--format", "{{index .RepoDigests 0}}", reference)).split("@")[1];
    byDigest = `${registry.address}/e2e-${id}/private@${digest}`;
    const withoutLogin = await host.exec(["docker", "pull", byDigest], { check: false });
    expect(withoutLogin.code).not.toBe(0);

    const login = { registry: registry.address, username: registry.username, password: registry.password };
    // The login alone, repeated until the sampler has caught `docker login` running on the target.
    const loginSamples = await sampleUntilSeen(
      async () => (await host.exec(["ps", "-eo", "args"])).stdout,
      `--password-stdin ${registry.address}`,
      () => loginHost(host, login),
    );
    expect(loginSamples.some((sample) => sample.includes(`--password-stdin ${registry.address}`))).toBe(true);
    expect(loginSamples.filter((sample) => sample.includes(registry.password))).toEqual([]);
    await logoutHost(host, registry.address);

    let results: Awaited<ReturnType<typeof deliverByPull>> = [];
    const samples = await sampleWhile(
      async () => (await host.exec(["ps", "-eo", "args"])).stdout,
      async () => {
        results = await deliverByPull([host], [{ service: "private", reference: byDigest }], {
          logins: { [host.name]: login },
          onProgress: (event) => logLines.push(event.status),
        });
      },
    );
    expect(results[0]?.error?.describe()).toBeUndefined();
    expect(results[0]?.images[0]?.action).toBe("pulled");
    expect(samples.length).toBeGreaterThan(0);
    expect(samples.filter((sample) => sample.includes(registry.password))).toEqual([]);

    // Logged out afterwards: the host's docker config no longer holds credentials for the registry.
    const config = await host.exec(["cat", ".docker/config.json"], { check: false });
    expect(config.stdout).not.toContain(registry.address);
    expect(logLines.length).toBeGreaterThan(0);
    expect(logLines.filter((line) => line.includes(registry.password))).toEqual([]);
  });
});

/**
 * Repeats `attempt` (a login: a short-lived process) until a `sample` taken meanwhile shows `needle`, so the test never
 * depends on the sampler happening to catch the process in a fixed number of tries. Gives up after `maxAttempts`
 * (the caller's assertion then fails and says the login was never seen). Returns every sample.
 */
async function sampleUntilSeen(
  sample: () => Promise<string>,
  needle: string,
  attempt: () => Promise<void>,
  maxAttempts = 300,
): Promise<string[]> {
  let seen = false;
  const samples = await sampleWhile(
    async () => {
      const taken = await sample();
      if (taken.includes(needle)) seen = true;
      return taken;
    },
    async () => {
      for (let i = 0; i < maxAttempts && !seen; i++) await attempt();
    },
  );
  return samples;
}

/** Runs `sample` over and over while `work` runs; returns every sample. */
async function sampleWhile(sample: () => Promise<string>, work: () => Promise<void>): Promise<string[]> {
  const samples: string[] = [];
  let done = false;
  const sampler = (async () => {
    while (!done) samples.push(await sample());
  })();
  try {
    await work();
  } finally {
    done = true;
    await sampler;
  }
  return samples;
}
