import { SlipwayError } from "../errors.js";
import { runLocal } from "./local.js";

/** What the tags and labels of a build are made from. */
export interface GitInfo {
  commitSha: string;
  branch: string | null;
  /** Repository URL, without credentials (see ociLabels). */
  source: string | null;
}

/**
 * Inside GitHub Actions the event says it all (GITHUB_SHA, the branch of a push or the head branch of a pull request,
 * the repository URL); elsewhere git is asked. Pull-request SHAs in Actions are merge commits; that is what was built.
 */
export function gitInfoFromEnv(env: NodeJS.ProcessEnv): Partial<GitInfo> {
  if (env.GITHUB_ACTIONS !== "true") return {};
  const branch = env.GITHUB_HEAD_REF || (env.GITHUB_REF_TYPE === "branch" ? env.GITHUB_REF_NAME : undefined);
  const source =
    env.GITHUB_SERVER_URL && env.GITHUB_REPOSITORY ? `${env.GITHUB_SERVER_URL}/${env.GITHUB_REPOSITORY}` : undefined;
  return { commitSha: env.GITHUB_SHA, branch: branch ?? null, source: source ?? null };
}

/** The commit alone (what a deploy's release id needs): GITHUB_SHA in Actions, else one `git rev-parse HEAD`. */
export async function detectCommit(cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const fromEnv = gitInfoFromEnv(env).commitSha;
  if (fromEnv) return fromEnv;
  const result = await runLocal(["git", "rev-parse", "HEAD"], { cwd, check: false, step: "git info" });
  const sha = result.code === 0 ? result.stdout.trim() : "";
  if (sha) return sha;
  throw new SlipwayError(`cannot tell the commit: ${cwd} is not a git checkout and GITHUB_SHA is not set`, {
    host: "local",
    step: "git info",
    hint: "run from a git checkout, or give the commit explicitly (slipway build --commit <full sha>)",
  });
}

/**
 * The files under `dir` (relative to it, `/`-separated) that differ from HEAD: edited, added, deleted, and untracked
 * ones .gitignore does not exclude. Null outside git, and inside GitHub Actions (GITHUB_SHA set: the checkout is the
 * commit). The deploy turns these into `<sha>-dirty.<id>` (deploy/uncommitted.ts).
 */
export async function uncommittedPaths(dir: string, env: NodeJS.ProcessEnv = process.env): Promise<string[] | null> {
  if (gitInfoFromEnv(env).commitSha) return null;
  const git = (...args: string[]) => runLocal(["git", ...args], { cwd: dir, check: false, step: "git info" });
  const [tracked, untracked] = await Promise.all([
    git("diff", "--name-only", "-z", "--relative", "HEAD", "--", "."),
    git("ls-files", "--others", "--exclude-standard", "-z", "--", "."),
  ]);
  if (tracked.code !== 0 || untracked.code !== 0) return null;
  const paths = `${tracked.stdout}\0${untracked.stdout}`.split("\0").filter(Boolean);
  return [...new Set(paths)].sort();
}

export async function detectGitInfo(cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<GitInfo> {
  const fromEnv = gitInfoFromEnv(env);
  const git = async (...args: string[]) => {
    const result = await runLocal(["git", ...args], { cwd, check: false, step: "git info" });
    return result.code === 0 ? result.stdout.trim() : null;
  };
  const commitSha = await detectCommit(cwd, env);
  let branch = fromEnv.branch;
  if (branch === undefined) {
    const head = await git("rev-parse", "--abbrev-ref", "HEAD");
    branch = head && head !== "HEAD" ? head : null;
  }
  const source = fromEnv.source !== undefined ? fromEnv.source : await git("remote", "get-url", "origin");
  return { commitSha, branch, source };
}

/** The top directory of the git work tree holding `dir` (absolute), or null outside git (or when `dir` is missing). */
export async function gitToplevel(dir: string): Promise<string | null> {
  const result = await runLocal(["git", "rev-parse", "--show-toplevel"], { cwd: dir, check: false, step: "git info" });
  return result.code === 0 && result.stdout.trim() ? result.stdout.trim() : null;
}
