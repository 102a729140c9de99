/**
 * The example workflows keep the promises docs/security.md makes for CI: pull-request jobs hold no secret and never
 * reach a server; each deploying job has its environment, a concurrency group keyed by it that never cancels a deploy
 * half-way, a timeout and a verify step after the deploy; a job pushing to ghcr.io may write packages, no other; every
 * action is pinned by a full commit.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

const DIR = resolve(dirname(fileURLToPath(import.meta.url)), "../../../examples/workflows");
const PIN = /^[\w.-]+\/[\w./-]+@([0-9a-f]{40}|SLIPWAY_COMMIT_SHA)$/;

interface Step {
  uses?: string;
  with?: Record<string, string>;
  env?: Record<string, string>;
}
interface Job {
  if?: string;
  environment?: string | { name: string };
  concurrency?: { group: string; "cancel-in-progress"?: boolean };
  permissions?: Record<string, string>;
  "timeout-minutes"?: number;
  steps: Step[];
}
interface Workflow {
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  jobs: Record<string, Job>;
}

const workflows = readdirSync(DIR)
  .filter((f) => f.endsWith(".yml"))
  .map((file) => {
    const text = readFileSync(join(DIR, file), "utf8");
    return { file, text, workflow: parse(text) as Workflow };
  });

const isDeployStep = (s: Step) => s.uses?.includes("/actions/deploy@") === true;
const deploys = (job: Job) =>
  job.steps.some((s) => isDeployStep(s) && !["validate", "plan"].includes(s.with?.command ?? ""));
const envName = (job: Job) => (typeof job.environment === "string" ? job.environment : job.environment?.name);
/** Jobs that run for a pull_request event (no `if`, or an `if` that lets pull_request through). */
const runsOnPullRequest = (wf: Workflow, job: Job) =>
  "pull_request" in wf.on && !(job.if ?? "").includes("github.event_name == 'push'");

describe.each(workflows)("examples/workflows/$file", ({ text, workflow }) => {
  it("grants nothing at the workflow level; each job asks for its own permissions", () => {
    expect(workflow.permissions ?? {}).toEqual({});
    for (const job of Object.values(workflow.jobs)) expect(job.permissions).toBeDefined();
  });

  it("every job has a timeout", () => {
    for (const job of Object.values(workflow.jobs)) expect(job["timeout-minutes"]).toBeGreaterThan(0);
  });

  it("every action is pinned by a full commit", () => {
    for (const job of Object.values(workflow.jobs)) {
      for (const step of job.steps) if (step.uses) expect(step.uses).toMatch(PIN);
    }
  });

  it("no workflow-level concurrency (a pull request must never cancel or queue behind a deploy)", () => {
    expect(text).not.toMatch(/^concurrency:/m);
  });

  it("a deploying job: environment, concurrency keyed by it and never cancelled, deployments: write, verify after", () => {
    for (const job of Object.values(workflow.jobs).filter(deploys)) {
      const name = envName(job);
      expect(name).toBeTruthy();
      expect(job.concurrency?.group).toBe(`deploy-${name}`);
      expect(job.concurrency?.["cancel-in-progress"]).toBe(false);
      expect(job.permissions?.deployments).toBe("write");
      expect(job.permissions?.packages).toBeUndefined();
      const at = job.steps.findIndex(isDeployStep);
      expect(job.steps.slice(at + 1).some((s) => s.uses?.includes("/actions/verify@"))).toBe(true);
    }
  });

  it("pull-request jobs hold no secret, no environment, and never reach a server (validate only)", () => {
    for (const job of Object.values(workflow.jobs).filter((j) => runsOnPullRequest(workflow, j))) {
      expect(JSON.stringify(job)).not.toMatch(/secrets\./);
      expect(job.environment).toBeUndefined();
      for (const step of job.steps.filter(isDeployStep)) expect(step.with?.command).toBe("validate");
    }
  });

  it("only a job that pushes to ghcr.io may write packages", () => {
    for (const job of Object.values(workflow.jobs)) {
      const pushes = job.steps.some(
        (s) => s.uses?.startsWith("docker/build-push-action@") && `${s.with?.push}` === "true",
      );
      if (job.permissions?.packages === "write") expect(pushes).toBe(true);
      if (pushes) expect(job.permissions?.packages).toBe("write");
    }
  });
});

describe("the examples as a whole", () => {
  it("show a pull-request check, a container build/deploy split, a rollback and a reusable workflow", () => {
    expect(workflows.map((w) => w.file).sort()).toEqual([
      "deploy-containers.yml",
      "deploy.yml",
      "reusable-deploy.yml",
      "rollback.yml",
    ]);
    const pr = workflows.find((w) => w.file === "deploy.yml")?.workflow;
    expect(Object.values(pr?.jobs ?? {}).some((j) => runsOnPullRequest(pr as Workflow, j))).toBe(true);
  });

  it("the pre-fix deploy.yml (plan on pull requests with the key, workflow concurrency) breaks these rules", () => {
    const old = parse(`
on: { push: { branches: [main] }, pull_request: {} }
concurrency: { group: deploy-production }
jobs:
  deploy:
    runs-on: ubuntu-latest
    environment: \${{ github.event_name == 'push' && 'production' || '' }}
    steps:
      - uses: slipway/slipway/actions/deploy@v1
        with: { command: "\${{ github.event_name == 'push' && 'deploy' || 'plan' }}", ssh-private-key: "\${{ secrets.DEPLOY_SSH_KEY }}" }
`) as Workflow;
    const job = old.jobs.deploy as Job;
    expect(runsOnPullRequest(old, job)).toBe(true);
    expect(JSON.stringify(job)).toMatch(/secrets\./);
    expect(job.steps[0]?.uses).not.toMatch(PIN);
  });
});
