/**
 * The deploy action's `command` values: its own small file so the workflow check (scripts/validate-actions.mjs, run
 * through tsx) loads it without the action's code.
 */
export const COMMANDS = [
  "deploy",
  "plan",
  "rollback",
  "validate",
  "config",
  "maintenance-on",
  "maintenance-off",
] as const;
export type ActionCommand = (typeof COMMANDS)[number];
