import { describe, expect, it } from "vitest";
import { pruneImages } from "../../../src/delivery/prune.js";
import { type HostImage, imagePruneReason, planImagePrune } from "../../../src/delivery/prune_plan.js";
import { FakeHost } from "../engine/fake-host.js";

const repo = "10.213.0.1:5000/shop/web";
const digest = (n: number) => `sha256:${String(n).repeat(64).slice(0, 64)}`;
const id = (n: number) =>
  `sha256:${String(n + 5)
    .repeat(64)
    .slice(0, 64)}`;
const image = (n: number): HostImage => ({
  id: id(n),
  repoTags: [`${repo}:r${n}`],
  repoDigests: [`${repo}@${digest(n)}`],
});
const releases = [1, 2, 3, 4].map((n) => ({ id: `r${n}`, images: [`${repo}@${digest(n)}`] }));
const hostImages = [1, 2, 3, 4].map(image);
const ids = (images: HostImage[]) => images.map((i) => i.id);

describe("imagePruneReason", () => {
  const kept = { releases, keep: 2, live: "r4", previous: "r3" };

  it("reads the host when this run brought an image, or when the runtime cannot tell", () => {
    expect(imagePruneReason({ ...kept, releases: releases.slice(2), delivered: true })).toBe(
      "this run brought an image onto the host",
    );
    expect(imagePruneReason({ ...kept, releases: releases.slice(2), delivered: undefined })).toBe(
      "the runtime does not say whether this run brought an image",
    );
  });

  it("reads nothing when no image came and every release of the history is kept", () => {
    expect(imagePruneReason({ ...kept, releases: releases.slice(2), delivered: false })).toBeNull();
    // keep 2 of r3, r4 and the live r4 / previous r3 (a rollback between them): nothing drops out.
    expect(
      imagePruneReason({ ...kept, releases: releases.slice(2), live: "r3", previous: "r4", delivered: false }),
    ).toBeNull();
  });

  it("reads the host when a release drops out of keep with an image no kept release runs", () => {
    expect(imagePruneReason({ ...kept, delivered: false })).toBe(
      `release r1 is no longer kept and ran ${repo}@${digest(1)}`,
    );
  });

  it("reads nothing when the release dropping out ran a kept release's image (by another name of it)", () => {
    const same = [
      { id: "r1", images: [`docker.io/library/nginx@${digest(1)}`] },
      { id: "r2", images: [`nginx@${digest(1)}`] },
    ];
    expect(imagePruneReason({ releases: same, keep: 1, live: "r2", previous: null, delivered: false })).toBeNull();
  });

  it("refuses a keep that is not a whole number, as the plan does", () => {
    expect(() => imagePruneReason({ ...kept, keep: -1, delivered: false })).toThrow("keep must be a whole number >= 0");
  });
});

describe("planImagePrune", () => {
  it("keeps the last `keep` releases' images", () => {
    const plan = planImagePrune({ releases, keep: 2, live: "r4", previous: "r3", hostImages, inUse: [] });
    expect(ids(plan.keep)).toEqual([id(3), id(4)]);
    expect(ids(plan.remove)).toEqual([id(1), id(2)]);
    expect(plan.reasons[id(4)]).toEqual(["release r4 is live"]);
  });

  it("never removes the live or previous release's image, even with keep 0 or after a rollback", () => {
    const plan = planImagePrune({ releases, keep: 0, live: "r2", previous: "r1", hostImages, inUse: [] });
    expect(ids(plan.keep)).toEqual([id(1), id(2)]);
    const keepOne = planImagePrune({ releases, keep: 1, live: "r2", previous: "r1", hostImages, inUse: [] });
    expect(ids(keepOne.keep)).toEqual([id(1), id(2), id(4)]);
  });

  it("keeps images a container uses and matches by id, tag or familiar names", () => {
    const plan = planImagePrune({
      releases: [
        { id: "a", images: [id(1)] },
        { id: "b", images: [`${repo}:r2`] },
        { id: "c", images: ["docker.io/library/nginx:1.25"] },
      ],
      keep: 3,
      live: null,
      previous: null,
      hostImages: [...hostImages, { id: id(7), repoTags: ["nginx:1.25"], repoDigests: [] }],
      inUse: [id(3)],
    });
    expect(ids(plan.keep)).toEqual([id(1), id(2), id(3), id(7)]);
    expect(ids(plan.remove)).toEqual([id(4)]);
    expect(plan.reasons[id(3)]).toEqual(["a container uses it"]);
  });

  it("refuses a negative keep", () => {
    expect(() => planImagePrune({ releases, keep: -1, live: null, previous: null, hostImages, inUse: [] })).toThrow();
  });
});

describe("pruneImages", () => {
  it("removes every reference of each image to drop and reports refusals", async () => {
    const inspect = hostImages.map((i) => ({ Id: i.id, RepoTags: i.repoTags, RepoDigests: i.repoDigests }));
    const host = new FakeHost("t1", (argv) => {
      const command = argv.slice(1, 3).join(" ");
      if (command === "image ls") return { stdout: `${hostImages.map((i) => i.id).join("\n")}\n` };
      if (command === "image inspect") return { stdout: JSON.stringify(inspect) };
      if (command === "container ls") return { stdout: "" };
      if (command === "image rm" && argv.includes(`${repo}:r1`)) return { code: 1, stderr: "conflict" };
      return {};
    });
    const result = await pruneImages(host, {
      repositories: [repo],
      releases,
      keep: 2,
      live: "r4",
      previous: "r3",
    });
    expect(result.removed).toEqual([id(2)]);
    expect(result.failed).toEqual([{ id: id(1), message: "conflict" }]);
    expect(host.commands.filter((c) => c.argv[2] === "rm").map((c) => c.argv)).toEqual([
      ["docker", "image", "rm", `${repo}:r1`, `${repo}@${digest(1)}`],
      ["docker", "image", "rm", `${repo}:r2`, `${repo}@${digest(2)}`],
    ]);
  });
});
