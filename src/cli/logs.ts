/**
 * `slipway logs [service]`: journald (systemd) or docker logs (container, compose) of the live color (or --color) on
 * every chosen host at once, each line prefixed by its host (and instance); an accessory's container log whatever the
 * color. `-f` follows until Ctrl-C, which ends every remote follower before the command exits (130).
 */
import type { Command } from "commander";
import type { Color } from "../config/index.js";
import { loadConfig } from "../config/index.js";
import { configOnHost } from "../config/layout.js";
import {
  type LogStream,
  liveColor,
  onConnectedHosts,
  serviceProcesses,
  servicesAsked,
  streamLogs,
} from "../deploy/day-two.js";
import { UsageError } from "../errors.js";
import { durationSeconds } from "../render/from-config/common.js";
import { EXIT } from "./_exit.js";
import { type ConfigFlags, configFile, configOptions, limitOption } from "./_options.js";
import type { CliRun } from "./_run.js";

/** What to check when a host's log command fails (helper mode needs a bootstrap from this Slipway version). */
const LOGS_HINT =
  "check that the service runs (slipway status); in helper mode re-run playbooks/bootstrap.yml so the host's helper knows this query";

interface LogsFlags extends ConfigFlags {
  limit: string[];
  follow?: boolean;
  since?: string;
  lines?: string;
  color?: string;
}

/** `--color blue|green`, checked. */
export function colorFlag(value: string | undefined): Color | undefined {
  if (value === undefined || value === "blue" || value === "green") return value;
  throw new UsageError(`--color ${value}: expected blue or green`, { hint: "omit --color for the live color" });
}

function sinceFlag(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  try {
    return durationSeconds(value, "--since");
  } catch {
    throw new UsageError(`--since ${value}: expected a duration like 30s, 10m or 2h`, {
      hint: "slipway logs --since 10m",
    });
  }
}

function linesFlag(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value))
    throw new UsageError(`--lines ${value}: expected a whole number`, { hint: "slipway logs -n 200" });
  return Number(value);
}

export function register(program: Command, run: CliRun): void {
  const command = program
    .command("logs [service]")
    .description("the logs of a service (default: all) on every host, live color unless --color; -f follows")
    .option("-f, --follow", "keep printing new lines until Ctrl-C")
    .option("--since <duration>", "only lines newer than this (30s, 10m, 2h)")
    .option("-n, --lines <n>", "the last N lines per host (default 100; 10 with -f)")
    .option("--color <color>", "blue or green instead of the live color");
  configOptions(command);
  limitOption(command);
  command.action(async (service: string | undefined, flags: LogsFlags) => {
    const color = colorFlag(flags.color);
    const sinceSeconds = sinceFlag(flags.since);
    const lines = linesFlag(flags.lines) ?? (sinceSeconds !== undefined ? undefined : flags.follow ? 10 : 100);
    const config = await loadConfig(configFile(undefined, flags, run, "logs"), { environment: flags.env });
    run.addSecretsOf(config);
    const services = servicesAsked(config, service);
    const streams: LogStream[] = [];
    let interrupted = false;
    const stop = () => {
      interrupted = true;
      for (const s of streams) s.stop();
    };
    if (flags.follow) process.once("SIGINT", stop).once("SIGTERM", stop);
    let failed = false;
    let hostFailed = false;
    try {
      await onConnectedHosts(
        config,
        flags.limit,
        async (host) => {
          const local = configOnHost(config, host.name);
          const shown = services.filter((s) => s in local.services);
          const which = color ?? (await liveColor(host, config));
          if (shown.length === 0) return;
          // The accessories run outside the colors: their logs need no live color.
          const colored = shown.some((s) => !local.services[s]?.accessory);
          if (!which && colored) {
            run.err(`${host.name}: nothing deployed (no live color); give --color to read a color's logs`);
            failed = true;
            return;
          }
          // Without a live color only accessories are shown here, whose project has no color: any one will do.
          const processes = serviceProcesses(local, host.name, shown, which ?? "blue");
          const stream = streamLogs(
            host,
            processes,
            { follow: flags.follow, sinceSeconds, ...(lines !== undefined ? { lines } : {}) },
            (label, text) => run.out(`${label} | ${text}`),
          );
          streams.push(stream);
          if (interrupted) stream.stop();
          for (const f of await stream.done) {
            const how = f.code === null ? "could not be started" : `exited ${f.code}`;
            run.err(`${f.label}: reading ${f.what} failed (${how}): its output is above; ${LOGS_HINT}`);
            hostFailed = true;
          }
        },
        (name, error) => {
          run.err(`${name}: unreachable (${error})`);
          failed = true;
        },
      );
    } finally {
      process.off("SIGINT", stop).off("SIGTERM", stop);
    }
    if (interrupted) process.exitCode = EXIT.interrupted;
    else if (hostFailed) process.exitCode = EXIT.hostFailed;
    else if (failed) process.exitCode = EXIT.unreachable;
  });
}
