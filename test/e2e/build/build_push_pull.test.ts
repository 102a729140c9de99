import { resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BuiltImage, buildImages, formatBuiltImages, type ImageToBuild } from "../../../src/build/build_images.js";
import { detectGitInfo, type GitInfo } from "../../../src/build/git_info.js";
import { headManifest } from "../../../src/build/registry.js";
import { deliverByPull } from "../../../src/delivery/pull.js";
import type { DeliveryProgressEvent } from "../../../src/delivery/types.js";
import type { RemoteHost } from "../../../src/remote/types.js";
import { connectTargets, docker, loadInventory, removeTargetImages, runId, type SandboxInventory } from "./helpers.js";

const ROOT = resolve(import.meta.dirname, "../../..");

/** The example apps' images (their Dockerfiles build FROM slipway-base:latest, which the sandbox provides). */
function exampleImages(registry: string, id: string): ImageToBuild[] {
  return [
    { service: "flask-docker", context: "examples/flask-docker" },
    { service: "duckdb-backend", context: "examples/duckdb-compose/backend" },
    { service: "duckdb-frontend", context: "examples/duckdb-compose/frontend" },
  ].map(({ service, context }) => ({
    service,
    repository: `${registry}/e2e-${id}/${service}`,
    context: resolve(ROOT, context),
  }));
}

describe("build, push, pull by digest", () => {
  let inventory: SandboxInventory;
  let hosts: RemoteHost[];
  let git: GitInfo;
  let images: ImageToBuild[];
  let first: BuiltImage[];

  beforeAll(async () => {
    inventory = loadInventory();
    hosts = await connectTargets(inventory);
    git = await detectGitInfo(ROOT);
    images = exampleImages(inventory.registry, runId());
  });

  afterAll(async () => {
    const references = (first ?? []).flatMap((image) => [
      image.reference,
      ...image.tags.map((tag) => `${image.repository}:${tag}`),
    ]);
    for (const host of hosts ?? []) {
      await removeTargetImages(host, references);
      await host.close();
    }
    await docker("image", "rm", ...references).catch(() => "");
  });

  it("builds the example apps with the classic builder, tags, labels and pushes them with their digests", async () => {
    const lines: string[] = [];
    first = await buildImages(images, {
      git,
      latest: true,
      builder: "auto",
      registries: { [inventory.registry]: { insecure: true } },
      onLine: (service, line) => lines.push(`${service}: ${line}`),
    });
    console.log(formatBuiltImages(first));
    expect(first.map((image) => image.skipped)).toEqual([false, false, false]);
    for (const image of first) {
      expect(image.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(image.reference).toBe(`${image.repository}@${image.digest}`);
      expect(image.tags).toEqual([git.commitSha, ...(git.branch ? [expect.any(String)] : []), "latest"]);
      for (const tag of image.tags) {
        const manifest = await headManifest(`${image.repository}:${tag}`, { insecure: true });
        expect(manifest?.digest).toBe(image.digest);
      }
      const labels = JSON.parse(
        await docker("image", "inspect", "--format", "{{json .Config.Labels}}", image.reference),
      );
      expect(labels["org.opencontainers.image.revision"]).toBe(git.commitSha);
      expect(labels["org.opencontainers.image.created"]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    }
    expect(lines.some((line) => line.includes("Step 1/"))).toBe(true);
  });

  it("skips build and push when the registry already has the commit's tag", async () => {
    const second = await buildImages(images, {
      git,
      latest: true,
      registries: { [inventory.registry]: { insecure: true } },
    });
    console.log(`second run: ${second.map((image) => `${image.service} ${image.durationMs} ms`).join(", ")}`);
    expect(second.map((image) => image.skipped)).toEqual([true, true, true]);
    expect(second.map((image) => image.reference)).toEqual(first.map((image) => image.reference));
  });

  it("pulls every image by digest on both targets in parallel, with progress, and the second time pulls nothing", async () => {
    const events: DeliveryProgressEvent[] = [];
    const toDeliver = first.map((image) => ({
      service: image.service,
      reference: image.reference,
      tagAs: `${image.repository}:${git.commitSha}`,
    }));
    const results = await deliverByPull(hosts, toDeliver, { onProgress: (event) => events.push(event) });
    for (const result of results) {
      expect(result.error?.describe()).toBeUndefined();
      expect(result.ok).toBe(true);
      expect(result.images.map((image) => image.action)).toEqual(["pulled", "pulled", "pulled"]);
      // Pushed by the classic builder, the image id on the target is the runner's image id.
      expect(result.images.map((image) => image.imageId)).toEqual(first.map((image) => image.imageId));
    }
    expect(new Set(events.map((event) => event.host))).toEqual(new Set(hosts.map((host) => host.name)));
    expect(events.some((event) => event.kind === "layers" && event.total !== null && event.total > 0)).toBe(true);

    const again = await deliverByPull(hosts, toDeliver);
    for (const result of again)
      expect(result.images.map((image) => image.action)).toEqual(["present", "present", "present"]);
  });
});
