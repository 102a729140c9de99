/** proxy.mode internal: the verify step requests what users reach, the public port, not nginx (there is none). */
import { describe, expect, it } from "vitest";
import { verifyPublicPorts } from "../../../src/deploy/public-port.js";
import { FakeHost } from "../engine/fake-host.js";
import { configWith } from "../render/from-config/config.js";

const config = configWith({
  services: {
    backend: { build: { context: "b" }, port: 5001, systemd: { app_module: "b:app" } },
    frontend: {
      build: { context: "f" },
      port: 8050,
      ports: { blue: 8060, green: 18060 },
      public_port: 8050,
      health: { path: "/health", expected_body: '"status": "ok"' },
      systemd: { app_module: "f:server" },
    },
  },
  proxy: { mode: "internal" },
});

function hostAnswering(stdout: string, stderr = "") {
  return new FakeHost("t1", (argv) => (argv[0] === "curl" ? { stdout, stderr, code: 0 } : undefined));
}

describe("verify under proxy.mode internal", () => {
  it("GETs each public port's health path on the host and passes on the health answer", async () => {
    const host = hostAnswering('HTTP/1.1 200 OK\r\n\r\n{"status": "ok"}\n__SLIPWAY_STATUS__:200');
    expect(await verifyPublicPorts(host, config)).toEqual({ ok: true, failures: [], urls: [":8050/health"] });
    expect(host.commands.map((c) => c.argv.at(-1))).toEqual(["http://127.0.0.1:8050/health"]);
  });

  it("a public port that does not answer fails with the port and the service", async () => {
    const host = hostAnswering("\n__SLIPWAY_STATUS__:000", "curl: (7) Failed to connect to 127.0.0.1 port 8050");
    expect(await verifyPublicPorts(host, config)).toEqual({
      ok: false,
      failures: [
        "GET http://127.0.0.1:8050/health (frontend's public port): curl: (7) Failed to connect to 127.0.0.1 port 8050",
      ],
      urls: [],
    });
  });

  it("a wrong body fails with what was expected", async () => {
    const host = hostAnswering("HTTP/1.1 200 OK\r\n\r\nWelcome to nginx\n__SLIPWAY_STATUS__:200");
    expect((await verifyPublicPorts(host, config)).failures).toEqual([
      `GET http://127.0.0.1:8050/health (frontend's public port): status 200 but the body lacks ""status": "ok"": Welcome to nginx`,
    ]);
  });
});
