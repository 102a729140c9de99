/**
 * user: a local account (shell, supplementary groups appended, home) and, optionally, public keys that must be in its
 * authorized_keys. Keys already there are kept: the module never locks anyone out.
 */
import { z } from "zod";
import { privateDirArgv } from "../commands/files.js";
import {
  addGroupsArgv,
  addUserArgv,
  removeUserArgv,
  setShellArgv,
  userExistsArgv,
  userGroupsArgv,
} from "../commands/users.js";
import type { Module } from "../engine/types.js";
import { execOptions, runAll } from "./support/exec.js";

const argsSchema = z
  .object({
    name: z.string().regex(/^[a-z_][a-z0-9_-]*\$?$/, "expected a user name like deploy"),
    state: z.enum(["present", "absent"]).default("present"),
    shell: z.string().default("/bin/bash"),
    home: z.string().optional(),
    groups: z.array(z.string()).default([]),
    system: z.boolean().default(false),
    authorized_keys: z.array(z.string()).default([]),
  })
  .strict();

export type UserArgs = z.output<typeof argsSchema>;

export interface UserInfo {
  home: string;
  shell: string;
  groups: string[];
}

/** Parses `getent passwd NAME` and `id -nG NAME` output. */
export function parseUser(passwd: string, groups: string): UserInfo | undefined {
  const fields = passwd.trim().split(":");
  if (fields.length < 7) return undefined;
  return { home: fields[5] as string, shell: fields[6] as string, groups: groups.trim().split(/\s+/).filter(Boolean) };
}

/** Pure: commands that create or adjust the account. */
export function planUser(args: UserArgs, current: UserInfo | undefined): string[][] {
  if (args.state === "absent") return current ? [removeUserArgv(args.name)] : [];
  if (!current) return [addUserArgv(args)];
  const commands: string[][] = [];
  if (current.shell !== args.shell) commands.push(setShellArgv(args.name, args.shell));
  const missing = args.groups.filter((g) => !current.groups.includes(g));
  if (missing.length) commands.push(addGroupsArgv(args.name, missing));
  return commands;
}

/** Keys to add to authorized_keys content (compared by type + key material, ignoring comments). */
export function missingKeys(existing: string, wanted: readonly string[]): string[] {
  const material = (line: string) => line.trim().split(/\s+/).slice(0, 2).join(" ");
  const have = new Set(
    existing
      .split("\n")
      .filter((l) => l.trim() && !l.startsWith("#"))
      .map(material),
  );
  return wanted.filter((k) => k.trim() && !have.has(material(k)));
}

export const userModule: Module<typeof argsSchema> = {
  name: "user",
  argsSchema,
  async run(ctx, args) {
    const opts = execOptions(ctx, { check: false });
    const passwd = await ctx.host.exec(userExistsArgv(args.name), opts);
    const groups = passwd.code === 0 ? await ctx.host.exec(userGroupsArgv(args.name), opts) : { stdout: "" };
    const current = passwd.code === 0 ? parseUser(passwd.stdout, groups.stdout) : undefined;
    const commands = planUser(args, current);
    const changes: string[] = commands.map((c) => c.join(" "));
    if (!ctx.check) await runAll(ctx, commands);
    let diff: { path: string; before: string; after: string } | undefined;
    if (args.state === "present" && args.authorized_keys.length) {
      const home = current?.home ?? args.home ?? `/home/${args.name}`;
      const path = `${home}/.ssh/authorized_keys`;
      const before = current ? ((await ctx.host.readFile(path, { become: ctx.become }))?.toString("utf8") ?? "") : "";
      const add = missingKeys(before, args.authorized_keys);
      if (add.length) {
        const after = `${before}${before && !before.endsWith("\n") ? "\n" : ""}${add.join("\n")}\n`;
        diff = { path, before, after };
        changes.push(`add ${add.length} key(s) to ${path}`);
        if (!ctx.check) {
          await runAll(ctx, [privateDirArgv(`${home}/.ssh`, args.name)]);
          await ctx.host.putFile(path, after, {
            mode: 0o600,
            owner: args.name,
            group: args.name,
            become: ctx.become,
            step: ctx.step,
          });
        }
      }
    }
    if (changes.length === 0) return { status: "ok" };
    return { status: "changed", msg: changes.join("; "), diff };
  },
};
