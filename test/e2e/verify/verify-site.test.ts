// e2e-targets: none
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifySite } from "../../../src/verify/run.js";

describe("verifySite against a loopback server", () => {
  let server: Server;
  let base = "";

  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === "/api/health") {
        res.writeHead(200, { "content-type": "application/json", "x-frame-options": "DENY" });
        res.end('{"status":"ok","version":"abc123"}');
      } else {
        res.writeHead(500);
        res.end("boom");
      }
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("reports every check, passing and failing", async () => {
    const outcomes = await verifySite({
      url: base,
      routes: [
        { path: "/api/health", status: 200, bodyContains: "abc123" },
        { path: "/api/health", status: 200, bodyContains: "def456" },
        { path: "/", status: 200 },
      ],
      headers: ["X-Frame-Options", "Strict-Transport-Security"],
      minCertDays: 14,
    });
    expect(outcomes.map((o) => [o.name, o.ok])).toEqual([
      ["GET /api/health", true],
      ["GET /api/health", false],
      ["GET /", false],
      ["header X-Frame-Options", true],
      ["header Strict-Transport-Security", false],
    ]);
    expect(outcomes[2]?.detail).toContain("expected status 200, got 500: boom");
  });
});
