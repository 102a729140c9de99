/**
 * Runtime swarm's files as `slipway render` lists them: the stack file of a color and the accessories' stack file,
 * rendered by the functions the swarm runtime writes them with (stackFromConfig / accessoriesStackFromConfig,
 * renderStack, at stackFilePath: src/deploy/swarm-runtime.ts, src/deploy/swarm/accessories.ts). A secret's swarm
 * object is named after a hash of its value: with the value given the name is the deploy's; without it the stack
 * keeps the bare prefix and the secret is listed in `redacted` (the file is for reading, not for installing).
 */
import type { SlipwayConfig } from "../../config/schema.js";
import { ACCESSORIES, type Color } from "../model.js";
import { renderStack } from "../swarm-stack.js";
import type { ConfigRenderedFile, RuntimeFilesOptions } from "./runtime-files.js";
import { accessoriesStackFromConfig, stackFilePath, stackFromConfig, swarmSecretNames } from "./swarm.js";

type StackOptions = Pick<RuntimeFilesOptions, "images" | "secrets">;

/** The secrets of the services `accessory` selects that have no value in `secrets`, in config order, once each. */
function unnamedSecrets(config: SlipwayConfig, accessory: boolean, secrets: StackOptions["secrets"]): string[] {
  const names = Object.values(config.services)
    .filter((service) => service.accessory === accessory)
    .flatMap((service) => service.secrets)
    .filter((name) => secrets?.[name] === undefined);
  return [...new Set(names)];
}

/** `<deploy_dir>/swarm/<color>.yml`: the color's stack (every service but the accessories). */
export function colorStackFile(config: SlipwayConfig, color: Color, options: StackOptions): ConfigRenderedFile {
  const secretNames = swarmSecretNames(config, (name) => options.secrets?.[name]);
  const model = stackFromConfig(config, { color, images: options.images ?? {}, secretNames });
  return {
    kind: "swarm-stack",
    path: stackFilePath(config, color),
    content: renderStack(model),
    mode: 0o644,
    color,
    redacted: unnamedSecrets(config, false, options.secrets),
  };
}

/** `<deploy_dir>/swarm/accessories.yml`: the accessories' stack; none when the config has no accessory. */
export function accessoriesStackFiles(config: SlipwayConfig, options: StackOptions): ConfigRenderedFile[] {
  const secretNames = swarmSecretNames(config, (name) => options.secrets?.[name]);
  const model = accessoriesStackFromConfig(config, { images: options.images ?? {}, secretNames });
  if (!model) return [];
  const content = renderStack(model);
  const redacted = unnamedSecrets(config, true, options.secrets);
  return [{ kind: "swarm-stack", path: stackFilePath(config, ACCESSORIES), content, mode: 0o644, redacted }];
}
