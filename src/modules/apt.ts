/** apt: Debian packages present or absent. Inspects with dpkg-query; installs only what is missing. */
import { z } from "zod";
import { aptInstallArgv, aptRemoveArgv, aptUpdateArgv, dpkgQueryArgv } from "../commands/apt.js";
import type { Module } from "../engine/types.js";
import { execOptions } from "./support/exec.js";
import { stringList } from "./support/schema.js";

const argsSchema = z
  .object({
    name: stringList,
    state: z.enum(["present", "absent"]).default("present"),
    update_cache: z.boolean().default(false),
    install_recommends: z.boolean().default(false),
  })
  .strict();

/** Names whose status is "ii" (installed). */
export function parseInstalled(stdout: string): Set<string> {
  const installed = new Set<string>();
  for (const line of stdout.split("\n")) {
    const [name, status] = line.trim().split(/\s+/);
    if (name && status?.startsWith("ii")) installed.add(name.split(":")[0] as string);
  }
  return installed;
}

export const aptModule: Module<typeof argsSchema> = {
  name: "apt",
  argsSchema,
  async run(ctx, args) {
    const query = await ctx.host.exec(dpkgQueryArgv(args.name), execOptions(ctx, { check: false, become: false }));
    const installed = parseInstalled(query.stdout);
    const todo =
      args.state === "present" ? args.name.filter((p) => !installed.has(p)) : args.name.filter((p) => installed.has(p));
    if (todo.length === 0) return { status: "ok" };
    const verb = args.state === "present" ? "install" : "remove";
    const diff = {
      path: "packages",
      before: `${args.name.filter((p) => installed.has(p)).join("\n")}\n`,
      after: `${args.state === "present" ? args.name.join("\n") : args.name.filter((p) => !todo.includes(p)).join("\n")}\n`,
    };
    if (ctx.check) return { status: "changed", msg: `would ${verb} ${todo.join(" ")}`, diff };
    const opts = execOptions(ctx, { timeoutMs: 15 * 60_000 });
    if (args.update_cache) await ctx.host.exec(aptUpdateArgv(), opts);
    await ctx.host.exec(
      args.state === "present" ? aptInstallArgv(todo, args.install_recommends) : aptRemoveArgv(todo),
      opts,
    );
    return { status: "changed", msg: `${verb}ed ${todo.join(" ")}`, diff };
  },
};
