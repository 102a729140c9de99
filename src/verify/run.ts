import { connect as tlsConnect } from "node:tls";
import { answerMismatch } from "./judge.js";
import { joinUrl, type RouteCheck } from "./spec.js";

export interface CheckOutcome {
  name: string;
  ok: boolean;
  detail: string;
}

export interface VerifyRequest {
  url: string;
  routes: RouteCheck[];
  headers: string[];
  minCertDays: number;
  /** PEM of extra CAs to trust (a private ACME server in tests). */
  ca?: string;
  timeoutMs?: number;
}

/** Runs every check and returns all outcomes (a failure does not stop the others: the summary shows them all). */
export async function verifySite(request: VerifyRequest): Promise<CheckOutcome[]> {
  const outcomes: CheckOutcome[] = [];
  for (const route of request.routes) outcomes.push(await checkRoute(request, route));
  if (request.headers.length > 0) outcomes.push(...(await checkHeaders(request)));
  if (request.url.startsWith("https://")) outcomes.push(await checkCertificate(request));
  return outcomes;
}

async function checkRoute(request: VerifyRequest, route: RouteCheck): Promise<CheckOutcome> {
  const url = joinUrl(request.url, route.path);
  const name = `GET ${route.path}`;
  try {
    const response = await fetch(url, { redirect: "manual", signal: AbortSignal.timeout(request.timeoutMs ?? 10_000) });
    const body = await response.text();
    const mismatch = answerMismatch(route, response.status, body);
    if (mismatch !== null) {
      const tail = response.status !== route.status ? `: ${body.slice(0, 200)}` : "";
      return { name, ok: false, detail: `${mismatch}${tail}` };
    }
    return { name, ok: true, detail: `status ${response.status}` };
  } catch (error) {
    return { name, ok: false, detail: `request to ${url} failed: ${(error as Error).message}` };
  }
}

async function checkHeaders(request: VerifyRequest): Promise<CheckOutcome[]> {
  const firstPath = request.routes[0]?.path ?? "/";
  try {
    const response = await fetch(joinUrl(request.url, firstPath), { redirect: "manual" });
    await response.arrayBuffer();
    return request.headers.map((header) => {
      const value = response.headers.get(header);
      return value === null
        ? { name: `header ${header}`, ok: false, detail: `missing from the response to ${firstPath}` }
        : { name: `header ${header}`, ok: true, detail: value };
    });
  } catch (error) {
    return [{ name: "headers", ok: false, detail: (error as Error).message }];
  }
}

function checkCertificate(request: VerifyRequest): Promise<CheckOutcome> {
  const url = new URL(request.url);
  return new Promise((resolve) => {
    const socket = tlsConnect(
      // Checked by hand below so an untrusted chain is reported as a failed check, not a thrown error.
      {
        host: url.hostname,
        port: Number(url.port || 443),
        servername: url.hostname,
        ca: request.ca,
        rejectUnauthorized: false,
      },
      () => {
        const cert = socket.getPeerCertificate();
        socket.end();
        const daysLeft = Math.floor((Date.parse(cert.valid_to) - Date.now()) / 86_400_000);
        const ok = socket.authorized && daysLeft >= request.minCertDays;
        const why = socket.authorized ? `expires in ${daysLeft} days` : `not trusted: ${socket.authorizationError}`;
        resolve({ name: "TLS certificate", ok, detail: `${cert.subject?.CN ?? url.hostname}: ${why}` });
      },
    );
    socket.on("error", (error) => resolve({ name: "TLS certificate", ok: false, detail: error.message }));
  });
}
