/** `slipway plan [PLAYBOOK]`: the playbook in check mode, with every file diff; nothing on the hosts changes. */
import type { Command } from "commander";
import { type PlaybookCommandOptions, runPlaybookCommand } from "./_playbook-run.js";
import { playbookOptions } from "./playbook.js";

export function register(program: Command): void {
  playbookOptions(
    program
      .command("plan")
      .description("show what a playbook would change on each host (check mode with diffs); changes nothing")
      .argument("[playbook]", "playbook file", "playbooks/deploy.yml"),
  ).action(async (playbook: string, options: PlaybookCommandOptions) => {
    process.exitCode = await runPlaybookCommand(playbook, { ...options, check: true, diff: true });
  });
}
