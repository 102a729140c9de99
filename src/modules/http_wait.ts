/**
 * http_wait: polls a URL from the host (curl on the host, so 127.0.0.1 ports are reachable) until it is healthy. An
 * adapter over the deploy's health wait (src/verify/wait.ts: the poll schedule, request budget and healthy rule).
 */
import { z } from "zod";
import type { Module } from "../engine/types.js";
import { waitHealthy } from "../verify/wait.js";
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
    const exec = (argv: string[]) => ctx.host.exec(argv, execOptions(ctx, { check: false, become: false }));
    const outcome = await waitHealthy(exec, args);
    if (outcome.ok) return { status: "ok", data: { status: outcome.status } };
    return {
      status: "failed",
      msg: `${args.url} not healthy after ${args.timeout_s}s: ${outcome.status ? outcome.last : `no answer (${outcome.last})`}`,
      data: { status: outcome.status },
    };
  },
};
