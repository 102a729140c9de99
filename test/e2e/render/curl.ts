/**
 * HTTP requests made with curl on the target itself (to its own nginx on 127.0.0.1, or `address` such as `[::1]`),
 * parsed into status/headers/body.
 */
import type { RemoteHost } from "../../../src/remote/types.js";

export interface Response {
  status: number;
  headers: Map<string, string>;
  body: string;
}

export async function request(
  host: RemoteHost,
  hostHeader: string,
  path: string,
  options: { method?: string; headers?: Record<string, string>; data?: string; address?: string } = {},
): Promise<Response> {
  // --globoff: an IPv6 address in brackets (`[::1]`) is an address, not a curl glob.
  const argv = ["curl", "-sS", "-i", "--globoff", "--max-time", "10", "-X", options.method ?? "GET"];
  argv.push("-H", `Host: ${hostHeader}`);
  for (const [name, value] of Object.entries(options.headers ?? {})) argv.push("-H", `${name}: ${value}`);
  if (options.data !== undefined) argv.push("--data-binary", options.data);
  argv.push(`http://${options.address ?? "127.0.0.1"}${path}`);
  const result = await host.exec(argv);
  const split = result.stdout.indexOf("\r\n\r\n");
  const head = split === -1 ? result.stdout : result.stdout.slice(0, split);
  const [statusLine, ...lines] = head.split("\r\n");
  const headers = new Map<string, string>();
  for (const line of lines) {
    const colon = line.indexOf(":");
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return {
    status: Number(statusLine?.split(" ")[1]),
    headers,
    body: split === -1 ? "" : result.stdout.slice(split + 4),
  };
}
