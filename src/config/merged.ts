/**
 * The merged config of an environment as a document to read (`slipway config`): the validated config with every
 * default filled in, secrets as the names the config gives them (the config never holds their values), and a head
 * comment naming the file, the environment and each secret with whether the environment of this process sets it.
 */
import { relative } from "node:path";
import { Document, isScalar } from "yaml";
import type { SlipwayConfig } from "./schema.js";
import { secretReferences } from "./secrets.js";

/** One referenced secret: its name, the keys that use it, and whether `env` sets it (never its value). */
export interface SecretSummary {
  name: string;
  usedBy: string[];
  set: boolean;
}

/**
 * A value the config leaves unset and the deploy derives from the rest of it (render/from-config/derived.ts), filled
 * into `config` at `key` (map keys from the top) and said where it comes from.
 */
export interface DerivedValue {
  key: string[];
  value: string;
  from: string;
}

/** The config as it can be written back into a slipway.yml (writableConfig). */
export type WritableConfig = Omit<SlipwayConfig, "environment" | "source">;

/** The --json form: `{file, environment?, secrets: [{name, usedBy, set}], derived: [{key, value, from}], config}`. */
export interface MergedConfig {
  file: string;
  environment?: string;
  secrets: SecretSummary[];
  derived: DerivedValue[];
  config: WritableConfig;
}

/**
 * The config as it could be written back: without the loader's own fields (`environment`, `source`: the head comment
 * and the --json form name them), each `build.context` relative to the config's directory again unless it was
 * written absolute. config/finalize.ts made it absolute; written back that way, `--release-dir` would no longer move
 * it (deploy/ship.ts serviceSources, D57). Other local paths stay absolute: they mean the same file from anywhere.
 */
export function writableConfig(config: SlipwayConfig): WritableConfig {
  const { environment: _environment, source, ...rest } = config;
  const absolute = new Set(source.absoluteContexts ?? []);
  const services = Object.fromEntries(
    Object.entries(rest.services).map(([name, service]) => [
      name,
      service.build && !absolute.has(name)
        ? { ...service, build: { ...service.build, context: relative(source.dir, service.build.context) || "." } }
        : service,
    ]),
  );
  return { ...rest, services };
}

/**
 * The merged config with the secret names it references; `env` is only asked whether each name is set. `derived`:
 * the values already filled into `config` that the deploy derives (render/from-config/derived.ts withDerivedValues).
 */
export function mergedConfig(
  file: string,
  config: SlipwayConfig,
  environment: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
  derived: DerivedValue[] = [],
): MergedConfig {
  const secrets = secretReferences(config).map((ref) => ({
    name: ref.name,
    usedBy: ref.usedBy,
    set: (env[ref.name] ?? "") !== "",
  }));
  return { file, ...(environment ? { environment } : {}), secrets, derived, config: writableConfig(config) };
}

/** `merged` as commented YAML: the head comment says where it comes from and lists the secrets by name. */
export function mergedConfigYaml(merged: MergedConfig): string {
  const doc = new Document(merged.config);
  const head = [
    ` merged config of ${merged.file}${merged.environment ? ` (environment ${merged.environment})` : " (no --env)"}`,
    " every default filled in; secrets appear by name, their values come from the environment of the deploy",
  ];
  if (merged.derived.length > 0) {
    head.push(' values marked "derived" are not in the config: the deploy works them out from the rest of it');
  }
  if (merged.secrets.length === 0) head.push(" secrets: none referenced");
  for (const s of merged.secrets) {
    head.push(` secret ${s.name}: ${s.set ? "set" : "NOT set"} here; used by ${s.usedBy.join(", ")}`);
  }
  // Each derived value says beside it (a line comment) that the config does not hold it, and where it comes from.
  for (const d of merged.derived) {
    const node = doc.getIn(d.key, true);
    if (isScalar(node)) node.comment = ` derived: ${d.from}`;
  }
  doc.commentBefore = head.join("\n");
  return doc.toString({ lineWidth: 0 });
}
