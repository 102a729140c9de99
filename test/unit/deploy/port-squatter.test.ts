/** D12: under runtime systemd, a process already on the idle color's port must not pass the gate for the release. */
import { describe, expect, it } from "vitest";
import { systemdRuntime } from "../../../src/deploy/systemd-runtime.js";
import { SlipwayError } from "../../../src/errors.js";
import { FakeHost } from "../engine/fake-host.js";
import { configWith } from "../render/from-config/config.js";

const squatted = (line: string | null, code = 0) => {
  const host = new FakeHost("t7");
  host.handlers.set("ss", () => ({ code, stdout: line ?? "" }));
  return host;
};

describe("start refuses a port already in use (runtime systemd)", () => {
  it("stops the idle color, finds a foreign listener on its port and fails at start naming it; nothing started", async () => {
    const host = squatted('LISTEN 0 5 127.0.0.1:15001 0.0.0.0:* users:(("gunicorn",pid=4242,fd=5))');
    const error = await systemdRuntime(configWith({}), host)
      .start("green")
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SlipwayError);
    const e = error as SlipwayError;
    expect(e.message).toBe(
      "port 15001 of api (green) is already in use: gunicorn (pid 4242) listens on 127.0.0.1:15001, not shop-api@green",
    );
    expect({ host: e.host, step: e.step, hint: e.hint }).toEqual({
      host: "t7",
      step: "start",
      hint: "stop it, or change services.api.port (the green color's port); the live color was not touched",
    });
    expect(host.ran).toEqual([
      "systemctl stop -- shop-api@green.service shop-web@green.service",
      "ss -Hltnp ( sport = :15001 or sport = :18050 )",
    ]);
    expect(host.ran.some((c) => c.includes("@blue"))).toBe(false);
  });

  it("names the port alone when ss cannot see the process (another user's)", async () => {
    const host = squatted("LISTEN 0 5 0.0.0.0:18050 0.0.0.0:*");
    const error = (await systemdRuntime(configWith({}), host)
      .start("green")
      .catch((e: unknown) => e)) as SlipwayError;
    expect(error.message).toBe(
      "port 18050 of web (green) is already in use: a process listens on 0.0.0.0:18050, not shop-web@green",
    );
  });

  it("starts the color when its ports are free, or when ss is missing", async () => {
    for (const host of [squatted(null), squatted(null, 127)]) {
      await systemdRuntime(configWith({}), host).start("blue");
      expect(host.ran).toEqual([
        "systemctl stop -- shop-api@blue.service shop-web@blue.service",
        "ss -Hltnp ( sport = :5001 or sport = :8050 )",
        "systemctl start -- shop-api@blue.service shop-web@blue.service",
      ]);
    }
  });
});
