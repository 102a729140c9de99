/** `slipway run PLAYBOOK`: run an engine playbook against the inventory (Ansible's ansible-playbook). */
import type { Command } from "commander";
import {
  checkOption,
  collect,
  configOptions,
  detailedExitcodeOption,
  extraVarsOption,
  jsonOption,
  limitOption,
} from "./_options.js";
import { type PlaybookCommandOptions, runPlaybookCommand } from "./_playbook-run.js";
import type { CliRun } from "./_run.js";

/** Options shared by `run` and `plan`. */
export function playbookOptions(command: Command): Command {
  command.option(
    "-i, --inventory <file>",
    "inventory file (the sandbox's inventory.json or {hosts, groups, ssh}); default: slipway.yml's inventory",
  );
  configOptions(command, { extraVars: true });
  limitOption(command);
  checkOption(command);
  extraVarsOption(command);
  jsonOption(command, "print the recap and every task outcome as JSON on stdout (progress on stderr)");
  detailedExitcodeOption(command);
  return command
    .option("-t, --tags <tags>", "only tasks with one of these tags (comma-separated)")
    .option("--skip-tags <tags>", "skip tasks with these tags")
    .option("-f, --forks <n>", "hosts run at once within a batch", "10")
    .option(
      "--hook <name=file>",
      "run a task file at the playbook's `hook: NAME` point, e.g. after_bootstrap=ops/extra.yml (repeatable)",
      collect,
    )
    .option(
      "-u, --user <name>",
      "with slipway.yml's inventory: connect as this admin (root or full sudo) instead of ssh.user, e.g. to run playbooks/bootstrap.yml for a helper-mode config; bootstrap then sets up ssh.user as the deploy user",
    )
    .option(
      "--private-key <file>",
      "with --user: the admin's SSH key (default: the config's identity_file, then the agent)",
    )
    .option("-v, --verbose", "print every task's message");
}

export function register(program: Command, run: CliRun): void {
  playbookOptions(
    program
      .command("run")
      .description("run a playbook: changed/ok per task and host, diffs with --diff, then the recap")
      .argument("<playbook>", "playbook file, e.g. playbooks/bootstrap.yml")
      .option("-D, --diff", "show file diffs while applying"),
  ).action(async (playbook: string, options: PlaybookCommandOptions) => {
    process.exitCode = await runPlaybookCommand(playbook, run, options);
  });
}
