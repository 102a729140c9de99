/** Seed 004: several services from one build (`image_from`), each with its own command. */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { imagesFromConfig } from "../../../../src/build/from_config.js";
import { parseConfigText } from "../../../../src/config/load.js";
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
});
