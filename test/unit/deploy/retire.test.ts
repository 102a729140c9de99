import { describe, expect, it } from "vitest";
import { historyRepositories } from "../../../src/deploy/retire.js";
import type { ReleaseRecord } from "../../../src/deploy/types.js";

const D = (c: string) => `sha256:${c.repeat(64)}`;
const record = (id: string, images: Record<string, string>): ReleaseRecord => ({
  id,
  commit: "c",
  images,
  time: "2026-11-23T00:00:00Z",
  actor: "a",
  result: "deployed",
});

describe("retire", () => {
  it("collects the image repositories every release ran, without tag or digest", () => {
    const history = {
      releases: [
        record("r1", { backend: `10.213.0.1:5000/slipway/app-backend@${D("a")}` }),
        record("r2", {
          backend: `10.213.0.1:5000/slipway/app-backend@${D("b")}`,
          frontend: "10.213.0.1:5000/slipway/app-frontend:v2",
        }),
        record("r3", {}),
      ],
    };
    expect(historyRepositories(history)).toEqual([
      "10.213.0.1:5000/slipway/app-backend",
      "10.213.0.1:5000/slipway/app-frontend",
    ]);
  });

  it("systemd releases (no images) have no repositories to prune", () => {
    expect(historyRepositories({ releases: [record("r1", {})] })).toEqual([]);
  });
});
