import { afterAll, describe, expect, it } from "vitest";
import { HostKeyError } from "../../../src/errors.js";
import { ConnectionPool, connect } from "../../../src/remote/index.js";
import { ED25519 } from "../../unit/remote/keys.js";
import { sandboxHostname } from "../support/sandbox.js";
import { target } from "./sandbox-targets.js";

const pool = new ConnectionPool();
afterAll(() => pool.closeAll());

const fakePin = (host: string) => `${host} ssh-ed25519 ${ED25519.base64}\n`;

describe("jump host", () => {
  it("reaches t2 through t1 (t2 sees the connection coming from t1)", async () => {
    const t1 = target("t1");
    const t2 = await pool.get(target("t2", { jump: t1 }));
    // The sandbox's own name for t2 (t20 when the lane moves it by 18).
    expect((await t2.exec(["hostname"])).stdout.trim()).toBe(sandboxHostname("t2"));
    const from = (await t2.exec(["sh", "-c", 'echo "$SSH_CLIENT"'])).stdout.split(" ")[0];
    expect(from).toBe(t1.host);
    expect(pool.size).toBe(2);
  });

  it("checks the target's host key behind the jump host", async () => {
    const spec = target("t2", { jump: target("t1") });
    const error = await connect({ ...spec, knownHosts: fakePin(spec.host) }, { retries: 0 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HostKeyError);
    expect(error).toMatchObject({ host: "t2" });
  });

  it("checks the jump host's own key", async () => {
    const jump = target("t1");
    const spec = target("t2", { jump: { ...jump, knownHosts: fakePin(jump.host) } });
    const error = await connect(spec, { retries: 0 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HostKeyError);
    expect(error).toMatchObject({ host: "t1" });
  });
});
