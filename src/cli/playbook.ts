/** `slipway run PLAYBOOK`: run an engine playbook against the inventory (Ansible's ansible-playbook). */
import type { Command } from "commander";
import { type PlaybookCommandOptions, runPlaybookCommand } from "./_playbook-run.js";

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** Options shared by `run` and `plan`. */
export function playbookOptions(command: Command): Command {
  return command
    .option(
      "-i, --inventory <file>",
      "inventory file (the sandbox's inventory.json or {hosts, groups, ssh}); default: slipway.yml's inventory",
    )
    .option("-c, --config <file>", "slipway.yml to read the inventory, vars and hooks from", "slipway.yml")
    .option("--env <name>", "environment overlay of slipway.yml")
    .option("-l, --limit <pattern>", "only hosts matching this pattern (web:!db, host1,host2)")
    .option("-t, --tags <tags>", "only tasks with one of these tags (comma-separated)")
    .option("--skip-tags <tags>", "skip tasks with these tags")
    .option("-f, --forks <n>", "hosts run at once within a batch", "10")
    .option("-e, --extra-vars <kv>", "key=value, JSON or @file (repeatable)", collect)
    .option(
      "--hook <name=file>",
      "run a task file at the playbook's `hook: NAME` point, e.g. after_bootstrap=ops/extra.yml (repeatable)",
      collect,
    )
    .option("-v, --verbose", "print every task's message");
}

export function register(program: Command): void {
  playbookOptions(
    program
      .command("run")
      .description("run a playbook: changed/ok per task and host, diffs with --diff, then the recap")
      .argument("<playbook>", "playbook file, e.g. playbooks/bootstrap.yml")
      .option("-C, --check", "inspect only: show what would change, change nothing")
      .option("-D, --diff", "show file diffs while applying"),
  ).action(async (playbook: string, options: PlaybookCommandOptions) => {
    process.exitCode = await runPlaybookCommand(playbook, options);
  });
}
