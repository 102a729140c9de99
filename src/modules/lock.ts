/**
 * lock: the deploy lock as a playbook task, an adapter over the deploy's lock (src/lock/lock.ts: atomic `mkdir` of
 * `<deploy_dir>/.slipway-lock` with a holder record), so a playbook run and a deploy exclude each other. Acquiring a
 * lock held by someone else fails with their name; `force: true` (the CLI's --force-unlock) breaks a stale one, and a
 * lock whose holder process died on this machine is taken over, as the deploy does. Unlike the deploy, a lock held
 * under the same `holder` name counts as ours (`ok`), so several plays of one run can take it in turn.
 */
import { z } from "zod";
import type { Module, ModuleContext } from "../engine/types.js";
import { SlipwayError } from "../errors.js";
import {
  acquireLock,
  describeHolder,
  type LockHolder,
  lockDir,
  lockHeldError,
  readLockHolder,
  releaseLock,
} from "../lock/lock.js";
import { DEFAULT_DEPLOY_DIR } from "../remote/facts.js";

const argsSchema = z
  .object({
    path: z.string().startsWith("/", "expected an absolute path").optional(),
    state: z.enum(["acquired", "released"]).default("acquired"),
    holder: z.string().min(1),
    commit: z.string().default(""),
    force: z.boolean().default(false),
  })
  .strict();

/** `path`, else the lock of the deploy dir the facts were gathered for (slipway.yml's `deploy_dir` in `slipway run`). */
export function lockPath(ctx: ModuleContext, path: string | undefined): string {
  return path ?? lockDir(ctx.facts?.deployDir ?? DEFAULT_DEPLOY_DIR);
}

function heldMessage(path: string, held: LockHolder | undefined): string {
  return `deploy lock ${path} is held by ${describeHolder(held)}`;
}

/** A SlipwayError as a task's failure message: what happened, then what to do. */
function failure(error: SlipwayError) {
  return { status: "failed" as const, msg: error.hint ? `${error.message}; ${error.hint}` : error.message };
}

export const lockModule: Module<typeof argsSchema> = {
  name: "lock",
  argsSchema,
  async run(ctx, args) {
    const path = lockPath(ctx, args.path);
    const held = await readLockHolder(ctx.host, path, ctx.become);
    const mine = held?.holder === args.holder;
    if (args.state === "released") {
      if (!held) return { status: "ok" };
      if (!mine && !args.force) return { status: "failed", msg: `${heldMessage(path, held)}; not releasing it` };
      if (!ctx.check) await releaseLock(ctx.host, path, ctx.become);
      return { status: "changed", msg: `released ${path}` };
    }
    if (held && mine) return { status: "ok", msg: "already held by us", data: { holder: held } };
    if (ctx.check) {
      if (held && !args.force) return failure(lockHeldError(ctx.host.name, path, held));
      return { status: "changed", msg: `would acquire ${path}` };
    }
    const said: string[] = [];
    try {
      await acquireLock(ctx.host, path, args.holder, args.commit, {
        force: args.force,
        become: ctx.become,
        say: (line) => said.push(line),
      });
    } catch (error) {
      if (!(error instanceof SlipwayError) || error.step !== "lock") throw error;
      return failure(error);
    }
    const holder = await readLockHolder(ctx.host, path, ctx.become);
    return { status: "changed", msg: [...said, `acquired ${path}`].join("; "), data: { holder } };
  },
};
