/**
 * GitHub deployments: one deployment per deploy/rollback run, marked in_progress, then success or failure with the
 * environment URL. Best effort: an API failure is a warning, never the reason a deploy fails.
 */
import { getOctokit } from "@actions/github";

export interface RunContext {
  owner: string;
  repo: string;
  /** Commit (GITHUB_SHA) the deployment is for. */
  sha: string;
  /** Link to the workflow run for the status `log_url`. */
  logUrl?: string;
}

export type DeploymentState = "in_progress" | "success" | "failure";

export interface DeploymentsClient {
  create(environment: string, description: string): Promise<number>;
  status(
    id: number,
    state: DeploymentState,
    options?: { environmentUrl?: string; description?: string },
  ): Promise<void>;
}

/** The run context from the Actions environment; undefined when not in Actions (no GITHUB_REPOSITORY). */
export function runContextFromEnv(env: NodeJS.ProcessEnv = process.env): RunContext | undefined {
  const [owner, repo] = (env.GITHUB_REPOSITORY ?? "").split("/");
  if (!owner || !repo || !env.GITHUB_SHA) return undefined;
  const server = env.GITHUB_SERVER_URL ?? "https://github.com";
  const logUrl = env.GITHUB_RUN_ID ? `${server}/${owner}/${repo}/actions/runs/${env.GITHUB_RUN_ID}` : undefined;
  return { owner, repo, sha: env.GITHUB_SHA, logUrl };
}

/** Statuses are limited to 140 characters by the API. */
function short(text: string): string {
  return text.length > 140 ? `${text.slice(0, 137)}...` : text;
}

export function deploymentsClient(token: string, run: RunContext): DeploymentsClient {
  // getOctokit reads GITHUB_API_URL (GitHub Enterprise, or the tests' recording server).
  const octokit = getOctokit(token);
  return {
    async create(environment, description) {
      const response = await octokit.rest.repos.createDeployment({
        owner: run.owner,
        repo: run.repo,
        ref: run.sha,
        environment,
        description: short(description),
        auto_merge: false,
        required_contexts: [],
        transient_environment: false,
      });
      const data = response.data as { id?: number; message?: string };
      if (typeof data.id !== "number") throw new Error(data.message ?? "GitHub created no deployment");
      return data.id;
    },
    async status(id, state, options = {}) {
      await octokit.rest.repos.createDeploymentStatus({
        owner: run.owner,
        repo: run.repo,
        deployment_id: id,
        state,
        ...(run.logUrl ? { log_url: run.logUrl } : {}),
        ...(options.environmentUrl ? { environment_url: options.environmentUrl } : {}),
        ...(options.description ? { description: short(options.description) } : {}),
        ...(state === "success" ? { auto_inactive: true } : {}),
      });
    },
  };
}
