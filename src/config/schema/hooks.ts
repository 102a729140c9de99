import { z } from "zod";

/** Engine task objects. The engine validates them against its module registry; here only the shape is checked. */
const taskSchema = z
  .looseObject({
    module: z
      .string({ error: 'expected a module name like "command"' })
      .min(1, { error: 'expected a module name like "command"' })
      .describe("Engine module running the task (`command`, `template`, ...)."),
    name: z.string({ error: "expected a task name" }).optional().describe("Shown in the plan and recap."),
    run_once: z
      .boolean({ error: "expected true or false" })
      .optional()
      .describe(
        "Run on one host only (the first to get there); the other hosts wait for it and take its result, and its failure fails (and undoes) the deploy on every host. For migrations.",
      ),
  })
  .describe("A playbook task: `module` plus that module's arguments.");

export const hooksSchema = z
  .strictObject({
    before_switch: z
      .array(taskSchema)
      .default([])
      .describe("Tasks run on each host after the idle color is healthy and before traffic moves (migrations)."),
    after_switch: z
      .array(taskSchema)
      .default([])
      .describe("Tasks run after the switch and its verification (cache warm-up, notifications)."),
    on_failure: z
      .array(taskSchema)
      .default([])
      .describe(
        "Tasks run on each host whose deploy failed, after its undo (notifications). Their failure is reported beside the deploy's error, never instead of it.",
      ),
    on_rollback: z
      .array(taskSchema)
      .default([])
      .describe(
        "Tasks run on each host after a rollback (`slipway rollback`, or a batch switched back). Their failure is reported, never hides the rollback's outcome.",
      ),
  })
  .describe("Extra tasks around the switch.");
