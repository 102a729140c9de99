/**
 * The maintenance bypass token: made once per host (root's, 0600), kept across runs, added to the redactor, sent by
 * the route checks through the public server from stdin (never argv), not to the preview listener.
 */
import { describe, expect, it } from "vitest";
import { bypassHeaderLine, MaintenanceBypass } from "../../../src/deploy/maintenance-bypass.js";
import { checkRoutes, type PublicAnswer, servedColor, verifyThroughNginx } from "../../../src/deploy/nginx.js";
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

  /** nginx on `host` answers the maintenance page (503, no color) unless the request carries the token. */
  function maintenanceOn(host: FakeHost): void {
    host.writeFile(FILE, `"${TOKEN}" "";\n`, "0600");
    host.handlers.set("curl", (_argv, options) =>
      options?.stdin?.toString().includes(TOKEN)
        ? { stdout: "HTTP/1.1 200 OK\r\nX-Slipway-Color: green\r\n\r\nok\n__SLIPWAY_STATUS__:200" }
        : { stdout: "HTTP/1.1 503 X\r\n\r\nmaintenance\n__SLIPWAY_STATUS__:503" },
    );
  }

  it("the served color is asked without reading the token while the site answers with its color", async () => {
    const host = new FakeHost();
    host.writeFile(FILE, `"${TOKEN}" "";\n`, "0600");
    host.handlers.set("curl", () => ({
      stdout: "HTTP/1.1 200 OK\r\nX-Slipway-Color: blue\r\n\r\nok\n__SLIPWAY_STATUS__:200",
    }));
    const bypass = new MaintenanceBypass(host, await shop());
    expect(await servedColor(bypass)).toBe("blue");
    expect(host.commands.map((c) => c.argv[0])).toEqual(["curl"]);
    // Never read (a read is kept for the run).
    expect(bypass.peek()).toBeUndefined();
  });

  it("the served color behind the maintenance page: the token is read and the question asked again with it", async () => {
    const host = new FakeHost();
    maintenanceOn(host);
    const bypass = new MaintenanceBypass(host, await shop());
    expect(await servedColor(bypass)).toBe("green");
    const curls = host.commands.filter((c) => c.argv[0] === "curl");
    expect(curls.map((c) => c.stdin)).toEqual([undefined, `X-Slipway-Maintenance-Bypass: ${TOKEN}\n`]);
    expect(bypass.peek()).toBe(TOKEN);
  });

  it("the served color with the token read before (the plan): one request, carrying it", async () => {
    const host = new FakeHost();
    maintenanceOn(host);
    const bypass = new MaintenanceBypass(host, await shop());
    await bypass.read();
    host.commands.length = 0;
    expect(await servedColor(bypass)).toBe("green");
    expect(host.commands.map((c) => [c.argv[0], c.stdin])).toEqual([
      ["curl", `X-Slipway-Maintenance-Bypass: ${TOKEN}\n`],
    ]);
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

describe("verify takes the switch's confirmation for its route", () => {
  const GREEN = "HTTP/1.1 200 OK\r\nX-Slipway-Color: shop/green\r\n\r\nok\n__SLIPWAY_STATUS__:200";

  async function confirmed() {
    const host = new FakeHost();
    host.writeFile(FILE, `"${TOKEN}" "";\n`, "0600");
    host.handlers.set("curl", () => ({ stdout: GREEN }));
    const config = await shop();
    const bypass = new MaintenanceBypass(host, config);
    await bypass.read();
    const answers: PublicAnswer[] = [];
    expect(await servedColor(bypass, (a) => answers.push(a))).toBe("green");
    return { host, config, bypass, answer: answers.at(-1) as PublicAnswer };
  }
  const curls = (host: FakeHost) => host.commands.filter((c) => c.argv[0] === "curl").length;

  it("the same route, scheme and token: judged from that answer, no request of its own", async () => {
    const { host, bypass, answer } = await confirmed();
    expect(answer).toMatchObject({ path: "/orders", https: false, token: TOKEN });
    expect(await verifyThroughNginx(bypass, "green", answer)).toEqual({ ok: true, failures: [] });
    expect(curls(host)).toBe(1);
    // Judged as if asked now: the answer from green fails a verify of blue.
    expect((await verifyThroughNginx(bypass, "blue", answer)).failures).toEqual([
      "GET http://shop.example/orders: answered by green, expected blue",
    ]);
    expect(curls(host)).toBe(1);
  });

  it("an answer to another request (another path, without the token) is not taken", async () => {
    const { host, bypass, answer } = await confirmed();
    await verifyThroughNginx(bypass, "green", { ...answer, path: "/other" });
    await verifyThroughNginx(bypass, "green", { ...answer, token: null });
    expect(curls(host)).toBe(3);
  });
});
