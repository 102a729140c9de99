import { dirname, resolve } from "node:path";
import { type Command, Option } from "commander";
import { type BuildOptions, buildImages, formatBuiltImages, type ImageToBuild } from "../build/build_images.js";
import { imagesFromConfig } from "../build/from_config.js";
import { detectGitInfo, type GitInfo } from "../build/git_info.js";
import { parseImageReference } from "../build/reference.js";
import type { RegistryCredentials } from "../build/registry.js";
import { loadConfig } from "../config/load.js";
import { releaseSourceDir } from "../deploy/source-root.js";
import { recordedCommit, uncommittedId } from "../deploy/uncommitted.js";
import { UsageError } from "../errors.js";
import { type ConfigFlags, configFile, configOptions, jsonOption } from "./_options.js";
import type { CliRun } from "./_run.js";

interface BuildFlags extends ConfigFlags {
  service: string;
  repository?: string;
  context: string;
  dockerfile?: string;
  target?: string;
  latest?: boolean;
  push: boolean;
  insecure?: boolean;
  username?: string;
  passwordEnv: string;
  builder: "auto" | "buildx" | "classic";
  platform?: string[];
  buildArg?: string[];
  secret?: string[];
  json?: boolean;
  commit?: string;
  branch?: string;
  quiet?: boolean;
}

/**
 * `slipway build`: build, tag (commit SHA, branch, optionally latest), label and push one service's image, skipping
 * both when the registry already has the commit's tag; prints the image with its digest. The registry password is
 * read from an environment variable named by --password-env, never from a flag.
 */
export function register(program: Command, run: CliRun): void {
  const command = program
    .command("build")
    .description(
      "build and push every service with a `build` section of the config (skipped when the registry has this commit)",
    );
  configOptions(command, { positional: true });
  jsonOption(command, "print the result as JSON");
  command
    .option("--repository <repo>", "build one image into this repository instead (e.g. ghcr.io/acme/web)")
    .option("--service <name>", "with --repository: service name (labels output and cache scope)", "app")
    .option("--context <dir>", "build context", ".")
    .option("--dockerfile <file>", "Dockerfile (default: <context>/Dockerfile)")
    .option("--target <stage>", "multi-stage target")
    .option("--latest", "also tag latest (default: the config's image.tag_latest)")
    .option("--no-push", "build locally only")
    .option("--insecure", "the registry speaks plain http (default: the config's image.insecure)")
    .option("--username <user>", "registry user name")
    .option("--password-env <name>", "environment variable holding the registry password", "SLIPWAY_REGISTRY_PASSWORD")
    .addOption(new Option("--builder <kind>", "builder").choices(["auto", "buildx", "classic"]).default("auto"))
    .option("--platform <platform...>", "target platforms (several need buildx)")
    .option("--build-arg <KEY=VALUE...>", "build arguments (not secrets)")
    .option("--secret <ENV_NAME...>", "build secrets by environment variable name (buildx)")
    .option("--commit <sha>", "full commit SHA (default: GITHUB_SHA or git HEAD)")
    .option("--branch <name>", "branch to tag (default: the checked-out branch)")
    .option("--quiet", "do not print build output")
    .action(async (positional: string | undefined, flags: BuildFlags) => {
      const file = configFile(positional, flags, run, "build");
      const { images, configDir, credentials, tagBranch, latest, insecure } = flags.repository
        ? singleImage(flags.repository, flags)
        : await configImages(file, flags);
      run.redactor.add(credentials?.password);
      if (images.length === 0) {
        if (flags.json) run.json([]);
        else run.out("nothing to build: no service has a `build` section (or the runtime is systemd)");
        return;
      }
      const registries: BuildOptions["registries"] = {};
      for (const image of images) {
        registries[parseImageReference(image.repository).registry] = {
          insecure: flags.insecure || insecure,
          credentials,
        };
      }
      const built = await buildImages(images, {
        git: await gitInfo(configDir, flags, tagBranch),
        latest: flags.latest || latest,
        push: flags.push,
        builder: flags.builder,
        registries,
        onLine: flags.quiet || flags.json ? undefined : (service, line) => run.err(`[${service}] ${line}`),
      });
      if (flags.json) run.json(built);
      else run.out(formatBuiltImages(built));
    });
}

interface BuildInput {
  images: ImageToBuild[];
  /** Where the commit is read: the context (--repository), or the services' code (deploy/source-root.ts). */
  configDir: string;
  credentials?: RegistryCredentials;
  /** The config's image.tag_branch / tag_latest (flags decide in --repository mode). */
  tagBranch: boolean;
  latest: boolean;
  /** The config's image.insecure (plain-http registry); --insecure also sets it. */
  insecure: boolean;
}

function singleImage(repository: string, flags: BuildFlags): BuildInput {
  const context = resolve(flags.context);
  const password = process.env[flags.passwordEnv];
  return {
    configDir: context,
    tagBranch: true,
    latest: false,
    insecure: false,
    credentials: flags.username && password ? { username: flags.username, password } : undefined,
    images: [
      {
        service: flags.service,
        repository,
        context,
        dockerfile: flags.dockerfile ? resolve(flags.dockerfile) : undefined,
        target: flags.target,
        platforms: flags.platform,
        buildArgs: Object.fromEntries((flags.buildArg ?? []).map(splitAssignment)),
        secrets: (flags.secret ?? []).map((name) => ({ id: name, env: name })),
      },
    ],
  };
}

/** Every service of slipway.yml with a `build` section; the registry login comes from image.username/password_secret. */
async function configImages(file: string, flags: BuildFlags): Promise<BuildInput> {
  const config = await loadConfig(file, { environment: flags.env });
  const configDir = dirname(resolve(file));
  const username = flags.username ?? config.image.username;
  const password = process.env[config.image.password_secret ?? flags.passwordEnv];
  const images = config.runtime === "systemd" ? [] : imagesFromConfig(config, configDir);
  if (flags.platform) for (const image of images) image.platforms = flags.platform;
  return {
    images,
    // The commit tagged is the code's: an absolute build.context in another repository reads that one (D54).
    configDir: flags.commit ? configDir : await releaseSourceDir(config),
    tagBranch: config.image.tag_branch,
    latest: config.image.tag_latest,
    insecure: config.image.insecure,
    credentials: username && password ? { username, password } : undefined,
  };
}

async function gitInfo(dir: string, flags: BuildFlags, tagBranch: boolean): Promise<GitInfo> {
  const detected: GitInfo = flags.commit
    ? { commitSha: flags.commit, branch: null, source: null }
    : await detectGitInfo(dir);
  // A working tree with uncommitted changes (not CI's GITHUB_SHA checkout) builds as `<sha>-dirty.<id>` (D41).
  const uncommitted = flags.commit || process.env.GITHUB_SHA ? null : await uncommittedId(dir).catch(() => null);
  if (uncommitted) detected.commitSha = recordedCommit(detected.commitSha, uncommitted);
  const branch = flags.branch ?? detected.branch;
  return { ...detected, branch: tagBranch ? branch : null };
}

function splitAssignment(text: string): [string, string] {
  const eq = text.indexOf("=");
  if (eq <= 0)
    throw new UsageError(`expected KEY=VALUE, got "${text}"`, { step: "build", hint: "write --build-arg KEY=VALUE" });
  return [text.slice(0, eq), text.slice(eq + 1)];
}
