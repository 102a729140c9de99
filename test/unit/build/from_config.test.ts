import { describe, expect, it } from "vitest";
import { imagesFromConfig, serviceRepository } from "../../../src/build/from_config.js";

describe("imagesFromConfig", () => {
  it("maps services with a build section to images in <registry>/<repository>-<service>", () => {
    const config = {
      app: "shop",
      image: { registry: "10.213.0.1:5000" },
      services: {
        web: { build: { context: "web", dockerfile: "Dockerfile", args: { A: "1" }, secrets: ["NPM_TOKEN"] } },
        db: {},
      },
    };
    expect(imagesFromConfig(config, "/repo")).toEqual([
      {
        service: "web",
        repository: "10.213.0.1:5000/shop-web",
        context: "/repo/web",
        dockerfile: "/repo/web/Dockerfile",
        target: undefined,
        buildArgs: { A: "1" },
        secrets: [{ id: "NPM_TOKEN", env: "NPM_TOKEN" }],
      },
    ]);
    expect(serviceRepository({ app: "shop", image: { repository: "acme/shop" }, services: {} }, "api")).toBe(
      "acme/shop-api",
    );
  });
});
