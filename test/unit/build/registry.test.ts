import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { digestReference, parseImageReference, repositoryName } from "../../../src/build/reference.js";
import { headManifest, MANIFEST_ACCEPT, manifestUrl, parseAuthChallenge } from "../../../src/build/registry.js";

const DIGEST = `sha256:${"a".repeat(64)}`;

describe("parseImageReference", () => {
  it.each([
    ["nginx", { registry: "docker.io", path: "library/nginx", tag: undefined, digest: undefined }],
    ["nginx:1.25", { registry: "docker.io", path: "library/nginx", tag: "1.25", digest: undefined }],
    [
      "10.213.0.1:5000/shop/web:main",
      { registry: "10.213.0.1:5000", path: "shop/web", tag: "main", digest: undefined },
    ],
    [`ghcr.io/acme/web@${DIGEST}`, { registry: "ghcr.io", path: "acme/web", tag: undefined, digest: DIGEST }],
    ["localhost/web:1", { registry: "localhost", path: "web", tag: "1", digest: undefined }],
  ])("%s", (reference, expected) => {
    expect(parseImageReference(reference)).toEqual(expected);
  });

  it("rejects bad repositories and digests", () => {
    expect(() => parseImageReference("Shop/Web")).toThrow(/lowercase/);
    expect(() => parseImageReference("web@sha256:zz")).toThrow(/digest/);
  });

  it("names repositories the way docker does", () => {
    expect(repositoryName(parseImageReference("nginx:1"))).toBe("nginx");
    expect(repositoryName(parseImageReference("10.213.0.1:5000/a/b:c"))).toBe("10.213.0.1:5000/a/b");
    expect(digestReference("10.213.0.1:5000/a/b", DIGEST)).toBe(`10.213.0.1:5000/a/b@${DIGEST}`);
  });
});

describe("manifestUrl", () => {
  it("uses http for insecure registries and Docker Hub's API host", () => {
    expect(manifestUrl(parseImageReference("10.213.0.1:5000/a/b:c"), true)).toBe(
      "http://10.213.0.1:5000/v2/a/b/manifests/c",
    );
    expect(manifestUrl(parseImageReference("nginx"), false)).toBe(
      "https://registry-1.docker.io/v2/library/nginx/manifests/latest",
    );
  });
});

describe("parseAuthChallenge", () => {
  it("reads bearer parameters", () => {
    expect(
      parseAuthChallenge('Bearer realm="https://ghcr.io/token",service="ghcr.io",scope="repository:acme/web:pull"'),
    ).toEqual({
      scheme: "bearer",
      params: { realm: "https://ghcr.io/token", service: "ghcr.io", scope: "repository:acme/web:pull" },
    });
    expect(parseAuthChallenge('Basic realm="Registry Realm"')).toEqual({
      scheme: "basic",
      params: { realm: "Registry Realm" },
    });
  });
});

type Call = { url: string; method: string; headers: Record<string, string> };

function fakeFetch(answer: (call: Call) => Response): { fetch: typeof fetch; calls: Call[] } {
  const calls: Call[] = [];
  const fn = async (input: string | URL | Request, init?: RequestInit) => {
    const call = {
      url: input.toString(),
      method: init?.method ?? "GET",
      headers: (init?.headers ?? {}) as Record<string, string>,
    };
    calls.push(call);
    return answer(call);
  };
  return { fetch: fn as typeof fetch, calls };
}

describe("headManifest", () => {
  it("returns the Docker-Content-Digest with every manifest kind accepted", async () => {
    const fake = fakeFetch(() => new Response(null, { status: 200, headers: { "Docker-Content-Digest": DIGEST } }));
    expect(await headManifest("10.213.0.1:5000/a/b:t", { insecure: true, fetch: fake.fetch })).toEqual({
      digest: DIGEST,
      mediaType: null,
    });
    expect(fake.calls).toEqual([
      { url: "http://10.213.0.1:5000/v2/a/b/manifests/t", method: "HEAD", headers: { Accept: MANIFEST_ACCEPT } },
    ]);
  });

  it("returns null for a missing tag", async () => {
    const fake = fakeFetch(() => new Response(null, { status: 404 }));
    expect(await headManifest("r.example/a:t", { fetch: fake.fetch })).toBeNull();
  });

  it("answers a Basic challenge with the credentials", async () => {
    const fake = fakeFetch((call) =>
      call.headers.Authorization === `Basic ${Buffer.from("u:p").toString("base64")}`
        ? new Response(null, { status: 200, headers: { "Docker-Content-Digest": DIGEST } })
        : new Response(null, { status: 401, headers: { "WWW-Authenticate": 'Basic realm="r"' } }),
    );
    const info = await headManifest("r.example/a:t", {
      fetch: fake.fetch,
      credentials: { username: "u", password: "p" },
    });
    expect(info?.digest).toBe(DIGEST);
    expect(fake.calls).toHaveLength(2);
  });

  it("fetches a bearer token from the realm", async () => {
    const fake = fakeFetch((call) => {
      if (call.url.startsWith("https://auth.example/token")) return Response.json({ token: "tok" });
      if (call.headers.Authorization === "Bearer tok") {
        return new Response(null, { status: 200, headers: { "Docker-Content-Digest": DIGEST } });
      }
      return new Response(null, {
        status: 401,
        headers: { "WWW-Authenticate": 'Bearer realm="https://auth.example/token",service="r.example"' },
      });
    });
    expect((await headManifest("r.example/a/b:t", { fetch: fake.fetch }))?.digest).toBe(DIGEST);
    expect(fake.calls[1]?.url).toBe("https://auth.example/token?service=r.example&scope=repository%3Aa%2Fb%3Apull");
  });

  it("hashes the manifest when the registry leaves the digest header off", async () => {
    const body = '{"schemaVersion":2}';
    const fake = fakeFetch((call) => new Response(call.method === "GET" ? body : null, { status: 200 }));
    const info = await headManifest("r.example/a:t", { fetch: fake.fetch });
    expect(info?.digest).toBe(`sha256:${createHash("sha256").update(body).digest("hex")}`);
  });

  it("throws a RegistryError with a hint when credentials are refused", async () => {
    const fake = fakeFetch(() => new Response(null, { status: 403 }));
    await expect(headManifest("r.example/a:t", { fetch: fake.fetch })).rejects.toMatchObject({
      name: "RegistryError",
      host: "r.example",
      hint: expect.stringMatching(/user name and password/),
    });
  });

  it("says a registry answers plain http when https fails in the handshake, naming image.insecure (D39)", async () => {
    const failing = (code: string) => async () => {
      throw new TypeError("fetch failed", { cause: Object.assign(new Error(code), { code }) });
    };
    await expect(
      headManifest("10.213.0.1:5000/a:t", { fetch: failing("ERR_SSL_WRONG_VERSION_NUMBER") }),
    ).rejects.toMatchObject({
      message: "cannot reach registry 10.213.0.1:5000: it answers plain http, not https",
      hint: "a registry without TLS needs `image.insecure: true` in slipway.yml (or --insecure-registry)",
    });
    await expect(headManifest("10.213.0.1:5000/a:t", { fetch: failing("ECONNREFUSED") })).rejects.toMatchObject({
      message: "cannot reach registry 10.213.0.1:5000 (ECONNREFUSED)",
    });
  });
});
