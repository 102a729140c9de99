import { describe, expect, it } from "vitest";
import {
  loadArgv,
  pullArgv,
  registryLoginArgv,
  removeImageArgv,
  saveArgv,
} from "../../../src/commands/docker-image.js";
import { PullProgressTracker } from "../../../src/delivery/progress.js";
import { deliverByPull } from "../../../src/delivery/pull.js";
import type { DeliveryProgressEvent } from "../../../src/delivery/types.js";
import { FakeHost } from "../engine/fake-host.js";

const DIGEST = `sha256:${"b".repeat(64)}`;
const REF = `10.213.0.1:5000/shop/web@${DIGEST}`;
const ID = `sha256:${"c".repeat(64)}`;

describe("delivery commands", () => {
  it("builds exact argv", () => {
    expect(pullArgv(REF)).toEqual(["docker", "pull", REF]);
    expect(() => pullArgv("10.213.0.1:5000/shop/web:main")).toThrow(/by digest/);
    expect(loadArgv()).toEqual(["docker", "image", "load"]);
    expect(saveArgv(["a:1"])).toEqual(["docker", "image", "save", "a:1"]);
    expect(registryLoginArgv("10.213.0.1:5001", "ci")).toEqual([
      "docker",
      "login",
      "--username",
      "ci",
      "--password-stdin",
      "10.213.0.1:5001",
    ]);
    expect(removeImageArgv(["a:1", `a@${DIGEST}`])).toEqual(["docker", "image", "rm", "a:1", `a@${DIGEST}`]);
  });
});

describe("PullProgressTracker", () => {
  it("counts layers done from docker pull's lines", () => {
    const tracker = new PullProgressTracker();
    const lines = [
      `web@${DIGEST}: Pulling from shop/web`,
      "aaaaaaaaaaaa: Already exists",
      "bbbbbbbbbbbb: Pulling fs layer",
      "cccccccccccc: Pulling fs layer",
      "bbbbbbbbbbbb: Download complete",
      "bbbbbbbbbbbb: Pull complete",
      "cccccccccccc: Verifying Checksum",
    ];
    for (const line of lines) tracker.feed(line);
    expect(tracker.progress()).toEqual({
      layersTotal: 3,
      layersDone: 2,
      status: "cccccccccccc: Verifying Checksum",
    });
    tracker.feed("cccccccccccc: Pull complete");
    tracker.feed(`Digest: ${DIGEST}`);
    expect(tracker.progress()).toMatchObject({ layersTotal: 3, layersDone: 3, status: `Digest: ${DIGEST}` });
  });
});

describe("deliverByPull", () => {
  it("logs in with the password on stdin, pulls by digest with progress, tags, logs out", async () => {
    let pulled = false;
    const host = new FakeHost("t1", (argv) => {
      if (argv[1] === "image" && argv[2] === "inspect") return pulled ? { stdout: `${ID}\n` } : { code: 1 };
      if (argv[1] === "pull") {
        pulled = true;
        return { lines: ["aaaaaaaaaaaa: Pulling fs layer", "aaaaaaaaaaaa: Pull complete", `Digest: ${DIGEST}`] };
      }
      return {};
    });
    const events: DeliveryProgressEvent[] = [];
    const results = await deliverByPull(
      [host],
      [{ service: "web", reference: REF, tagAs: "10.213.0.1:5000/shop/web:abc" }],
      {
        logins: { t1: { registry: "10.213.0.1:5000", username: "ci", password: "s3cret-pw" } },
        onProgress: (event) => events.push(event),
      },
    );
    expect(results).toMatchObject([
      { host: "t1", ok: true, images: [{ service: "web", reference: REF, imageId: ID, action: "pulled" }] },
    ]);
    expect(host.commands.map((call) => call.argv)).toEqual([
      ["docker", "login", "--username", "ci", "--password-stdin", "10.213.0.1:5000"],
      ["docker", "image", "inspect", "--format", "{{.Id}}", REF],
      ["docker", "pull", REF],
      ["docker", "image", "inspect", "--format", "{{.Id}}", REF],
      ["docker", "image", "tag", REF, "10.213.0.1:5000/shop/web:abc"],
      ["docker", "logout", "10.213.0.1:5000"],
    ]);
    expect(host.commands[0]?.stdin).toBe("s3cret-pw\n");
    expect(host.commands.flatMap((call) => call.argv).join(" ")).not.toContain("s3cret-pw");
    expect(events.at(-1)).toEqual({ host: "t1", service: "web", kind: "done", done: 1, total: 1, status: "pulled" });
    expect(events.some((event) => event.kind === "layers" && event.done === 1 && event.total === 1)).toBe(true);
  });

  it("skips a host that has the digest and reports a failing host without stopping the others", async () => {
    const present = new FakeHost("t1", () => ({ stdout: ID }));
    const broken = new FakeHost("t2", (argv) =>
      argv[1] === "pull" ? { code: 1, stderr: "no route" } : argv[1] === "image" ? { code: 1 } : {},
    );
    const results = await deliverByPull([present, broken], [{ service: "web", reference: REF }], {
      logins: { t2: { registry: "r:5000", username: "u", password: "p" } },
    });
    expect(results[0]).toMatchObject({ host: "t1", ok: true, images: [{ action: "present" }] });
    expect(present.commands).toHaveLength(1);
    expect(results[1]).toMatchObject({ host: "t2", ok: false });
    expect(results[1]?.error?.host).toBe("t2");
    // logged out even though the pull failed
    expect(broken.commands.at(-1)?.argv).toEqual(["docker", "logout", "r:5000"]);
  });
});
