/**
 * `slipway config [-c file] [--env NAME] [--json]`: the merged config of an environment as Slipway will use it
 * (overlay applied, defaults filled in, the values the deploy derives marked), secrets by name only. Reads no server.
 */
import type { Command } from "commander";
import { loadConfig } from "../config/index.js";
import { mergedConfig, mergedConfigYaml } from "../config/merged.js";
import { withDerivedValues } from "../render/from-config/derived.js";
import { type ConfigFlags, configFile, configOptions, jsonOption } from "./_options.js";
import type { CliRun } from "./_run.js";

interface ConfigCommandFlags extends ConfigFlags {
  json?: boolean;
}

export function register(program: Command, run: CliRun): void {
  const command = program
    .command("config")
    .description("print the merged config of an environment (defaults filled in, secrets by name) as YAML");
  configOptions(command);
  jsonOption(command, "print {file, environment, secrets: [{name, usedBy, set}], config} as JSON");
  command.action(async (flags: ConfigCommandFlags) => {
    const file = configFile(undefined, flags, run, "config");
    const config = await loadConfig(file, { environment: flags.env });
    // A value that equals a secret (pasted into env: by mistake) is masked like everywhere else.
    run.addSecretsOf(config);
    // What the deploy derives and the config leaves unset (docker's container check interval) is shown too.
    const effective = withDerivedValues(config);
    const merged = mergedConfig(file, effective.config, flags.env, process.env, effective.derived);
    if (flags.json) run.json(merged);
    else run.write(mergedConfigYaml(merged));
  });
}
