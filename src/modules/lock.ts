/**
 * lock: the deploy lock, an atomic `mkdir` on the host with a holder file (who, commit, when). Acquiring a lock held
 * by someone else fails with their name; `force: true` (the CLI's --force-unlock) breaks a stale one.
 */
import { z } from "zod";
import type { Module, ModuleContext } from "../engine/types.js";
import { execOptions } from "./support/exec.js";

const argsSchema = z
  .object({
    path: z.string().startsWith("/", "expected an absolute path").optional(),
    state: z.enum(["acquired", "released"]).default("acquired"),
    holder: z.string().min(1),
    commit: z.string().default(""),
    force: z.boolean().default(false),
  })
  .strict();

/**
 * The lock record, JSON in `<lock dir>/holder`. `holder`, `commit`, `since` (ISO time) always; a deploy also records
 * `run_id` (the Action's `<run id>-<attempt>`, the CLI's random id), `pid` and `host` (the runner's hostname) so a
 * cancelled run's cleanup releases only its own lock and `slipway lock status` can tell whether the holder is alive.
 */
export interface LockHolder {
  holder: string;
  commit: string;
  since: string;
  run_id?: string;
  pid?: number;
  host?: string;
}

export function lockPath(ctx: ModuleContext, path: string | undefined): string {
  return path ?? `${ctx.facts?.deployDir ?? "/srv/slipway"}/.slipway-lock`;
}

export function parseHolder(text: string | undefined): LockHolder | undefined {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as LockHolder;
  } catch {
    return { holder: text.trim() || "(unknown)", commit: "", since: "" };
  }
}

function heldMessage(path: string, held: LockHolder | undefined): string {
  const who = held
    ? `${held.holder}${held.commit ? ` (commit ${held.commit})` : ""}${held.since ? ` since ${held.since}` : ""}`
    : "an unknown holder";
  return `deploy lock ${path} is held by ${who}`;
}

export const lockModule: Module<typeof argsSchema> = {
  name: "lock",
  argsSchema,
  async run(ctx, args) {
    const path = lockPath(ctx, args.path);
    const opts = execOptions(ctx, { check: false });
    const readHolder = async () =>
      parseHolder((await ctx.host.readFile(`${path}/holder`, { become: ctx.become }))?.toString("utf8"));
    const exists = (await ctx.host.exec(["test", "-d", path], opts)).code === 0;
    const held = exists ? await readHolder() : undefined;
    const mine = held?.holder === args.holder;
    if (args.state === "released") {
      if (!exists) return { status: "ok" };
      if (!mine && !args.force) return { status: "failed", msg: `${heldMessage(path, held)}; not releasing it` };
      if (!ctx.check) await ctx.host.exec(["rm", "-rf", "--", path], execOptions(ctx));
      return { status: "changed", msg: `released ${path}` };
    }
    if (exists && mine) return { status: "ok", msg: "already held by us", data: { holder: held } };
    if (exists && !args.force) {
      return {
        status: "failed",
        msg: `${heldMessage(path, held)}; wait for it to finish, or break a stale lock with --force-unlock`,
      };
    }
    if (ctx.check) return { status: "changed", msg: `would acquire ${path}` };
    if (exists) await ctx.host.exec(["rm", "-rf", "--", path], execOptions(ctx));
    const made = await ctx.host.exec(["mkdir", "--", path], opts);
    if (made.code !== 0) {
      return { status: "failed", msg: `${heldMessage(path, await readHolder())} (taken a moment ago)` };
    }
    const holder: LockHolder = { holder: args.holder, commit: args.commit, since: new Date().toISOString() };
    await ctx.host.putFile(`${path}/holder`, `${JSON.stringify(holder)}\n`, {
      mode: 0o644,
      become: ctx.become,
      step: ctx.step,
    });
    return { status: "changed", msg: `acquired ${path}`, data: { holder } };
  },
};
