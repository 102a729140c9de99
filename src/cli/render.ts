/**
 * `slipway render [-c config] [--env NAME] [--color blue|green] [--out DIR] [--json]`: every file Slipway would install for a
 * config (nginx site + upstream includes, systemd template units and each instance's drop-in, internal mode's
 * public-port units, per-color env files, compose files, swarm stack files: the list the runtimes install,
 * render/from-config/runtime-files.ts), printed or written under DIR at their host paths. Secrets are never resolved
 * here: env files show each secret by name only, a stack file its swarm secret's unversioned name.
 */
import { chmod, mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { Command } from "commander";
import { loadConfig } from "../config/load.js";
import type { SlipwayConfig } from "../config/schema.js";
import { UsageError } from "../errors.js";
import { placeholderImage } from "../render/from-config/compose.js";
import { type ConfigRenderedFile, renderFromConfig } from "../render/from-config/index.js";
import type { Color } from "../render/model.js";
import { type ConfigFlags, collect, configFile, configOptions, jsonOption } from "./_options.js";
import type { CliRun } from "./_run.js";

export interface RenderCommandOptions {
  env?: string;
  /** Render for this color only (upstreams point at it, env and compose files of it alone). Default: blue live, both colors' files. */
  color?: string;
  out?: string;
  /** The certificate exists: include the HTTPS server block. */
  tlsReady?: boolean;
  /** `service=ref@sha256:...`, repeatable. */
  image?: string[];
}

/** Stands in for a digest the build has not produced yet; replaced by an explicit unpinned marker after rendering. */
const UNKNOWN_DIGEST = `sha256:${"0".repeat(64)}`;
export const UNPINNED_TAG = "<tag>";

export class RenderUsageError extends UsageError {}

function parseColor(value: string | undefined): Color | undefined {
  if (value === undefined || value === "blue" || value === "green") return value;
  throw new RenderUsageError(`--color ${JSON.stringify(value)} is not blue or green`, { step: "render" });
}

export function parseImages(specs: readonly string[], config: SlipwayConfig): Record<string, string> {
  const images: Record<string, string> = {};
  for (const spec of specs) {
    const eq = spec.indexOf("=");
    const service = spec.slice(0, eq);
    if (eq <= 0 || !config.services[service]) {
      throw new RenderUsageError(`--image ${JSON.stringify(spec)} is not SERVICE=REF for a service of the config`, {
        step: "render",
        hint: `services: ${Object.keys(config.services).join(", ")}; e.g. --image web=registry/app-web@sha256:<64 hex>`,
      });
    }
    images[service] = spec.slice(eq + 1);
  }
  return images;
}

/**
 * Images for services without one given: `<repo>@<unknown digest>` (placeholderImage), shown as `<repo>:<tag>` with
 * a marker.
 */
function withPlaceholders(config: SlipwayConfig, given: Record<string, string>): Record<string, string> {
  const images = { ...given };
  for (const name of Object.keys(config.services)) {
    images[name] ??= placeholderImage(config, name, UNKNOWN_DIGEST);
  }
  return images;
}

/** `image: repo@sha256:000…` -> `image: repo:<tag> # NOT PINNED ...`: visibly not installable. */
export function markUnpinned(content: string): string {
  return content.replaceAll(
    new RegExp(`^(\\s*image: )(\\S+)@${UNKNOWN_DIGEST}$`, "gm"),
    `$1$2:${UNPINNED_TAG} # NOT PINNED: digest unknown until the build; pass --image SERVICE=REF@sha256:...`,
  );
}

function header(file: ConfigRenderedFile): string {
  const notes = [file.kind, `mode ${file.mode.toString(8).padStart(4, "0")}`];
  if (file.redacted && file.redacted.length > 0) notes.push(`secrets redacted: ${file.redacted.join(", ")}`);
  return `### ${file.path} (${notes.join(", ")})`;
}

export interface RenderOutput {
  files: ConfigRenderedFile[];
  /** Printed form: a header line per file, then its content. */
  text: string;
}

/** The command without terminal I/O (unit-testable): loads the config and renders every file. */
export async function runRender(file: string, options: RenderCommandOptions = {}): Promise<RenderOutput> {
  const config = await loadConfig(file, { environment: options.env });
  const color = parseColor(options.color);
  const images = withPlaceholders(config, parseImages(options.image ?? [], config));
  const files = renderFromConfig(config, {
    color: color ?? "blue",
    colors: color ? [color] : ["blue", "green"],
    tlsReady: Boolean(options.tlsReady),
    images,
    secrets: {},
  }).map((f) => (f.kind === "compose" || f.kind === "swarm-stack" ? { ...f, content: markUnpinned(f.content) } : f));
  const text = files.map((f) => `${header(f)}\n${f.content}`).join("\n");
  return { files, text };
}

/** Writes each file under `dir` at its host path (`dir/etc/nginx/conf.d/...`) with its mode. */
export async function writeRendered(dir: string, files: readonly ConfigRenderedFile[]): Promise<string[]> {
  const written: string[] = [];
  for (const f of files) {
    const target = join(dir, f.path);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, f.content, { mode: f.mode });
    await chmod(target, f.mode);
    written.push(target);
  }
  return written;
}

export function register(program: Command, run: CliRun): void {
  const command = program
    .command("render")
    .description("print (or write under --out) every file Slipway would install for a config; secrets by name only");
  configOptions(command, { positional: true });
  jsonOption(command, "print the files as JSON: [{path, kind, mode, content, redacted}]");
  command
    .option("--color <color>", "render for this color only: upstreams point at it (default: blue live, both colors)")
    .option("--out <dir>", "write the files under DIR at their host paths instead of printing them")
    .option("--tls-ready", "the certificate exists: include the HTTPS server block")
    .option("--image <service=ref>", "image pinned by digest for a service (repeatable)", collect, [])
    .action(
      async (positional: string | undefined, options: RenderCommandOptions & ConfigFlags & { json?: boolean }) => {
        const output = await runRender(configFile(positional, options, run, "render"), options);
        if (options.out) {
          const written = await writeRendered(options.out, output.files);
          if (options.json) run.json(written);
          else for (const path of written) run.out(`wrote ${path}`);
        } else if (options.json) {
          run.json(output.files);
        } else {
          run.write(output.text);
        }
        const redacted = [...new Set(output.files.flatMap((f) => f.redacted ?? []))];
        if (redacted.length > 0) {
          run.err(`note: secrets shown by name only (${redacted.join(", ")}); values are never rendered`);
        }
        if (output.files.some((f) => f.content.includes("NOT PINNED"))) {
          run.err("note: images without a digest are marked NOT PINNED; pass --image SERVICE=REF@sha256:...");
        }
      },
    );
}
