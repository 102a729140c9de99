/**
 * The `python` container check against its real reader: the script pythonCheck writes, run by the machine's python3
 * (`-I -S`, as docker runs it) against a loopback HTTP server that answers as each case needs.
 */
import { execFile } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pythonCheck } from "../../../../src/render/from-config/compose.js";

const run = promisify(execFile);

/** Paths the server knows: status, headers and body parts (written one by one, so a body may arrive in pieces). */
const ROUTES: Record<string, { status: number; headers?: Record<string, string>; parts: string[] }> = {
  "/health": { status: 200, parts: ['{"status": ', '"ok", "v": "é \\"q\\" \\\\ 1"}'] },
  "/down": { status: 503, parts: ['{"status": "down"}'] },
  "/moved": { status: 302, headers: { Location: "/health" }, parts: [] },
  "/empty": { status: 204, parts: [] },
};

let server: Server;
let port: number;

beforeAll(async () => {
  server = createServer((req, res) => {
    const route = ROUTES[(req.url ?? "").split("?")[0] as string] ?? { status: 404, parts: ["no"] };
    res.writeHead(route.status, route.headers);
    for (const part of route.parts) res.write(part);
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** python3's exit code for the check of `path` expecting `status` and `body`. */
async function exitCode(path: string, status: number, body?: string, at = port): Promise<number> {
  const script = pythonCheck(at, path, 2, { expected_status: status, expected_body: body });
  try {
    await run("python3", ["-I", "-S", "-c", script], { timeout: 10_000 });
    return 0;
  } catch (e) {
    return (e as { code: number }).code;
  }
}

describe("the python container check, run by python3", () => {
  it("passes a 200 whose body has the expected text (quotes, a backslash and UTF-8 included)", async () => {
    expect(await exitCode("/health", 200, '"status"')).toBe(0);
    expect(await exitCode("/health?full=1", 200, 'é \\"q\\" \\\\ 1')).toBe(0);
    expect(await exitCode("/health", 200)).toBe(0);
  });

  it("fails a 200 without the expected text, an error status, and a redirect (not followed, as the gate)", async () => {
    expect(await exitCode("/health", 200, "version")).toBe(1);
    expect(await exitCode("/down", 200, '"status"')).toBe(1);
    expect(await exitCode("/moved", 200)).toBe(1);
  });

  it("compares the status exactly: a 204 or a 302 passes when it is the expected one", async () => {
    expect(await exitCode("/empty", 204)).toBe(0);
    expect(await exitCode("/moved", 302)).toBe(0);
    expect(await exitCode("/empty", 200)).toBe(1);
  });

  it("fails when nothing listens on the port", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const free = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    expect(await exitCode("/health", 200, undefined, free)).not.toBe(0);
  });
});
