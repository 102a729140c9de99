import { createHash } from "node:crypto";
import { SlipwayError } from "../errors.js";
import { type ImageReference, parseImageReference } from "./reference.js";

/**
 * The few Registry HTTP API v2 calls Slipway needs: "does this tag exist, and what is its digest". Authentication
 * follows the registry's challenge (Basic, or a Bearer token from the realm it names, as ghcr.io and Docker Hub do).
 */
export interface RegistryCredentials {
  username: string;
  password: string;
}

export interface RegistryQueryOptions {
  credentials?: RegistryCredentials;
  /** Plain http (a registry listed in the daemon's insecure-registries). */
  insecure?: boolean;
  /** Injected in tests; defaults to the global fetch (undici). */
  fetch?: typeof fetch;
  timeoutMs?: number;
}

export interface ManifestInfo {
  digest: string;
  mediaType: string | null;
}

/** Every manifest kind a tag can point at: single-platform (Docker and OCI) and multi-platform indexes. */
export const MANIFEST_ACCEPT = [
  "application/vnd.oci.image.index.v1+json",
  "application/vnd.docker.distribution.manifest.list.v2+json",
  "application/vnd.oci.image.manifest.v1+json",
  "application/vnd.docker.distribution.manifest.v2+json",
].join(", ");

export class RegistryError extends SlipwayError {}

export function manifestUrl(reference: ImageReference, insecure: boolean): string {
  const host = reference.registry === "docker.io" ? "registry-1.docker.io" : reference.registry;
  const ref = reference.digest ?? reference.tag ?? "latest";
  return `${insecure ? "http" : "https"}://${host}/v2/${reference.path}/manifests/${ref}`;
}

/** The manifest's digest, or null when the registry does not have that tag (404). */
export async function headManifest(image: string, options: RegistryQueryOptions = {}): Promise<ManifestInfo | null> {
  const reference = parseImageReference(image);
  const url = manifestUrl(reference, options.insecure ?? false);
  const doFetch = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 15_000;
  const step = "registry manifest query";
  const request = async (method: "HEAD" | "GET", authorization?: string): Promise<Response> => {
    const headers: Record<string, string> = { Accept: MANIFEST_ACCEPT };
    if (authorization) headers.Authorization = authorization;
    try {
      return await doFetch(url, { method, headers, signal: AbortSignal.timeout(timeoutMs) });
    } catch (error) {
      const code = causeCode(error);
      // https to a registry that speaks plain http fails in the TLS handshake (D39: only "cannot reach" was said).
      const plainHttp = !options.insecure && /SSL|EPROTO|TLS/i.test(code ?? "");
      const why = plainHttp ? ": it answers plain http, not https" : code ? ` (${code})` : "";
      throw new RegistryError(`cannot reach registry ${reference.registry}${why}`, {
        host: reference.registry,
        step,
        command: `${method} ${url}`,
        cause: error,
        hint: plainHttp
          ? "a registry without TLS needs `image.insecure: true` in slipway.yml (or --insecure-registry)"
          : options.insecure
            ? "check that the registry is running and reachable from this machine"
            : "check the registry address; a registry that speaks plain http needs `image.insecure: true` in slipway.yml (or --insecure-registry)",
      });
    }
  };

  let authorization: string | undefined;
  let response = await request("HEAD");
  if (response.status === 401) {
    authorization = await authorize(response.headers.get("www-authenticate"), reference, options, doFetch, timeoutMs);
    response = await request("HEAD", authorization);
  }
  if (response.status === 404) return null;
  if (!response.ok) {
    throw new RegistryError(`registry answered ${response.status} for ${image}`, {
      host: reference.registry,
      step,
      command: `HEAD ${url}`,
      hint:
        response.status === 401 || response.status === 403
          ? "check the registry user name and password (or token) and that they may pull this repository"
          : "check the registry's logs",
    });
  }
  const mediaType = response.headers.get("content-type");
  const digest = response.headers.get("docker-content-digest");
  if (digest) return { digest, mediaType };
  // Some registries leave the header off HEAD answers: the digest is then the sha256 of the manifest bytes.
  const body = Buffer.from(await (await request("GET", authorization)).arrayBuffer());
  return { digest: `sha256:${createHash("sha256").update(body).digest("hex")}`, mediaType };
}

/** The system error code under a failed fetch (`ECONNREFUSED`, `ERR_SSL_WRONG_VERSION_NUMBER`...), if any. */
function causeCode(error: unknown): string | undefined {
  const cause = (error as { cause?: { code?: unknown } } | undefined)?.cause;
  return typeof cause?.code === "string" ? cause.code : undefined;
}

export interface AuthChallenge {
  scheme: string;
  params: Record<string, string>;
}

/** `Bearer realm="https://ghcr.io/token",service="ghcr.io",scope="repository:o/r:pull"` -> parts. */
export function parseAuthChallenge(header: string): AuthChallenge {
  const space = header.indexOf(" ");
  const scheme = (space < 0 ? header : header.slice(0, space)).trim();
  const params: Record<string, string> = {};
  const rest = space < 0 ? "" : header.slice(space + 1);
  for (const match of rest.matchAll(/([\w-]+)=(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g)) {
    const key = match[1];
    if (key) params[key.toLowerCase()] = (match[2] ?? match[3] ?? "").replace(/\\(.)/g, "$1");
  }
  return { scheme: scheme.toLowerCase(), params };
}

async function authorize(
  header: string | null,
  reference: ImageReference,
  options: RegistryQueryOptions,
  doFetch: typeof fetch,
  timeoutMs: number,
): Promise<string> {
  const credentials = options.credentials;
  const basic = credentials
    ? `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString("base64")}`
    : undefined;
  const challenge = parseAuthChallenge(header ?? "");
  const fail = (message: string) =>
    new RegistryError(message, {
      host: reference.registry,
      step: "registry authentication",
      hint: "give the registry user name and password (or token) that may pull this repository",
    });
  if (challenge.scheme === "basic") {
    if (!basic) throw fail(`registry ${reference.registry} needs a login`);
    return basic;
  }
  if (challenge.scheme !== "bearer" || !challenge.params.realm) {
    throw fail(`registry ${reference.registry} asked for an unsupported authentication: ${header ?? "(none)"}`);
  }
  const tokenUrl = new URL(challenge.params.realm);
  if (challenge.params.service) tokenUrl.searchParams.set("service", challenge.params.service);
  tokenUrl.searchParams.set("scope", challenge.params.scope ?? `repository:${reference.path}:pull`);
  const response = await doFetch(tokenUrl, {
    headers: basic ? { Authorization: basic } : {},
    signal: AbortSignal.timeout(timeoutMs),
  });
  if (!response.ok) throw fail(`registry token service answered ${response.status}`);
  const body = (await response.json()) as { token?: string; access_token?: string };
  const token = body.token ?? body.access_token;
  if (!token) throw fail("registry token service returned no token");
  return `Bearer ${token}`;
}
