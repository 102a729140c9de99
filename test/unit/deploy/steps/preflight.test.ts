/**
 * The preflight step's plan: what it reads from the host (the privilege probe, the database, the certificate) goes out
 * in one round trip, and a failure still names the first problem in the order they used to be read.
 */
import { describe, expect, it } from "vitest";
import { prepareHost } from "../../../../src/deploy/host-flow.js";
import { preflightStep } from "../../../../src/deploy/steps/preflight.js";
import { config, failure, hostRun, hostWithLiveGreen } from "../flow-support.js";
import { WaveHost } from "../wave-host.js";

const WITH_DB_AND_TLS =
  "database:\n  engine: sqlite\n  path: /var/lib/shop/app.db\ntls:\n  enabled: true\n  email: ops@shop.example\n";

async function planned(extra: string) {
  const fake = hostWithLiveGreen();
  const host = new WaveHost(fake);
  const run = { ...hostRun(fake, await config(extra), [], []), host };
  const prepared = await host.run(() => prepareHost(run, "10.0.0.1"));
  const before = host.waves;
  return { fake, host, s: prepared.s, before };
}

describe("preflight plan", () => {
  it("reads the privilege probe, the database and the certificate in one round trip", async () => {
    const { fake, host, s, before } = await planned(WITH_DB_AND_TLS);
    fake.writeFile("/var/lib/shop/app.db", "SQLite format 3");
    await host.run(() => (preflightStep.plan as NonNullable<typeof preflightStep.plan>)(s));
    const first = host.log[before] ?? [];
    expect(first.some((c) => c.includes('echo "uid=$(id -u)"'))).toBe(true);
    expect(first.some((c) => c.includes("/var/lib/shop/app.db"))).toBe(true);
    expect(first.some((c) => c.includes("/etc/letsencrypt/live/"))).toBe(true);
  });

  it("a missing database is reported as before, the other reads made beside it", async () => {
    const { host, s } = await planned(WITH_DB_AND_TLS);
    const error = await failure(host.run(() => (preflightStep.plan as NonNullable<typeof preflightStep.plan>)(s)));
    expect(error.message).toBe(
      "no database at /var/lib/shop/app.db, but release r1 is live: refusing to deploy without a backup",
    );
  });
});
