/**
 * swarm: this host's place in a Docker Swarm (the bootstrap playbook, runtime swarm). `role: manager` initialises
 * the swarm when the host is in none and returns the worker join token; `role: worker` joins the manager's swarm with
 * that token when the host is in none; `labels` (on a manager) sets the labels of `node` (an id or hostname, default
 * this node), changing only those that differ. Every call returns `node_id`. A host already in a swarm is left as it is: leaving one
 * is a decision for a person (its tasks would stop).
 */
import { z } from "zod";
import {
  nodeLabelArgv,
  nodeLabelsArgv,
  swarmInitArgv,
  swarmJoinArgv,
  swarmJoinTokenArgv,
  swarmNodeIdArgv,
  swarmStateArgv,
} from "../commands/swarm.js";
import type { Module, ModuleContext } from "../engine/types.js";
import { SlipwayError } from "../errors.js";
import { execOptions } from "./support/exec.js";

const argsSchema = z
  .object({
    role: z.enum(["manager", "worker"]),
    advertise_addr: z.string().min(1),
    manager_addr: z.string().optional(),
    join_token: z.string().optional(),
    /** A node (id or hostname) to label from this manager with `labels`. Default: this node. */
    node: z.string().optional(),
    labels: z.record(z.string(), z.string()).default({}),
  })
  .strict()
  .refine((a) => a.role === "manager" || (a.manager_addr && a.join_token), {
    message: "a worker needs manager_addr and join_token (the manager's `swarm` result: token)",
  });

type Args = z.output<typeof argsSchema>;

/** The labels to set: those missing or different on the node (existing other labels stay). */
export function labelsToSet(current: Record<string, string> | null, wanted: Record<string, string>) {
  return Object.fromEntries(Object.entries(wanted).filter(([k, v]) => current?.[k] !== v));
}

async function out(ctx: ModuleContext, argv: string[]): Promise<string> {
  return (await ctx.host.exec(argv, execOptions(ctx))).stdout.trim();
}

async function join(ctx: ModuleContext, args: Args): Promise<string[]> {
  const state = await out(ctx, swarmStateArgv());
  if (state === "active") return [];
  if (state !== "inactive") {
    throw new SlipwayError(`the node's swarm state is ${state}`, {
      host: ctx.host.name,
      step: ctx.step,
      hint: "look at `docker info` on the host; `docker swarm leave --force` resets a node that failed to join",
    });
  }
  if (ctx.check) return [`would ${args.role === "manager" ? "initialise the swarm" : "join the swarm"}`];
  if (args.role === "manager") {
    await ctx.host.exec(swarmInitArgv(args.advertise_addr), execOptions(ctx));
    return [`initialised the swarm on ${args.advertise_addr}`];
  }
  // The token on stdin: it admits any machine to the cluster, so it stays out of argv and logs.
  const argv = swarmJoinArgv(args.advertise_addr, args.manager_addr ?? "");
  await ctx.host.exec(argv, execOptions(ctx, { stdin: `${args.join_token}\n`, timeoutMs: 60_000 }));
  return [`joined the swarm of ${args.manager_addr}`];
}

async function label(ctx: ModuleContext, node: string, wanted: Args["labels"]): Promise<string[]> {
  if (Object.keys(wanted).length === 0) return [];
  const text = await out(ctx, nodeLabelsArgv(node));
  const add = labelsToSet(JSON.parse(text || "null") as Record<string, string> | null, wanted);
  if (Object.keys(add).length === 0) return [];
  if (!ctx.check) await ctx.host.exec(nodeLabelArgv(node, add), execOptions(ctx));
  const pairs = Object.entries(add).map(([k, v]) => `${k}=${v}`);
  return [`${ctx.check ? "would label" : "labelled"} ${node}: ${pairs.join(", ")}`];
}

export const swarmModule: Module<typeof argsSchema> = {
  name: "swarm",
  argsSchema,
  async run(ctx, args) {
    const changes = await join(ctx, args);
    const joined = !ctx.check || changes.length === 0;
    const data: Record<string, unknown> = { node_id: joined ? await out(ctx, swarmNodeIdArgv()) : "" };
    if (args.role === "manager" && joined) {
      changes.push(...(await label(ctx, args.node ?? (data.node_id as string), args.labels)));
      // It admits a machine to the cluster: the playbook's task says `no_log: true`.
      data.token = await out(ctx, swarmJoinTokenArgv());
    }
    if (changes.length === 0) return { status: "ok", data };
    return { status: "changed", msg: changes.join("; "), data };
  },
};
