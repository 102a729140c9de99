import { z } from "zod";

/** Engine task objects. The engine validates them against its module registry; here only the shape is checked. */
const taskSchema = z
  .looseObject({
    module: z
      .string({ error: 'expected a module name like "command"' })
      .min(1, { error: 'expected a module name like "command"' })
      .describe("Engine module running the task (`command`, `template`, ...)."),
    name: z.string({ error: "expected a task name" }).optional().describe("Shown in the plan and recap."),
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
  })
  .describe("Extra tasks around the switch.");
