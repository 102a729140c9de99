import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import type { BackupManifest } from "../../../src/backup/types.js";
import { loadConfig } from "../../../src/config/index.js";
import { historyBackups, historyRepositories, retireOld } from "../../../src/deploy/retire.js";
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

  /** A host with one image per release, no containers, `backups`; records the commands that change things. */
  function fakeHost(backups: BackupManifest[] = []) {
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
        if (argv[0] === "sh" && argv[3] === "sh" && String(argv[4]).endsWith("/backups")) {
          return res(backups.map((m) => `${JSON.stringify(m)}\n${argv[5]}\n`).join(""));
        }
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
      // No image brought: r1 drops out of keep, and its image is one no kept release runs.
      delivered: false,
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

  it("reads no image of the host when the run brought none and every release stays kept (a re-deploy, a rollback)", async () => {
    const config = await loadConfig(resolve(import.meta.dirname, "../../../examples/flask-docker/slipway.yml"));
    const reads: string[] = [];
    const { host } = fakeHost();
    const exec = host.exec.bind(host);
    host.exec = (argv, options) => {
      if (argv[0] === "docker") reads.push(argv.slice(0, 3).join(" "));
      return exec(argv, options);
    };
    const input = { host, config, history, live: "r2", previous: "r3", say: () => undefined };
    await retireOld({ ...input, delivered: false });
    expect(reads).toEqual([]);
    await retireOld({ ...input, delivered: true });
    expect(reads).toEqual(["docker image ls", "docker image inspect", "docker container ls"]);
  });

  /** A manifest of backup `id` (`<release>-<stamp>`) taken at minute `minute`. */
  function backup(id: string, minute: number): BackupManifest {
    return {
      id,
      file: `${id}.sqlite3`,
      release: id.slice(0, id.lastIndexOf("-")),
      createdAt: new Date(Date.UTC(2026, 10, 30, 16, minute)).toISOString(),
      reason: "deploy",
      database: { engine: "sqlite", name: "notes.db", location: "volume notes-instance" },
      tool: { name: "sqlite3", version: "3.40.1" },
      sizeBytes: 1,
      sha256: "0".repeat(64),
      durationMs: 1,
      verified: [],
    };
  }

  it("never prunes a backup the kept history names, however many failed attempts came after it (trial 3)", async () => {
    const config = await loadConfig(resolve(import.meta.dirname, "../../../examples/flask-docker/slipway.yml"));
    // v1, v2 deployed (v2's record names its backup, taken before it in the old `_` form), three failed attempts each
    // took a backup, then v3 deployed; keep 2 backups, 3 releases.
    const v2Backup = "v2_20261130165844-20261130T165849248Z";
    const named = {
      releases: [
        { ...record("v1-20261130160000", {}), backup: "v1-20261130160000-20261130T160001000Z" },
        { ...record("v2-20261130165844", {}), backup: v2Backup },
        { ...record("v3-20261130170000", {}), backup: "v3-20261130170000-20261130T170500000Z" },
      ],
    };
    const manifests = [
      backup("v1-20261130160000-20261130T160001000Z", 0),
      backup(v2Backup, 1),
      backup("f1-20261130165900-20261130T170100000Z", 2),
      backup("f2-20261130165950-20261130T170200000Z", 3),
      backup("f3-20261130170000-20261130T170300000Z", 4),
      backup("v3-20261130170000-20261130T170500000Z", 5),
    ];
    const { host, changes } = fakeHost(manifests);
    const said: string[] = [];
    await retireOld({
      host,
      config: {
        ...config,
        releases: { ...config.releases, keep: 3 },
        database: config.database && { ...config.database, backups: { ...config.database.backups, keep: 2 } },
      },
      history: named,
      live: "v3-20261130170000",
      previous: "v2-20261130165844",
      delivered: false,
      say: (l) => said.push(l),
    });
    const dir = "/opt/flask-docker/backups";
    expect(changes).toEqual([
      [
        "rm",
        "-f",
        "--",
        `${dir}/f2-20261130165950-20261130T170200000Z.sqlite3`,
        `${dir}/f2-20261130165950-20261130T170200000Z.json`,
        `${dir}/f1-20261130165900-20261130T170100000Z.sqlite3`,
        `${dir}/f1-20261130165900-20261130T170100000Z.json`,
      ],
    ]);
    expect(said).toEqual([
      "pruned backups f2-20261130165950-20261130T170200000Z, f1-20261130165900-20261130T170100000Z (database.backups.keep 2)",
    ]);
  });

  it("lists the backups the history's records name", () => {
    expect(historyBackups({ releases: [{ ...record("a", {}), backup: "a-1" }, record("b", {})] })).toEqual(["a-1"]);
  });
});
