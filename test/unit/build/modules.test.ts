import { describe, expect, it } from "vitest";
import { identityRedactor, type ModuleContext } from "../../../src/engine/types.js";
import { imageDeliveryModule } from "../../../src/modules/image_delivery.js";
import { FakeHost } from "../engine/fake-host.js";

const REF = `10.213.0.1:5000/shop-web@sha256:${"d".repeat(64)}`;
const ID = `sha256:${"e".repeat(64)}`;

function context(host: FakeHost, check: boolean): ModuleContext {
  return {
    host,
    check,
    diff: false,
    become: false,
    facts: undefined,
    vars: {},
    redactor: identityRedactor,
    baseDir: ".",
    step: "deliver images",
  };
}

describe("image_delivery module", () => {
  it("reports in check mode what it would pull, without pulling", async () => {
    const host = new FakeHost("t1", () => ({ code: 1 }));
    const args = imageDeliveryModule.argsSchema.parse({
      action: "deliver",
      method: "registry",
      images: [{ service: "web", reference: REF }],
    });
    expect(await imageDeliveryModule.run(context(host, true), args)).toEqual({
      status: "changed",
      msg: "would pull web",
    });
    expect(host.commands.map((call) => call.argv[1])).toEqual(["image"]);
  });

  it("is ok when the host already has the image", async () => {
    const host = new FakeHost("t1", () => ({ stdout: ID }));
    const args = imageDeliveryModule.argsSchema.parse({
      action: "deliver",
      method: "registry",
      images: [{ service: "web", reference: REF }],
    });
    expect(await imageDeliveryModule.run(context(host, false), args)).toMatchObject({
      status: "ok",
      msg: "web present",
    });
  });

  it("prunes nothing in check mode", async () => {
    const host = new FakeHost("t1", (argv) =>
      argv[2] === "inspect"
        ? { stdout: JSON.stringify([{ Id: ID, RepoTags: ["10.213.0.1:5000/shop-web:old"], RepoDigests: [] }]) }
        : argv[2] === "ls" && argv[1] === "image"
          ? { stdout: ID }
          : {},
    );
    const args = imageDeliveryModule.argsSchema.parse({
      action: "prune",
      repositories: ["10.213.0.1:5000/shop-web"],
      releases: [],
      keep: 2,
    });
    expect(await imageDeliveryModule.run(context(host, true), args)).toMatchObject({
      status: "changed",
      msg: "would remove 1 image(s)",
    });
    expect(host.commands.some((call) => call.argv[2] === "rm")).toBe(false);
  });
});
