// e2e-targets: none
/**
 * The deploy and verify actions run from their action.yml the way the runner runs them (runner.ts: inputs with
 * defaults, runs.main, runs.post with main's state), against a local server standing in for the GitHub API. The
 * project's one host is an unreachable loopback port, so deploy fails on the host: the deployment must still be
 * created, marked in_progress, then failure with the environment URL. Both the root action.yml and
 * actions/deploy/action.yml are driven (the two ways a workflow `uses:` the action).
 */
import { existsSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../support/sandbox.js";
import { APP_SECRET, makeProject, type Project, secretsOf, TOKEN, visibleText } from "./fixture.js";
import { type Recorder, startRecorder } from "./recorder.js";
import { runAction, startStep } from "./runner.js";

const SHA = "0123456789abcdef0123456789abcdef01234567";
const ROOT_ACTION = REPO_ROOT;
const DEPLOY_ACTION = join(REPO_ROOT, "actions/deploy");
const VERIFY_ACTION = join(REPO_ROOT, "actions/verify");

/** The runner's Node 24 as well when SLIPWAY_NODE24 names its binary (the bundle targets Node 20 syntax). */
const NODES = [process.execPath, ...(process.env.SLIPWAY_NODE24 ? [process.env.SLIPWAY_NODE24] : [])];

/** Error annotations (`::error ...::`) in a step's log. */
const errorsIn = (stdout: string) => stdout.split("\n").filter((l) => l.startsWith("::error"));

describe.each(NODES)("deploy action through its metadata on %s", (node) => {
  let api: Recorder;
  let project: Project;
  const options = (withInputs: Record<string, string>, env: Record<string, string> = {}) => ({
    with: { "ssh-private-key": project.key, ...withInputs },
    env: {
      GITHUB_API_URL: api.url,
      GITHUB_SERVER_URL: "https://github.example",
      GITHUB_REPOSITORY: "acme/shop",
      GITHUB_SHA: SHA,
      GITHUB_REF: "refs/heads/main",
      GITHUB_EVENT_NAME: "push",
      GITHUB_RUN_ID: "777",
      GITHUB_RUN_ATTEMPT: "1",
      APP_SECRET,
      ...env,
    },
    workspace: project.dir,
    token: TOKEN,
    node,
  });

  beforeAll(async () => {
    for (const file of ["dist/deploy/index.js", "dist/deploy/post.js", "dist/verify/index.js"]) {
      if (!existsSync(join(REPO_ROOT, file))) throw new Error(`${file} is missing: run npm run bundle`);
    }
    api = await startRecorder();
    project = makeProject();
  });
  afterAll(async () => api?.close());

  it("validate: the summary line, no SSH, no deployment; the post step has nothing to do", async () => {
    api.requests.length = 0;
    const { main, post } = await runAction(ROOT_ACTION, options({ command: "validate" }));
    expect(main.stderr).toBe("");
    expect(main.code).toBe(0);
    expect(main.stdout).toContain(
      "slipway.yml: valid (app gh-action, 1 service, 1 host, runtime systemd; environments staging)",
    );
    expect(main.summary).toContain("### Slipway validate: slipway.yml: ok");
    expect(api.requests).toEqual([]);
    expect(post?.code).toBe(0);
    expect(post?.stdout).toContain("nothing to clean up");
    for (const secret of secretsOf(project)) expect(visibleText(main)).not.toContain(secret);
  });

  it("deploy (actions/deploy): deployment created, in_progress, then failure with the URL; every output written", async () => {
    api.requests.length = 0;
    const { main, post } = await runAction(DEPLOY_ACTION, options({ command: "deploy", environment: "staging" }));
    expect(main.code).toBe(1);
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
    // The default `${{ github.token }}` reached the action.
    expect(api.requests[0]?.authorization).toBe(`token ${TOKEN}`);
    expect(api.requests[1]?.body).toMatchObject({ log_url: "https://github.example/acme/shop/actions/runs/777" });
    expect(api.requests[2]?.body).toMatchObject({
      state: "failure",
      environment_url: "http://gh-action.slipway.test/",
    });
    expect(main.outputs).toMatchObject({
      url: "http://gh-action.slipway.test/",
      images: "{}",
      backups: "{}",
      "previous-release": "",
      "deployment-id": "4242",
    });
    expect(main.outputs.release).toMatch(/^0123456-/);
    expect(main.state).toMatchObject({ "run-id": "777-1", finished: "true", "deployment-id": "4242" });
    expect(main.summary).toContain("### Slipway deploy: gh-action (staging): failed");
    expect(main.summary).toMatch(/\| h1 \| unreachable: /);
    expect(errorsIn(main.stdout)).toHaveLength(1);
    expect(errorsIn(main.stdout)[0]).toMatch(/^::error::deploy failed on h1/);
    // The deploy returned (and released what it held): the post step leaves the hosts alone.
    expect(post?.stdout).toContain("nothing to clean up");
    for (const secret of secretsOf(project)) expect(visibleText(main)).not.toContain(secret);
    expect(main.stdout).toContain(`::add-mask::${APP_SECRET}`);
    expect(main.stdout).toContain(`::add-mask::${TOKEN}`);
  });

  it("rollback with no host answering: no deployment of HEAD (what would serve is unknown), a warning says so", async () => {
    api.requests.length = 0;
    const { main } = await runAction(
      ROOT_ACTION,
      options({ command: "rollback", release: "abc1234-20260101000000", "restore-db": "true" }),
    );
    expect(main.code).toBe(1);
    expect(api.requests).toEqual([]);
    expect(main.stdout).toContain("::warning::GitHub deployment not recorded: the hosts did not say which commit");
    expect(main.summary).toContain("### Slipway rollback: gh-action: failed");
  });

  it("plan: check mode, no deployment and no outputs", async () => {
    api.requests.length = 0;
    const { main } = await runAction(ROOT_ACTION, options({ command: "plan" }));
    expect(api.requests).toEqual([]);
    expect(main.outputs).toEqual({});
    expect(main.state["run-id"]).toBeUndefined();
    expect(main.summary).toContain("### Slipway plan (check mode: nothing changed): gh-action");
    for (const secret of secretsOf(project)) expect(visibleText(main)).not.toContain(secret);
  });

  it("a wrong command fails before anything runs, saying what is allowed", async () => {
    api.requests.length = 0;
    const { main } = await runAction(ROOT_ACTION, options({ command: "destroy" }));
    expect(main.code).toBe(1);
    expect(main.stdout).toContain(
      '::error::step "inputs": input command: "destroy" is not one of deploy, plan, rollback, validate, config, maintenance-on, maintenance-off%0A  next: set `command:` to deploy, plan, rollback, validate, config, maintenance-on or maintenance-off',
    );
    expect(api.requests).toEqual([]);
  });

  it("an input action.yml does not declare is refused by the runner (metadata and code agree)", () => {
    expect(() => startStep(ROOT_ACTION, "main", options({ force_unlock: "true" }))).toThrow(
      "Unexpected input(s) 'force_unlock'",
    );
  });

  it.each(["validate", "deploy", "plan"])(
    "%s of a broken slipway.yml: one ::error with file, line and col per problem, nothing else",
    async (command) => {
      const dir = makeProject().dir;
      writeFileSync(
        join(dir, "broken.yml"),
        "app: gh-action\nruntime: systemd\nservices:\n  web:\n    port: eighty\n    helth: { path: /health }\n",
      );
      const { main } = await runAction(ROOT_ACTION, { ...options({ command, config: "broken.yml" }), workspace: dir });
      expect(main.code).toBe(1);
      const errors = errorsIn(main.stdout);
      expect(errors.length).toBeGreaterThanOrEqual(2);
      for (const line of errors)
        expect(line).toMatch(/^::error title=slipway config,file=broken\.yml,line=\d+,col=\d+::/);
      expect(errors.some((l) => /line=5,col=\d+::services\.web\.port: /.test(l))).toBe(true);
      expect(errors.some((l) => /line=6,col=\d+::services\.web\.helth: .*health/.test(l))).toBe(true);
      expect(new Set(errors).size).toBe(errors.length);
      expect(main.stdout).not.toContain("slipway validate");
      expect(main.summary).toContain("broken.yml:5:");
    },
  );
});

describe("verify action through its metadata", () => {
  let server: Server;
  let url: string;

  beforeAll(async () => {
    server = createServer((req, res) => {
      res.writeHead(req.url === "/health" ? 200 : 404, { "strict-transport-security": "max-age=63072000" });
      res.end(req.url === "/health" ? "ok healthy" : "not found");
    });
    await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((done) => server.close(() => done())));

  const verify = (withInputs: Record<string, string>, env: Record<string, string> = {}) =>
    runAction(VERIFY_ACTION, { with: { url, ...withInputs }, env, workspace: REPO_ROOT });

  it("every check passing: success and a summary table", async () => {
    const { main } = await verify({
      routes: "/health 200 healthy\n/missing 404",
      headers: "Strict-Transport-Security",
    });
    expect(main.stdout).not.toContain("::error");
    expect(main.code).toBe(0);
    expect(main.summary).toContain("Slipway verify: ");
    expect(main.stdout).toContain("ok GET /health: status 200");
  });

  it("a local run (no job summary file) still succeeds when every check passes", async () => {
    const { main } = await verify({ routes: "/health" }, { GITHUB_STEP_SUMMARY: "" });
    expect(main.stdout).not.toContain("::error");
    expect(main.code).toBe(0);
  });

  it("a failing check fails the step, naming it", async () => {
    const { main } = await verify({ routes: "/health 200 nope" });
    expect(main.code).toBe(1);
    expect(main.stdout).toContain('::error::FAILED GET /health: status 200 but the body lacks "nope"');
  });
});
