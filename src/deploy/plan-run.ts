/**
 * The plan of every host, then the run on the same connections (deploy.ts onEveryHost, when a run is confirmed or the
 * load-balancer layout runs), and the per-host results and events both share. A plan a run follows takes each
 * host's lock while it reads (lock-ahead.ts); whatever then runs nothing on a host releases it here.
 */
import type { RemoteHost } from "../remote/types.js";
import { oneRelease } from "./batches.js";
import type { Connected } from "./connect.js";
import { runBatches } from "./fleet.js";
import { type BaseRun, guarded, hostEnd, unreachableEnd } from "./host-end.js";
import { executeHost, type PreparedHost, planHost, prepareHost } from "./host-flow.js";
import { agreeOnLayout, shareSync } from "./layout-run.js";
import { releaseLocksAhead } from "./lock-ahead.js";
import { formatRecap, type StepTally } from "./recap.js";
import type { ColorRuntime } from "./runtime.js";
import type { DeployOptions, DeployResult, HostResult } from "./types.js";

/** What a plan asks before it runs (DeployOptions.confirm). */
export type Confirm = NonNullable<DeployOptions["confirm"]>;

/** The deploy's result from its hosts' results: ok when every host is ok or changed. */
export function resultOf(hosts: HostResult[], release: string, base: BaseRun, recap: string): DeployResult {
  const ok = hosts.length > 0 && hosts.every((h) => h.status === "ok" || h.status === "changed");
  return { ok, release, hosts, images: base.images, recap };
}

/**
 * The plan of every host, then (when `confirm` says so) the run, on the same connections and the same facts: no
 * second connect, no second read of what is live. Returns the plan's result when nothing runs. The load-balancer
 * layout (`split`) agrees on one color first and runs every host at once with sync points (layout-run.ts).
 */
export async function planThenRun(
  connected: Connected[],
  base: BaseRun,
  ctx: {
    kind: "deploy" | "rollback";
    started: number;
    confirm: Confirm;
    runtime: (host: RemoteHost) => ColorRuntime;
    /** The host's own run (a rollback takes its release from the host's history). */
    runOf: (host: RemoteHost) => Promise<BaseRun>;
    split: boolean;
    /** Log the plan's recap (off when the caller asked for no confirmation). */
    showPlan: boolean;
    tally: StepTally;
  },
): Promise<{ plan?: DeployResult; hosts: HostResult[]; release: string }> {
  const prepared = new Map<string, PreparedHost>();
  const targets = new Set<string>();
  // A plan a run follows takes each host's lock while it reads (lock-ahead.ts); what runs nothing releases it below.
  const lockAhead = !base.check && !ctx.split;
  const failedPrepare = await Promise.all(
    connected.map((c) => {
      const { resolved, host } = c;
      if (!host) return unreachableEnd(base, c);
      return guarded(base, resolved.name, async () => {
        const run = await ctx.runOf(host);
        if (ctx.kind === "rollback") targets.add(run.releaseId);
        const hostRun = { ...run, host, user: resolved.user, runtime: ctx.runtime(host) };
        prepared.set(resolved.name, await prepareHost(hostRun, resolved.address, { plan: true, lockAhead }));
        return { name: resolved.name, status: "ok" } as HostResult;
      }).then((r) => (r.status === "ok" ? null : r));
    }),
  );
  // A rollback's hosts each go to their own previous release: the run names one only when they agree.
  const release = ctx.kind === "rollback" && targets.size > 0 ? oneRelease(targets) : base.releaseId;
  if (ctx.split && failedPrepare.every((r) => r === null)) await agreeOnLayout([...prepared.values()]);
  try {
    return await planAndRun(connected, base, ctx, { prepared, failedPrepare, lockAhead, release });
  } finally {
    await releaseLocksAhead([...prepared.values()].map((p) => p.s));
  }
}

/** planThenRun's plan of every prepared host, the confirmation, then the run (batches, or the layout's all at once). */
async function planAndRun(
  connected: Connected[],
  base: BaseRun,
  ctx: Parameters<typeof planThenRun>[2],
  prep: {
    prepared: Map<string, PreparedHost>;
    failedPrepare: (HostResult | null)[];
    lockAhead: boolean;
    release: string;
  },
): Promise<{ plan?: DeployResult; hosts: HostResult[]; release: string }> {
  const { prepared, failedPrepare, lockAhead } = prep;
  let release = prep.release;
  const planned = await Promise.all(
    connected.map(({ resolved }, i) => {
      const p = prepared.get(resolved.name);
      return (
        failedPrepare[i] ??
        (p ? guarded(base, resolved.name, () => planHost(p, { lockAhead })) : hostEnd(base, failedHost(resolved.name)))
      );
    }),
  );
  // Every host already runs it: the result names the live release (its id may be older than this run's).
  const same = planned.every((h) => h.status === "ok") ? planned.find((h) => h.release)?.release : undefined;
  release = same ?? release;
  const recap = formatRecap(ctx.kind, release, planned, (Date.now() - ctx.started) / 1000, true, ctx.tally);
  if (ctx.showPlan || base.check) base.sink({ kind: "log", level: "info", message: recap });
  const plan = resultOf(planned, release, base, recap);
  if (base.check || !plan.ok || planned.every((h) => h.status === "ok") || !(await ctx.confirm(plan))) {
    return { plan, hosts: [], release };
  }
  const one = ({ resolved }: Connected) => {
    const p = prepared.get(resolved.name) as PreparedHost;
    return guarded(base, resolved.name, () => executeHost(p));
  };
  if (ctx.split) {
    shareSync([...prepared.values()]);
    return { hosts: await Promise.all(connected.map(one)), release };
  }
  const report = (message: string) => base.sink({ kind: "log", level: "info", message });
  const hosts = await runBatches(connected, one, { ...base, kind: ctx.kind, runtime: ctx.runtime, report });
  return { hosts, release };
}

function failedHost(name: string): HostResult {
  return { name, status: "failed", error: "not prepared" };
}
