import { describe, expect, it } from "vitest";
import { Semaphore } from "../../../src/remote/semaphore.js";
import { targetKey } from "../../../src/remote/target.js";

describe("Semaphore", () => {
  it("never runs more than its count at once, and runs everything", async () => {
    const semaphore = new Semaphore(3);
    let running = 0;
    let peak = 0;
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        semaphore.run(async () => {
          running++;
          peak = Math.max(peak, running);
          await new Promise((resolve) => setImmediate(resolve));
          running--;
          return i;
        }),
      ),
    );
    expect(peak).toBe(3);
    expect(results).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it("releases its slot when a task fails", async () => {
    const semaphore = new Semaphore(1);
    await expect(semaphore.run(() => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    expect(await semaphore.run(async () => "next")).toBe("next");
  });
});

describe("targetKey", () => {
  it("identifies a connection by user, host, port and route", () => {
    const t1 = { name: "t1", host: "10.0.0.1", user: "deploy" };
    expect(targetKey(t1)).toBe("deploy@10.0.0.1:22");
    expect(targetKey({ name: "t2", host: "10.0.0.2", port: 2222, user: "deploy", jump: t1 })).toBe(
      "deploy@10.0.0.2:2222 via deploy@10.0.0.1:22",
    );
  });
});
