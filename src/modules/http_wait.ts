/**
 * http_wait: polls a URL from the host (curl on the host, so 127.0.0.1 ports are reachable) until it is healthy. An
 * adapter over the probe the deploy's health gate uses (src/verify/probe.ts: curl argv, parsing, the healthy rule).
 */
import { z } from "zod";
import type { Module } from "../engine/types.js";
import { curlArgv, healthy, parseCurl } from "../verify/probe.js";
import { execOptions } from "./support/exec.js";

const argsSchema = z
  .object({
    url: z.string().url(),
    status: z.number().int().default(200),
    body_contains: z.string().optional(),
    timeout_s: z.number().positive().default(60),
    interval_s: z.number().positive().default(1),
    successes: z.number().int().positive().default(1),
    /** Seconds one request may take (curl --max-time); default five intervals. */
    request_timeout_s: z.number().positive().optional(),
    host_header: z.string().optional(),
  })
  .strict();

export const httpWaitModule: Module<typeof argsSchema> = {
  name: "http_wait",
  argsSchema,
  async run(ctx, args) {
    if (ctx.check) return { status: "skipped", msg: "not polled in check mode" };
    const deadline = Date.now() + args.timeout_s * 1000;
    let streak = 0;
    let last = { status: 0, body: "" };
    let lastError = "";
    for (;;) {
      const result = await ctx.host.exec(curlArgv(args), execOptions(ctx, { check: false, become: false }));
      last = parseCurl(result.stdout);
      lastError = result.stderr.trim();
      streak = healthy(args, last) ? streak + 1 : 0;
      if (streak >= args.successes) return { status: "ok", data: { status: last.status } };
      if (Date.now() + args.interval_s * 1000 > deadline) break;
      await new Promise((r) => setTimeout(r, args.interval_s * 1000));
    }
    const seen = last.status
      ? `last status ${last.status}, body: ${last.body.slice(0, 200)}`
      : `no answer (${lastError})`;
    return {
      status: "failed",
      msg: `${args.url} not healthy after ${args.timeout_s}s: ${seen}`,
      data: { status: last.status },
    };
  },
};
