/**
 * The maintenance bypass token: made once per host (root's, 0600), kept across runs, added to the redactor, sent by
 * the route checks through the public server from stdin (never argv), not to the preview listener.
 */
import { describe, expect, it } from "vitest";
import { bypassHeaderLine, MaintenanceBypass } from "../../../src/deploy/maintenance-bypass.js";
import { checkRoutes } from "../../../src/deploy/nginx.js";
import { Redactor } from "../../../src/remote/redact.js";
import { loadConfigText } from "../../support/config-text.js";
import { FakeHost } from "../engine/fake-host.js";

const FILE = "/etc/nginx/slipway/shop-maintenance-bypass.conf";
const TOKEN = "ab".repeat(16);

function shop() {
  return loadConfigText(`app: shop
services:
  web: { build: { context: web }, port: 5001, health: { path: /healthz } }
inventory: { ssh: { user: deploy }, hosts: { h1: { address: 10.0.0.1 } } }
proxy:
  domains: [shop.example]
  routes: [{ path: /, service: web, check: { path: /orders } }]
`);
}

describe("maintenance bypass token", () => {
  it("is made on a host without one: 32 hex digits, root's file mode 0600, one write, added to the redactor", async () => {
    const host = new FakeHost();
    const redactor = new Redactor();
    const made = await new MaintenanceBypass(host, await shop()).ensure(redactor);
    expect(made.created).toBe(true);
    expect(made.token).toMatch(/^[0-9a-f]{32}$/);
    expect(host.files.get(FILE)).toMatchObject({ mode: "0600", owner: "root" });
    expect(host.files.get(FILE)?.content).toBe(
      `# Managed by Slipway: requests with this X-Slipway-Maintenance-Bypass pass the maintenance page.\n"${made.token}" "";\n`,
    );
    expect(redactor.redact(`sent ${made.token}`)).toBe("sent ***");
  });

  it("is kept: a later run (a new connection) reads the same token and writes nothing", async () => {
    const host = new FakeHost();
    host.writeFile(FILE, `"${TOKEN}" "";\n`, "0600");
    const again = await new MaintenanceBypass(host, await shop()).ensure();
    expect(again).toEqual({ token: TOKEN, created: false });
    expect(host.commands.filter((c) => c.argv[0] === "<putFile>")).toEqual([]);
  });

  it("a file of another shape is no token: a new one replaces it", async () => {
    const host = new FakeHost();
    host.writeFile(FILE, '"short" "";\n', "0600");
    expect(await new MaintenanceBypass(new FakeHost(), await shop()).read()).toBeNull();
    const made = await new MaintenanceBypass(host, await shop()).ensure();
    expect([made.created, made.token === "short"]).toEqual([true, false]);
  });

  it("the public route check sends it from stdin (`--header @-`), never in argv; the preview check does not", async () => {
    const host = new FakeHost();
    host.writeFile(FILE, `"${TOKEN}" "";\n`, "0600");
    const config = await shop();
    const bypass = new MaintenanceBypass(host, config);
    await checkRoutes(host, config, { kind: "public", https: false }, undefined, bypass);
    await checkRoutes(host, config, { kind: "preview", port: 31234 }, undefined, bypass);
    const curls = host.commands.filter((c) => c.argv[0] === "curl");
    expect(curls.map((c) => [c.argv.slice(-4), c.stdin])).toEqual([
      [["--header", "@-", "--", "http://127.0.0.1/orders"], `X-Slipway-Maintenance-Bypass: ${TOKEN}\n`],
      [["--header", "Host: shop.example", "--", "http://127.0.0.1:31234/orders"], undefined],
    ]);
    expect(curls.some((c) => c.argv.join(" ").includes(TOKEN))).toBe(false);
    expect(bypassHeaderLine(TOKEN)).toBe(`X-Slipway-Maintenance-Bypass: ${TOKEN}\n`);
  });

  it("without a token the public check is as before (no header from stdin)", async () => {
    const host = new FakeHost();
    const config = await shop();
    await checkRoutes(host, config, { kind: "public", https: false }, undefined, new MaintenanceBypass(host, config));
    const curl = host.commands.find((c) => c.argv[0] === "curl");
    expect([curl?.argv.includes("@-"), curl?.stdin]).toEqual([false, undefined]);
  });

  it("is the run's state: read once per run (MaintenanceBypass), a new run reads the host again", async () => {
    const host = new FakeHost();
    const config = await shop();
    let reads = 0;
    const readFile = host.readFile.bind(host);
    host.readFile = (path: string) => {
      reads++;
      return readFile(path);
    };
    const run = new MaintenanceBypass(host, config);
    expect([await run.read(), await run.read()]).toEqual([null, null]);
    expect(reads).toBe(1);
    const made = await run.ensure();
    expect([await run.read(), reads]).toEqual([made.token, 1]);
    expect(await new MaintenanceBypass(host, config).read()).toBe(made.token);
    expect(reads).toBe(2);
  });
});
