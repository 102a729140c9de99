/** Seed 004: several services from one build (`image_from`), each with its own command. */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { imagesFromConfig } from "../../../../src/build/from_config.js";
import { parseConfigText } from "../../../../src/config/load.js";
import { containerRunOf } from "../../../../src/deploy/container/run-spec.js";
import { composeFromConfig, imageRepository, serviceImageRef } from "../../../../src/render/from-config/index.js";

const API = `registry.example.com/cv3-api@sha256:${"1".repeat(64)}`;
const config = () =>
  parseConfigText(
    readFileSync("test/fixtures/config/valid/several-processes-one-build.yml", "utf8"),
    "/tmp/slipway.yml",
  );

describe("image_from", () => {
  it("builds the image once and runs it for both services, each with its command", () => {
    const c = config();
    expect(imagesFromConfig(c, "/src").map((i) => i.service)).toEqual(["api"]);
    expect(imageRepository(c, "worker")).toBe("registry.example.com/cv3-api");
    expect(serviceImageRef(c, "worker", { api: API })).toBe(API);
    expect(serviceImageRef(c, "worker", {})).toBeUndefined();
    const model = composeFromConfig(c, { color: "green", images: { api: API } });
    expect(model.services.map((s) => [s.name, s.image, s.command])).toEqual([
      ["api", API, ["python3", "-m", "cv3.api"]],
      ["worker", API, ["python3", "-m", "cv3.worker"]],
    ]);
  });

  it("a worker without port (D67) publishes nothing and gets no PORT, under compose and container", () => {
    const text = readFileSync("test/fixtures/config/valid/several-processes-one-build.yml", "utf8");
    const c = parseConfigText(text.replace("    port: 5001\n", ""), "/tmp/slipway.yml");
    const model = composeFromConfig(c, { color: "green", images: { api: API } });
    const [api, worker] = model.services;
    expect(api?.ports).toEqual([{ hostIp: "127.0.0.1", hostPort: 15000, containerPort: 5000 }]);
    expect(api?.environment.PORT).toBe("5000");
    expect(worker?.ports).toEqual([]);
    expect(worker?.environment).toEqual({ SLIPWAY_COLOR: "green" });
    const run = containerRunOf({
      app: "cv3",
      service: "worker",
      color: "green",
      config: c.services.worker as NonNullable<typeof c.services.worker>,
      image: API,
      envFile: "/opt/cv3/env/worker-green.env",
      releaseId: "r1",
    } as Parameters<typeof containerRunOf>[0]);
    expect(run.publish).toEqual([]);
  });
});
