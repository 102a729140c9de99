/**
 * Seed 000, internal mode: "the frontend must be public on a stable port (8050) while the backend stays on
 * 127.0.0.1". Harvest on t1 with `proxy.mode: internal` and the frontend's `public_port`: v1 answers on the public
 * port from blue, v2 from green on the same port, the colors only on loopback; `slipway remove` closes the port.
 * "Frontend makes internal request to backend at 127.0.0.1:5001": the frontend's `BACKEND_URL` is
 * `${service:backend.url}`, so each color's frontend relays /proxy/api/* to its own color's backend.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { terminalSink } from "../../../src/cli/deploy-events.js";
import { loadConfig, type SlipwayConfig } from "../../../src/config/index.js";
import { deploy } from "../../../src/deploy/index.js";
import { removeApp } from "../../../src/deploy/remove-app.js";
import type { RemoteHost } from "../../../src/remote/types.js";
import { REPO_ROOT, sandboxTarget } from "../support/sandbox.js";
import { cleanHost, connectTarget, writeOverlay } from "./support.js";

const APP = "hvinternal";
const PUBLIC = 18650;
const address = () => sandboxTarget("t1").host;

/** GET http://<t1>:<port><path> from the runner (the public side). */
async function fromOutside(port: number, path: string): Promise<{ status: number; body: string } | null> {
  try {
    const response = await fetch(`http://${address()}:${port}${path}`, { signal: AbortSignal.timeout(5000) });
    return { status: response.status, body: await response.text() };
  } catch {
    return null;
  }
}

describe("proxy.mode internal with a public frontend port (harvest on t1)", () => {
  let host: RemoteHost;
  let config: SlipwayConfig;
  const lines: string[] = [];
  const run = (version: string) =>
    deploy({
      config,
      commit: `${version}23456789abcdef0123456789abcdef01234567`.slice(0, 40),
      actor: "e2e",
      releaseDir: `${REPO_ROOT}/examples/harvest`,
      drainSeconds: 1,
      versionEnv: { APP_VERSION: version },
      onEvent: terminalSink((line) => lines.push(line)),
    });

  beforeAll(async () => {
    host = await connectTarget("t1");
    await cleanHost(host, APP);
    await host.exec(["systemctl", "disable", "--now", `${APP}-frontend-public.socket`], { become: true, check: false });
    const file = writeOverlay("harvest", {
      app: APP,
      domain: "hvinternal.e2e.test",
      target: "t1",
      ports: { backend: 5371, frontend: 8371 },
      healthTimeout: "15s",
    });
    const yaml = parse(readFileSync(file, "utf8"));
    yaml.proxy = { mode: "internal" };
    yaml.services.frontend.public_port = PUBLIC;
    yaml.services.frontend.env.DEPLOYMENT_MODE = "internal";
    yaml.services.frontend.env.BACKEND_URL = "${service:backend.url}";
    yaml.tls = { enabled: false };
    writeFileSync(file, stringify(yaml));
    config = await loadConfig(file);
  });

  afterAll(async () => {
    const units = [`${APP}-frontend-public.socket`, `${APP}-frontend-public.service`];
    await host.exec(["systemctl", "disable", "--now", ...units], { become: true, check: false });
    await host.exec(["rm", "-f", ...units.map((u) => `/etc/systemd/system/${u}`)], { become: true, check: false });
    await cleanHost(host, APP);
    await host.close();
  });

  it("v1 then v2 answer on the same public port, each from its color; the backend stays on loopback", async () => {
    const first = await run("v1");
    if (!first.ok) console.log(lines.join("\n"));
    expect(first.ok).toBe(true);
    expect(JSON.parse((await fromOutside(PUBLIC, "/health"))?.body ?? "{}")).toMatchObject({ version: "v1" });
    // The browser's API calls go through the frontend to the backend of the same color.
    const viaBlue = await fromOutside(PUBLIC, "/proxy/api/info");
    expect(viaBlue?.status).toBe(200);
    expect(JSON.parse(viaBlue?.body ?? "{}")).toMatchObject({ color: "blue", port: "5371" });
    // The deploy verified what internal mode serves (the public port), not nginx, and names the public URL.
    expect(lines.join("\n")).toContain(`verified the public ports (:${PUBLIC}/health) against blue`);
    expect(lines.join("\n")).not.toContain("through nginx");
    expect(first.hosts[0]?.url).toBe(`http://${address()}:${PUBLIC}/`);
    expect(await fromOutside(5371, "/api/health")).toBeNull();
    expect(await fromOutside(8371, "/health")).toBeNull();

    // Nothing wrote the SQLite file yet (the backend is on loopback only): create it, as the preflight's hint says,
    // so the next deploy can back it up.
    const db = config.database?.path ?? "";
    const make = 'sqlite3 "$1" VACUUM && chown --reference="$(dirname "$1")" "$1"';
    await host.exec(["sh", "-c", make, "sh", db], { become: true });

    lines.length = 0;
    const second = await run("v2");
    if (!second.ok) console.log(lines.join("\n"));
    expect(second.ok).toBe(true);
    expect(second.hosts[0]?.color).toBe("green");
    expect(JSON.parse((await fromOutside(PUBLIC, "/health"))?.body ?? "{}")).toMatchObject({ version: "v2" });
    // Green's frontend reaches green's backend (blue's, on 5371, was stopped by retire).
    const viaGreen = await fromOutside(PUBLIC, "/proxy/api/info");
    expect(viaGreen?.status).toBe(200);
    expect(JSON.parse(viaGreen?.body ?? "{}")).toMatchObject({ color: "green", port: "15371" });
    expect(lines.join("\n")).toContain(`verified the public ports (:${PUBLIC}/health) against green`);
    const unit = await host.readFile(`/etc/systemd/system/${APP}-frontend-public.service`);
    expect(unit?.toString()).toContain("systemd-socket-proxyd 127.0.0.1:18371");

    // slipway remove takes the public port down with the app, and the copies the switch kept (`.slipway-prev`).
    const removed = (await removeApp(host, config)).find((a) => a.startsWith("stop and remove"));
    expect(removed).toMatch(
      new RegExp(`^stop and remove ${APP}-frontend-public\\.socket, ${APP}-frontend-public\\.service\\b`),
    );
    expect(await fromOutside(PUBLIC, "/health")).toBeNull();
    const left = await host.exec(["sh", "-c", `ls /etc/systemd/system | grep -c '^${APP}-frontend-public' || true`]);
    expect(left.stdout.trim()).toBe("0");
  });
});
