/**
 * `slipway exec <service> -- <argv...>`: runs argv for the service's live color (or --color) on the first chosen
 * host (every one with --all): systemd as the service's user in the release directory with its env file, containers
 * with `docker exec`. stdin is passed through (when not a terminal, or with -i); -t runs it with a pseudo-terminal
 * (src/cli/_terminal.ts). The exit code is the remote command's.
 */
import type { Command } from "commander";
import { loadConfig } from "../config/index.js";
import { configOnHost } from "../config/layout.js";
import { execInService, liveColor, onConnectedHosts, serviceProcesses, servicesAsked } from "../deploy/day-two.js";
import { SlipwayError, UsageError } from "../errors.js";
import { EXIT } from "./_exit.js";
import { type ConfigFlags, configFile, configOptions, limitOption } from "./_options.js";
import type { CliRun } from "./_run.js";
import { openLocalTerminal } from "./_terminal.js";
import { colorFlag } from "./logs.js";

interface ExecFlags extends ConfigFlags {
  limit: string[];
  color?: string;
  all?: boolean;
  interactive?: boolean;
  tty?: boolean;
}

/** `-t` needs a terminal here (docker: "the input device is not a TTY") and one host's output to attach to. */
export function checkTtyFlags(flags: { tty?: boolean; all?: boolean }, stdinIsTty: boolean): void {
  if (!flags.tty) return;
  if (flags.all) {
    throw new UsageError("exec -t cannot be used with --all: a terminal attaches to one host", {
      hint: "choose the host with -l NAME, or drop -t",
    });
  }
  if (!stdinIsTty) {
    throw new UsageError("exec -t: the input device is not a TTY", {
      hint: "run it from a terminal, or drop -t (stdin is then piped through: echo 'select 1;' | slipway exec db -- psql)",
    });
  }
}

export function register(program: Command, run: CliRun): void {
  const command = program
    .command("exec <service> [argv...]")
    .description("run a command with the service's release and env file (after --), on the first host unless --all")
    .option("--color <color>", "blue or green instead of the live color")
    .option("--all", "run on every chosen host, one after another in output order")
    .option("-i, --interactive", "keep stdin attached (also when it is a terminal)")
    .option("-t, --tty", "run with a pseudo-terminal (an interactive shell: slipway exec -it web -- sh)");
  configOptions(command);
  limitOption(command);
  command.action(async (service: string, argv: string[], flags: ExecFlags) => {
    const color = colorFlag(flags.color);
    checkTtyFlags(flags, process.stdin.isTTY === true);
    if (argv.length === 0) {
      throw new UsageError("exec needs a command after --", {
        hint: `slipway exec ${service} -- python -m app.migrate`,
      });
    }
    const config = await loadConfig(configFile(undefined, flags, run, "exec"), { environment: flags.env });
    run.addSecretsOf(config);
    const [name] = servicesAsked(config, service) as [string];
    const codes: number[] = [];
    const prefix = (host: string, text: string) => (flags.all ? `${host} | ${text}` : text);
    await onConnectedHosts(
      config,
      flags.limit,
      async (host) => {
        const local = configOnHost(config, host.name);
        if (!(name in local.services)) return;
        const which = color ?? (await liveColor(host, config));
        if (!which) {
          throw new SlipwayError(`${name} is not deployed on ${host.name}`, {
            host: host.name,
            step: "exec",
            hint: "deploy first, or give --color",
          });
        }
        const [first] = serviceProcesses(local, host.name, [name], which);
        if (!first) return;
        const terminal = flags.tty ? openLocalTerminal(flags.interactive === true) : undefined;
        const pipeStdin = !flags.all && (flags.interactive || !process.stdin.isTTY);
        try {
          const result = await execInService(host, local, {
            argv,
            process: first,
            color: which,
            tty: flags.tty === true,
            ...(terminal ? { terminal } : {}),
            ...(pipeStdin && !terminal ? { stdin: process.stdin } : {}),
            out: (text) => run.out(prefix(host.name, text)),
            err: (text) => run.err(prefix(host.name, text)),
          });
          codes.push(result.code ?? EXIT.error);
        } finally {
          terminal?.restore();
        }
      },
      (host, error) => {
        run.err(`${host}: unreachable (${error})`);
        codes.push(EXIT.unreachable);
      },
      { first: !flags.all },
    );
    const code = codes.find((c) => c !== 0);
    if (code !== undefined) process.exitCode = code;
  });
}
