import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pruneImages } from "../../../src/delivery/prune.js";
import { deliverByStream } from "../../../src/delivery/stream.js";
import type { RemoteHost } from "../../../src/remote/types.js";
import { buildTinyImage, connectTargets, docker, loadInventory, removeTargetImages, runId } from "./helpers.js";

/**
 * Four releases of one service (tiny images streamed to t1), plus another app's image and a stopped container: prune
 * must keep exactly the last `keep` releases, the live and the previous one, and what a container uses.
 */
describe("image prune on a host", () => {
  let host: RemoteHost;
  let others: RemoteHost[];
  const id = runId();
  let repository: string;
  let otherApp: string;
  const ids: Record<string, string> = {};
  let container = "";

  const releases = () =>
    ["r1", "r2", "r3", "r4"].map((release) => ({ id: release, images: [`${repository}:${release}`] }));
  const present = async () => {
    const found: string[] = [];
    for (const release of ["r1", "r2", "r3", "r4"]) {
      const probe = await host.exec(["docker", "image", "inspect", `${repository}:${release}`], { check: false });
      if (probe.code === 0) found.push(release);
    }
    return found;
  };

  beforeAll(async () => {
    const inventory = loadInventory();
    [host, ...others] = (await connectTargets(inventory)) as [RemoteHost, ...RemoteHost[]];
    repository = `${inventory.registry}/e2e-${id}/prune-web`;
    otherApp = `${inventory.registry}/e2e-${id}/other-app:1`;
    for (const release of ["r1", "r2", "r3", "r4"]) {
      ids[release] = await buildTinyImage(`${repository}:${release}`, `release ${release} ${id}\n`);
    }
    await buildTinyImage(otherApp, `other ${id}\n`);
    const images = [...["r1", "r2", "r3", "r4"].map((r) => `${repository}:${r}`), otherApp];
    const [result] = await deliverByStream(
      [host],
      images.map((reference) => ({ service: "web", reference })),
    );
    expect(result?.ok).toBe(true);
  });

  afterAll(async () => {
    if (container) await host?.exec(["docker", "container", "rm", container], { check: false });
    await removeTargetImages(host, [...["r1", "r2", "r3", "r4"].map((r) => `${repository}:${r}`), otherApp]);
    for (const h of [host, ...(others ?? [])]) await h?.close();
    for (const release of ["r1", "r2", "r3", "r4"])
      await docker("image", "rm", `${repository}:${release}`).catch(() => "");
    await docker("image", "rm", otherApp).catch(() => "");
  });

  it("plans without removing in dry-run mode", async () => {
    const result = await pruneImages(host, {
      repositories: [repository],
      releases: releases(),
      keep: 1,
      live: "r4",
      previous: "r3",
      dryRun: true,
    });
    expect(result.plan.remove.map((image) => image.id).sort()).toEqual([ids.r1, ids.r2].sort());
    expect(await present()).toEqual(["r1", "r2", "r3", "r4"]);
  });

  it("keeps a stopped container's image, then keeps exactly the last `keep`, live and previous", async () => {
    container = (await host.exec(["docker", "container", "create", `${repository}:r1`])).stdout.trim();
    const withContainer = await pruneImages(host, {
      repositories: [repository],
      releases: releases(),
      keep: 1,
      live: "r4",
      previous: "r3",
    });
    expect(withContainer.removed).toEqual([ids.r2]);
    expect(await present()).toEqual(["r1", "r3", "r4"]);

    await host.exec(["docker", "container", "rm", container]);
    container = "";
    // After a rollback to r3 the previous release is r1 (r4 failed its checks): keep 0 still keeps both.
    const afterRollback = await pruneImages(host, {
      repositories: [repository],
      releases: releases(),
      keep: 0,
      live: "r3",
      previous: "r1",
    });
    expect(afterRollback.removed).toEqual([ids.r4]);
    expect(await present()).toEqual(["r1", "r3"]);
    const other = await host.exec(["docker", "image", "inspect", otherApp], { check: false });
    expect(other.code).toBe(0);
  });
});
