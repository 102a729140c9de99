import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config/index.js";
import { historyRepositories, retireOld } from "../../../src/deploy/retire.js";
import type { ReleaseRecord } from "../../../src/deploy/types.js";
import type { RemoteHost } from "../../../src/remote/types.js";

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

describe("retireOld", () => {
  const repo = "10.213.0.1:5000/slipway/app-backend";
  const ref = (c: string) => `${repo}@${D(c)}`;
  const history = {
    releases: [
      record("r1", { backend: ref("a") }),
      record("r2", { backend: ref("b") }),
      record("r3", { backend: ref("c") }),
    ],
  };

  /** A host with one image per release, no containers, no backups; records the commands that change things. */
  function fakeHost() {
    const changes: string[][] = [];
    const res = (stdout = "") => ({ code: 0, signal: null, stdout, stderr: "", durationMs: 0 });
    const images = ["a", "b", "c"].map((c) => ({ Id: `sha256:${c}${c}`, RepoTags: [], RepoDigests: [ref(c)] }));
    const host = {
      name: "t9",
      async exec(argv: readonly string[]) {
        const cmd = argv.slice(0, 3).join(" ");
        if (cmd === "docker image ls") return res(images.map((i) => i.Id).join("\n"));
        if (cmd === "docker image inspect") return res(JSON.stringify(images));
        if (cmd === "docker container ls") return res("");
        if (argv[0] === "sh") return res("");
        changes.push([...argv]);
        return res();
      },
      async putFile(path: string) {
        changes.push(["put", path]);
        return { changed: true, sha256: "" };
      },
      async readFile() {
        return undefined;
      },
    } as unknown as RemoteHost;
    return { host, changes };
  }

  it("removes the release dirs and images beyond releases.keep, never the live or previous release's", async () => {
    const config = await loadConfig(resolve(import.meta.dirname, "../../../examples/flask-docker/slipway.yml"));
    const { host, changes } = fakeHost();
    const said: string[] = [];
    const kept = await retireOld({
      host,
      config: { ...config, releases: { ...config.releases, keep: 1 } },
      history,
      live: "r3",
      previous: "r2",
      say: (l) => said.push(l),
    });
    expect(kept.releases.map((r) => r.id)).toEqual(["r2", "r3"]);
    expect(changes).toEqual([
      ["rm", "-rf", "--", "/opt/flask-docker/releases/r1"],
      ["put", "/opt/flask-docker/releases.json"],
      ["docker", "image", "rm", ref("a")],
    ]);
    expect(said).toContain("pruned 1 image(s) of releases beyond releases.keep");
  });
});
