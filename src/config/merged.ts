/**
 * The merged config of an environment as a document to read (`slipway config`): the validated config with every
 * default filled in, secrets as the names the config gives them (the config never holds their values), and a head
 * comment naming the file, the environment and each secret with whether the environment of this process sets it.
 */
import { Document } from "yaml";
import type { SlipwayConfig } from "./schema.js";
import { secretReferences } from "./secrets.js";

/** One referenced secret: its name, the keys that use it, and whether `env` sets it (never its value). */
export interface SecretSummary {
  name: string;
  usedBy: string[];
  set: boolean;
}

/** The --json form: `{file, environment?, secrets: [{name, usedBy, set}], config}`. */
export interface MergedConfig {
  file: string;
  environment?: string;
  secrets: SecretSummary[];
  config: SlipwayConfig;
}

/** The merged config with the secret names it references; `env` is only asked whether each name is set. */
export function mergedConfig(
  file: string,
  config: SlipwayConfig,
  environment: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): MergedConfig {
  const secrets = secretReferences(config).map((ref) => ({
    name: ref.name,
    usedBy: ref.usedBy,
    set: (env[ref.name] ?? "") !== "",
  }));
  return { file, ...(environment ? { environment } : {}), secrets, config };
}

/** `merged` as commented YAML: the head comment says where it comes from and lists the secrets by name. */
export function mergedConfigYaml(merged: MergedConfig): string {
  const doc = new Document(merged.config);
  const head = [
    ` merged config of ${merged.file}${merged.environment ? ` (environment ${merged.environment})` : " (no --env)"}`,
    " every default filled in; secrets appear by name, their values come from the environment of the deploy",
  ];
  if (merged.secrets.length === 0) head.push(" secrets: none referenced");
  for (const s of merged.secrets) {
    head.push(` secret ${s.name}: ${s.set ? "set" : "NOT set"} here; used by ${s.usedBy.join(", ")}`);
  }
  doc.commentBefore = head.join("\n");
  return doc.toString({ lineWidth: 0 });
}
