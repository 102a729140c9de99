import { describe, expect, it } from "vitest";
import {
  containerName,
  dockerBuildArgs,
  dockerRunArgs,
  EXAMPLE_IMAGES,
  imageTag,
  parsePublishedPort,
} from "../../e2e/examples/example-images.js";

const flaskDocker = EXAMPLE_IMAGES.find((example) => example.name === "flask-docker");
if (!flaskDocker) throw new Error("flask-docker missing from EXAMPLE_IMAGES");

describe("example image argv builders", () => {
  it("builds a healthy image with its version baked in", () => {
    expect(dockerBuildArgs(flaskDocker, "ok")).toEqual([
      "build",
      "--quiet",
      "--tag",
      "slipway-e2e-example-flask-docker:ok",
      "--build-arg",
      "APP_VERSION=e2e-flask-docker-ok",
      "examples/flask-docker",
    ]);
  });

  it("builds a broken variant as its own tag", () => {
    expect(dockerBuildArgs(flaskDocker, "after-switch")).toEqual([
      "build",
      "--quiet",
      "--tag",
      "slipway-e2e-example-flask-docker:after-switch",
      "--build-arg",
      "APP_VERSION=e2e-flask-docker-after-switch",
      "--build-arg",
      "BROKEN=after-switch",
      "examples/flask-docker",
    ]);
  });

  it("runs detached with the app port published on loopback only", () => {
    expect(dockerRunArgs(flaskDocker, "ok", { volumes: ["v:/app/instance"], suffix: "gen1" })).toEqual([
      "run",
      "--detach",
      "--name",
      "slipway-e2e-example-flask-docker-ok-gen1",
      "--publish",
      "127.0.0.1::8887",
      "--volume",
      "v:/app/instance",
      "slipway-e2e-example-flask-docker:ok",
    ]);
    expect(containerName(flaskDocker, "crash")).toBe("slipway-e2e-example-flask-docker-crash");
    expect(imageTag(flaskDocker, "unhealthy")).toBe("slipway-e2e-example-flask-docker:unhealthy");
  });

  it("reads the published loopback port and refuses any other address", () => {
    expect(parsePublishedPort("127.0.0.1:49153\n")).toBe(49153);
    expect(() => parsePublishedPort("0.0.0.0:49153")).toThrow(/expected a 127.0.0.1:PORT mapping/);
  });

  it("lists one image per example service, each with a distinct port", () => {
    expect(EXAMPLE_IMAGES.map((example) => [example.name, example.port])).toEqual([
      ["harvest-backend", 5001],
      ["harvest-frontend", 8050],
      ["duckdb-backend", 12015],
      ["duckdb-frontend", 12016],
      ["flask-docker", 8887],
    ]);
  });
});
