/**
 * The compose and systemd install paths on a target: a valid file is installed after `compose config -q` /
 * `systemd-analyze verify`; a file the validator rejects is not left in place.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RemoteCommandError } from "../../../src/errors.js";
import { applyComposeFile, applySystemdUnit } from "../../../src/install/apply.js";
import type { RemoteHost } from "../../../src/remote/types.js";
import { renderEnvironmentFile } from "../../../src/render/systemd.js";
import { composeScenarios } from "../../unit/render/compose-scenarios.js";
import { connectRenderTarget, token } from "./sandbox.js";

describe("validated install of compose files and units on a target", () => {
  let host: RemoteHost;
  let flavour: "v1" | "v2";
  const dir = `/tmp/slipway-render-${token()}`;
  const unitDir = `${dir}/units`;

  beforeAll(async () => {
    ({ host } = await connectRenderTarget());
    const facts = await host.facts({ refresh: true });
    flavour = facts.docker.compose ?? "v1";
    await host.exec(["mkdir", "-p", unitDir], { become: true });
  });

  afterAll(async () => {
    await host?.exec(["rm", "-rf", "--", dir], { become: true, check: false });
    await host?.close();
  });

  it("installs a compose file that compose accepts, and keeps it when an update is rejected", async () => {
    const model = structuredClone(composeScenarios["fastapi-flask-duckdb"]!);
    model.services[0]!.envFile = `${dir}/backend-blue.env`;
    await host.putFile(`${dir}/backend-blue.env`, "DUCKDB_THREADS=2\n", { become: true, mode: 0o600 });
    const path = `${dir}/compose.yml`;
    const first = await applyComposeFile(host, model, { become: true, path, flavour });
    expect(first.changed).toBe(true);

    const broken = structuredClone(model);
    broken.services[0]!.envFile = `${dir}/missing.env`;
    const error = await applyComposeFile(host, broken, { become: true, path, flavour }).catch((e) => e);
    expect(error).toBeInstanceOf(RemoteCommandError);
    expect((await host.readFile(path, { become: true }))?.toString()).toContain(`${dir}/backend-blue.env`);
  });

  it("verifies a unit through an instance and refuses one whose ExecStart does not exist", async () => {
    const { unitModel } = await import("./fixtures.js");
    const good = unitModel("backend");
    await host.putFile(`${dir}/backend-blue.env`, renderEnvironmentFile({ PORT: 15999 }), {
      become: true,
      mode: 0o600,
    });
    const installed = await applySystemdUnit(host, good, { become: true, unitDir });
    expect(installed.changed).toBe(true);

    const bad = { ...good, server: { ...good.server, binary: "/nonexistent/gunicorn" } };
    const error = await applySystemdUnit(host, bad, { become: true, unitDir }).catch((e) => e);
    expect(error).toBeInstanceOf(RemoteCommandError);
    expect((error as RemoteCommandError).stderrTail).toContain("/nonexistent/gunicorn");
    const live = (await host.readFile(`${unitDir}/rendere2e-backend@.service`, { become: true }))?.toString();
    expect(live).toContain("ExecStart=/usr/bin/gunicorn");
  });
});
