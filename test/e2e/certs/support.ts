/** Helpers for the certificate e2e: a request loop against nginx, TLS probing with pebble's root, challtestsrv DNS. */

import { readFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { type PeerCertificate, connect as tlsConnect } from "node:tls";

export interface HttpAnswer {
  status: number;
  location?: string;
  body: string;
}

/**
 * GET with a Host header (the test domain resolves only inside the sandbox's ACME DNS). A new connection per request,
 * like a curl loop: a reused keep-alive socket can race nginx closing it on reload, which clients retry anyway.
 */
export function httpGet(address: string, host: string, path: string, timeoutMs = 5000): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: address, port: 80, path, headers: { host }, timeout: timeoutMs, agent: false },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk) => {
          body += chunk;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, location: res.headers.location, body }));
      },
    );
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", reject);
    req.end();
  });
}

export interface LoopResult {
  requests: number;
  failures: string[];
}

/** Requests one nginx URL back to back until stopped (or `max` requests): every non-200 or error is a failure. */
export function requestLoop(address: string, host: string, path: string, max = 20_000) {
  let stopped = false;
  const result: LoopResult = { requests: 0, failures: [] };
  const done = (async () => {
    while (!stopped && result.requests < max) {
      result.requests += 1;
      try {
        const answer = await httpGet(address, host, path);
        if (answer.status !== 200) result.failures.push(`HTTP ${answer.status}`);
      } catch (error) {
        result.failures.push((error as Error).message);
      }
    }
    return result;
  })();
  return {
    stop: async () => {
      stopped = true;
      return done;
    },
  };
}

/** pebble's root (it signs the issued certificates), fetched over pebble's management API trusted by its own CA. */
export function fetchPebbleRoot(rootsUrl: string, managementCaPath: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(rootsUrl, { ca: readFileSync(managementCaPath) }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk) => {
        body += chunk;
      });
      res.on("end", () =>
        res.statusCode === 200 ? resolve(body) : reject(new Error(`${rootsUrl}: HTTP ${res.statusCode}`)),
      );
    });
    req.on("error", reject);
    req.end();
  });
}

/** TLS handshake with SNI `servername`, verified against `ca` only. */
export function tlsPeer(
  address: string,
  servername: string,
  ca: string,
): Promise<{ authorized: boolean; error?: string; cert: PeerCertificate }> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({ host: address, port: 443, servername, ca, rejectUnauthorized: false }, () => {
      const cert = socket.getPeerCertificate();
      resolve({ authorized: socket.authorized, error: socket.authorizationError?.message, cert });
      socket.end();
    });
    socket.setTimeout(10_000, () => socket.destroy(new Error("TLS handshake timeout")));
    socket.on("error", reject);
  });
}

export async function addDnsRecord(managementUrl: string, host: string, address: string): Promise<void> {
  const res = await fetch(`${managementUrl}/add-a`, {
    method: "POST",
    body: JSON.stringify({ host, addresses: [address] }),
  });
  if (!res.ok) throw new Error(`challtestsrv add-a ${host}: HTTP ${res.status}`);
}
