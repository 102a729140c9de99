/**
 * A writer through nginx for the harvest example's e2e tests (restore behind the maintenance page, rollback under
 * writes): one POST to /api/harvests every 100 ms, each answer's status, row id (201) and Retry-After kept.
 */
import { request } from "node:http";

export interface Write {
  crop: string;
  status: number;
  id?: number;
  retryAfter?: string;
  at: number;
}

/** One POST through nginx at `address` for `domain`; the answer's status, the row's id (201) and Retry-After. */
export function post(address: string, domain: string, crop: string): Promise<Write> {
  const body = JSON.stringify({ crop, kg: 1 });
  return new Promise((resolve) => {
    const req = request(
      {
        host: address,
        port: 80,
        path: "/api/harvests",
        method: "POST",
        headers: { Host: domain, "Content-Type": "application/json" },
        timeout: 5000,
      },
      (res) => {
        let text = "";
        res.on("data", (d: Buffer) => {
          text += d.toString();
        });
        res.on("end", () => {
          const status = res.statusCode ?? 0;
          const id = status === 201 ? (JSON.parse(text) as { id: number }).id : undefined;
          const retryAfter = res.headers["retry-after"];
          resolve({
            crop,
            status,
            id,
            retryAfter: typeof retryAfter === "string" ? retryAfter : undefined,
            at: Date.now(),
          });
        });
      },
    );
    req.on("error", () => resolve({ crop, status: 0, at: Date.now() }));
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.end(body);
  });
}

/** A writer posting every 100 ms until stopped; `address` is read at each POST. */
export function writer(address: () => string, domain: string) {
  const writes: Write[] = [];
  let running = true;
  const done = (async () => {
    for (let n = 0; running; n++) {
      writes.push(await post(address(), domain, `w-${n}`));
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  return {
    async stop() {
      running = false;
      await done;
      return writes;
    },
  };
}
