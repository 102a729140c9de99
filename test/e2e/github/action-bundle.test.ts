/**
 * The bundled deploy action (dist/deploy/index.js, what action.yml runs) in a child Node process, against a local
 * server standing in for the GitHub API. The one host is an unreachable loopback port, so deploy and rollback fail
 * on the host: the deployment must still be created, marked in_progress, then failure with the environment URL.
 */
import { existsSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { APP_SECRET, makeProject, type Project, secretsOf, TOKEN, visibleText } from "./fixture.js";
import { type Recorder, startRecorder } from "./recorder.js";
import { BUNDLE, runBundle } from "./run-bundle.js";

const SHA = "0123456789abcdef0123456789abcdef01234567";

/** The runner's Node 24 as well when SLIPWAY_NODE24 names its binary (the bundle targets Node 20 syntax). */
const NODES = [process.execPath, ...(process.env.SLIPWAY_NODE24 ? [process.env.SLIPWAY_NODE24] : [])];

describe.each(NODES)("bundled deploy action on %s", (node) => {
  let api: Recorder;
  let project: Project;
  const github = () => ({
    GITHUB_API_URL: api.url,
    GITHUB_SERVER_URL: "https://github.example",
    GITHUB_REPOSITORY: "acme/shop",
    GITHUB_SHA: SHA,
    GITHUB_REF: "refs/heads/main",
    GITHUB_EVENT_NAME: "push",
    GITHUB_RUN_ID: "777",
    APP_SECRET,
  });
  const inputs = (extra: Record<string, string>) => ({
    config: "slipway.yml",
    "ssh-private-key": project.key,
    "github-token": TOKEN,
    ...extra,
  });

  beforeAll(async () => {
    if (!existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing: run npm run bundle`);
    api = await startRecorder();
    project = makeProject();
  });
  afterAll(async () => api?.close());

  it("validate: prints the summary, no SSH, no deployment", async () => {
    api.requests.length = 0;
    const run = await runBundle(inputs({ command: "validate" }), github(), project.dir, node);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      "slipway.yml: valid (app gh-action, 1 service, 1 host, runtime systemd; environments staging)",
    );
    expect(run.summary).toContain("### Slipway validate: slipway.yml: ok");
    expect(api.requests).toEqual([]);
    for (const secret of secretsOf(project)) expect(visibleText(run)).not.toContain(secret);
  });

  it("deploy: deployment created, in_progress, then failure with the URL; outputs and summary written", async () => {
    api.requests.length = 0;
    const run = await runBundle(inputs({ command: "deploy", environment: "staging" }), github(), project.dir, node);
    expect(run.code).toBe(1);
    expect(api.requests.map((r) => `${r.method} ${r.path} ${String(r.body.state ?? "")}`)).toEqual([
      "POST /repos/acme/shop/deployments ",
      "POST /repos/acme/shop/deployments/4242/statuses in_progress",
      "POST /repos/acme/shop/deployments/4242/statuses failure",
    ]);
    expect(api.requests[0]?.body).toMatchObject({
      ref: SHA,
      environment: "staging",
      auto_merge: false,
      required_contexts: [],
      description: "deploy gh-action",
    });
    expect(api.requests[0]?.authorization).toBe(`token ${TOKEN}`);
    expect(api.requests[1]?.body).toMatchObject({ log_url: "https://github.example/acme/shop/actions/runs/777" });
    expect(api.requests[2]?.body).toMatchObject({
      state: "failure",
      environment_url: "http://gh-action.slipway.test/",
    });
    expect(run.outputs.url).toBe("http://gh-action.slipway.test/");
    expect(run.outputs.images).toBe("{}");
    expect(run.outputs.release).toMatch(/^0123456-/);
    expect(run.summary).toContain("### Slipway deploy: gh-action (staging): failed");
    expect(run.summary).toContain("| host | result | color | url |");
    expect(run.summary).toMatch(/\| h1 \| unreachable: /);
    expect(run.stdout).toContain("::error::deploy failed on h1");
    for (const secret of secretsOf(project)) expect(visibleText(run)).not.toContain(secret);
    // Every secret was masked for the runner.
    expect(run.stdout).toContain(`::add-mask::${APP_SECRET}`);
    expect(run.stdout).toContain(`::add-mask::${TOKEN}`);
  });

  it("rollback to a release with restore-db: the deployment says where it goes", async () => {
    api.requests.length = 0;
    const run = await runBundle(
      inputs({ command: "rollback", release: "abc1234-20260101000000", "restore-db": "true" }),
      { ...github(), GITHUB_EVENT_NAME: "workflow_dispatch" },
      project.dir,
      node,
    );
    expect(run.code).toBe(1);
    expect(api.requests[0]?.body).toMatchObject({
      environment: "production",
      description: "rollback gh-action to abc1234-20260101000000",
    });
    expect(api.requests.at(-1)?.body.state).toBe("failure");
    expect(run.summary).toContain("### Slipway rollback: gh-action: failed");
    for (const secret of secretsOf(project)) expect(visibleText(run)).not.toContain(secret);
  });

  it("plan: check mode, no deployment and no outputs", async () => {
    api.requests.length = 0;
    const run = await runBundle(inputs({ command: "plan" }), github(), project.dir, node);
    expect(api.requests).toEqual([]);
    expect(run.outputs).toEqual({});
    expect(run.summary).toContain("### Slipway plan (check mode: nothing changed): gh-action");
    for (const secret of secretsOf(project)) expect(visibleText(run)).not.toContain(secret);
  });

  it("a wrong command fails before anything runs, saying what is allowed", async () => {
    api.requests.length = 0;
    const run = await runBundle(inputs({ command: "destroy" }), github(), project.dir, node);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(
      '::error::step "inputs": input command: "destroy" is not one of deploy, plan, rollback, validate%0A  next: set `command:` to deploy, plan, rollback or validate',
    );
    expect(api.requests).toEqual([]);
  });
});
