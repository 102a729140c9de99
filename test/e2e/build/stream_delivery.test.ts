import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deliverByStream } from "../../../src/delivery/stream.js";
import type { DeliveryProgressEvent } from "../../../src/delivery/types.js";
import type { RemoteHost } from "../../../src/remote/types.js";
import {
  buildTinyImage,
  connectTargets,
  docker,
  loadInventory,
  removeTargetImages,
  runId,
  type SandboxInventory,
} from "./helpers.js";

/**
 * Registry-less delivery to a host that cannot reach the registry. The block is real: an iptables rule inside the
 * target (its own network namespace) rejects its traffic to the sandbox registry, and the test shows a pull fails
 * before streaming the image over SSH.
 */
describe("registry-less delivery over SSH", () => {
  let inventory: SandboxInventory;
  let hosts: RemoteHost[];
  let blocked: RemoteHost;
  let blockRule: string[];
  const id = runId();
  let reference: string;
  let imageId: string;

  beforeAll(async () => {
    inventory = loadInventory();
    hosts = await connectTargets(inventory);
    blocked = hosts[hosts.length - 1] as RemoteHost;
    const [registryHost, registryPort] = inventory.registry.split(":") as [string, string];
    blockRule = ["OUTPUT", "-d", registryHost, "-p", "tcp", "--dport", registryPort, "-j", "REJECT"];
    await blocked.exec(["iptables", "-I", ...blockRule], { become: true });
    reference = `${inventory.registry}/e2e-${id}/offline:1`;
    imageId = await buildTinyImage(reference, randomBytes(2 << 20));
  });

  afterAll(async () => {
    await blocked?.exec(["iptables", "-D", ...blockRule], { become: true, check: false });
    for (const host of hosts ?? []) {
      await removeTargetImages(host, [reference]);
      await host.close();
    }
    if (reference) await docker("image", "rm", reference).catch(() => "");
  });

  it("the blocked target really cannot reach the registry", async () => {
    const probe = await blocked.exec(
      ["curl", "-sS", "--max-time", "5", "-o", "/dev/null", `http://${inventory.registry}/v2/`],
      { check: false },
    );
    expect(probe.code).not.toBe(0);
    const pull = await blocked.exec(["docker", "pull", `${inventory.registry}/e2e-${id}/offline:1`], {
      check: false,
      timeoutMs: 60_000,
    });
    expect(pull.code).not.toBe(0);
  });

  it("streams docker save | gzip into docker load, then skips a host that has the image id", async () => {
    const events: DeliveryProgressEvent[] = [];
    const [result] = await deliverByStream([blocked], [{ service: "offline", reference }], {
      onProgress: (event) => events.push(event),
    });
    expect(result?.error?.describe()).toBeUndefined();
    expect(result).toMatchObject({ host: blocked.name, ok: true, images: [{ action: "streamed", imageId }] });
    const loaded = await blocked.exec(["docker", "image", "inspect", "--format", "{{.Id}}", reference]);
    expect(loaded.stdout.trim()).toBe(imageId);
    expect(events.at(-1)).toMatchObject({ kind: "done", host: blocked.name });

    const [again] = await deliverByStream([blocked], [{ service: "offline", reference }]);
    expect(again).toMatchObject({ ok: true, images: [{ action: "present", imageId }] });
  });

  it("fans one stream out to several hosts", async () => {
    await removeTargetImages(blocked, [reference]);
    const results = await deliverByStream(hosts, [{ service: "offline", reference }], { gzipLevel: 1 });
    for (const result of results) {
      expect(result.error?.describe()).toBeUndefined();
      expect(result.images[0]?.imageId).toBe(imageId);
    }
    expect(results.find((result) => result.host === blocked.name)?.images[0]?.action).toBe("streamed");
  });
});
