import { resolve } from "node:path";
import { type Command, Option } from "commander";
import { buildImages, formatBuiltImages, type ImageToBuild } from "../build/build_images.js";
import { detectGitInfo, type GitInfo } from "../build/git_info.js";
import { parseImageReference } from "../build/reference.js";
import { SlipwayError } from "../errors.js";

interface BuildFlags {
  service: string;
  repository: string;
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
export function register(program: Command): void {
  program
    .command("build")
    .description("build and push a service image (skipped when the registry already has this commit)")
    .requiredOption("--repository <repo>", "image repository, e.g. 10.213.0.1:5000/shop-web or ghcr.io/acme/web")
    .option("--service <name>", "service name (labels output and cache scope)", "app")
    .option("--context <dir>", "build context", ".")
    .option("--dockerfile <file>", "Dockerfile (default: <context>/Dockerfile)")
    .option("--target <stage>", "multi-stage target")
    .option("--latest", "also tag latest")
    .option("--no-push", "build locally only")
    .option("--insecure", "the registry speaks plain http")
    .option("--username <user>", "registry user name")
    .option("--password-env <name>", "environment variable holding the registry password", "SLIPWAY_REGISTRY_PASSWORD")
    .addOption(new Option("--builder <kind>", "builder").choices(["auto", "buildx", "classic"]).default("auto"))
    .option("--platform <platform...>", "target platforms (several need buildx)")
    .option("--build-arg <KEY=VALUE...>", "build arguments (not secrets)")
    .option("--secret <ENV_NAME...>", "build secrets by environment variable name (buildx)")
    .option("--commit <sha>", "full commit SHA (default: GITHUB_SHA or git HEAD)")
    .option("--branch <name>", "branch to tag (default: the checked-out branch)")
    .option("--json", "print the result as JSON")
    .option("--quiet", "do not print build output")
    .action(async (flags: BuildFlags) => {
      try {
        const context = resolve(flags.context);
        const image: ImageToBuild = {
          service: flags.service,
          repository: flags.repository,
          context,
          dockerfile: flags.dockerfile ? resolve(flags.dockerfile) : undefined,
          target: flags.target,
          platforms: flags.platform,
          buildArgs: Object.fromEntries((flags.buildArg ?? []).map(splitAssignment)),
          secrets: (flags.secret ?? []).map((name) => ({ id: name, env: name })),
        };
        const registry = parseImageReference(flags.repository).registry;
        const password = process.env[flags.passwordEnv];
        const built = await buildImages([image], {
          git: await gitInfo(context, flags),
          latest: flags.latest,
          push: flags.push,
          builder: flags.builder,
          registries: {
            [registry]: {
              insecure: flags.insecure,
              credentials: flags.username && password ? { username: flags.username, password } : undefined,
            },
          },
          onLine:
            flags.quiet || flags.json ? undefined : (service, line) => process.stderr.write(`[${service}] ${line}\n`),
        });
        process.stdout.write(`${flags.json ? JSON.stringify(built, null, 2) : formatBuiltImages(built)}\n`);
      } catch (error) {
        process.stderr.write(`${error instanceof SlipwayError ? error.describe() : String(error)}\n`);
        process.exitCode = 1;
      }
    });
}

async function gitInfo(context: string, flags: BuildFlags): Promise<GitInfo> {
  if (flags.commit) return { commitSha: flags.commit, branch: flags.branch ?? null, source: null };
  const detected = await detectGitInfo(context);
  return flags.branch ? { ...detected, branch: flags.branch } : detected;
}

function splitAssignment(text: string): [string, string] {
  const eq = text.indexOf("=");
  if (eq <= 0)
    throw new SlipwayError(`expected KEY=VALUE, got "${text}"`, { step: "build", hint: "write --build-arg KEY=VALUE" });
  return [text.slice(0, eq), text.slice(eq + 1)];
}
