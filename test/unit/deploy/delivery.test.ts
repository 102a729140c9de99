import { describe, expect, it } from "vitest";
import { buildAction, deliveryMethod, pullFailureHint, registryLogin } from "../../../src/deploy/container/delivery.js";

describe("deliveryMethod (image.delivery)", () => {
  it("defaults to the registry pull when a registry is set", () => {
    expect(deliveryMethod({ registry: "10.213.0.1:5000" })).toBe("registry");
  });
  it("defaults to the SSH stream without a registry", () => {
    expect(deliveryMethod({})).toBe("ssh");
  });
  it("an explicit value wins over the default", () => {
    expect(deliveryMethod({ registry: "ghcr.io", delivery: "ssh" })).toBe("ssh");
    expect(deliveryMethod({ delivery: "registry" })).toBe("registry");
  });
});

describe("registryLogin (image.username + image.password_secret)", () => {
  const image = { registry: "ghcr.io/acme", username: "bot", password_secret: "REGISTRY_PASSWORD" };
  it("uses the registry's host part, the user and the secret's value", () => {
    expect(registryLogin(image, { REGISTRY_PASSWORD: "s3cret" })).toEqual({
      registry: "ghcr.io",
      username: "bot",
      password: "s3cret",
    });
  });
  it("is undefined when the user, the secret's value or the registry is missing", () => {
    expect(registryLogin(image, {})).toBeUndefined();
    expect(registryLogin({ ...image, username: undefined }, { REGISTRY_PASSWORD: "x" })).toBeUndefined();
    expect(registryLogin({ ...image, registry: undefined }, { REGISTRY_PASSWORD: "x" })).toBeUndefined();
  });
});

describe("plan words", () => {
  it("says stream over SSH for the SSH delivery and pull by digest for the registry", () => {
    expect(buildAction({ image: { delivery: "ssh" } } as never, "web")).toBe("build the web image, stream it over SSH");
    expect(buildAction({ image: { registry: "r:5000" } } as never, "web")).toBe(
      "build and push the web image, pull it by digest",
    );
  });
  it("a failed pull's hint names the registry and the SSH stream", () => {
    expect(pullFailureHint("10.213.0.1:5000")).toBe(
      "check that the host can reach 10.213.0.1:5000 and log in to it (image.username, image.password_secret); " +
        "a host without registry access can get the image from the runner with `image.delivery: ssh`",
    );
  });
});
