/**
 * Rolling batches: with `inventory.serial: 1` and the default max_fail_percentage 0, a first batch that fails stops the
 * rollout, and the next host is never touched. The first host is t2 on a closed SSH port (connection refused at once),
 * the second the real t2: it must end up without anything of the app.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { terminalSink } from "../../../src/cli/deploy-events.js";
import { loadConfig } from "../../../src/config/index.js";
import { deploy } from "../../../src/deploy/index.js";
import type { RemoteHost } from "../../../src/remote/types.js";
import { REPO_ROOT, sandboxTarget } from "../support/sandbox.js";
import { cleanHost, connectTarget, viaNginx, writeOverlay } from "./support.js";

const APP = "batchdeploy";

describe("deploy in rolling batches (inventory.serial)", () => {
  let host: RemoteHost;

  beforeAll(async () => {
    host = await connectTarget("t2");
    await cleanHost(host, APP);
  });

  afterAll(async () => {
    if (!host) return;
    await cleanHost(host, APP);
    await host.close();
  });

  it("a failed first batch stops the rollout: the second host is skipped and untouched", async () => {
    const file = writeOverlay("harvest", {
      app: APP,
      domain: "batch.e2e.test",
      target: "t2",
      ports: {},
      healthTimeout: "10s",
    });
    const yaml = parse(readFileSync(file, "utf8"));
    const t2 = yaml.inventory.hosts.t2;
    yaml.inventory.hosts = { closed: { address: sandboxTarget("t2").host, port: 1 }, t2 };
    yaml.inventory.serial = 1;
    yaml.tls = { enabled: false };
    writeFileSync(file, stringify(yaml));
    const lines: string[] = [];
    const result = await deploy({
      config: await loadConfig(file),
      commit: "0".repeat(40),
      actor: "e2e",
      releaseDir: `${REPO_ROOT}/examples/harvest`,
      secrets: { SECRET_KEY: "e2e" },
      onEvent: terminalSink((line) => lines.push(line)),
    });
    expect(result.ok).toBe(false);
    expect(result.hosts.map((h) => [h.name, h.status])).toEqual([
      ["closed", "unreachable"],
      ["t2", "skipped"],
    ]);
    expect(lines.join("\n")).toContain("rollout stopped: 1 of 1 host(s) in batch 1 failed");
    const touched = await host.exec(["test", "-e", `/opt/${APP}`], { check: false });
    expect(touched.code).not.toBe(0);
  });

  it("a host unreachable mid-batch: the batch's deployed host is switched back to its previous release", async () => {
    const file = writeOverlay("harvest", {
      app: APP,
      domain: "batch.e2e.test",
      target: "t2",
      ports: {},
      healthTimeout: "10s",
    });
    const yaml = parse(readFileSync(file, "utf8"));
    yaml.inventory.hosts.closed = { address: sandboxTarget("t2").host, port: 1 };
    yaml.tls = { enabled: false };
    writeFileSync(file, stringify(yaml));
    const config = await loadConfig(file);
    const base = {
      config,
      actor: "e2e",
      releaseDir: `${REPO_ROOT}/examples/harvest`,
      secrets: { SECRET_KEY: "e2e" },
      drainSeconds: 0,
    };
    const first = await deploy({ ...base, limit: ["t2"], releaseId: "b1", versionEnv: { APP_VERSION: "b1" } });
    expect(first.ok, first.recap).toBe(true);
    const address = sandboxTarget("t2").host;
    const added = await viaNginx(address, "batch.e2e.test", "/api/harvests", "POST", '{"crop":"b","kg":1}');
    expect(added.status).toBe(201);
    const result = await deploy({ ...base, releaseId: "b2", versionEnv: { APP_VERSION: "b2" } });
    expect(result.ok).toBe(false);
    const t2 = result.hosts.find((h) => h.name === "t2");
    expect(t2?.status).toBe("failed");
    expect(t2?.error).toBe(
      "switched back to b1: closed failed in the same batch (inventory.on_batch_failure: switch_back)",
    );
    expect(result.recap).toContain("switched back to b1");
    const health = await viaNginx(address, "batch.e2e.test", "/api/health");
    expect(JSON.parse(health.body).version).toBe("b1");
  });
});
