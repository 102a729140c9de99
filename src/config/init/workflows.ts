/**
 * `slipway init`'s GitHub Actions workflows: deploy on push to main (validate only on pull requests), rollback by
 * workflow_dispatch. The same shape as examples/workflows/deploy.yml and rollback.yml (docs/github-action.md: no
 * secret on pull requests, one concurrency group per environment, actions pinned by commit), with the `env:` of the
 * deploy step listing the secrets this config names. Written with the `yaml` Document API; pure.
 */
import { Document } from "yaml";

/** actions/checkout v4.2.2, pinned by commit as the examples are. */
const CHECKOUT = "actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683";
/** Replaced by the user with the commit of the Slipway release they use (the examples' placeholder). */
const SLIPWAY = "slipway/slipway/actions/deploy@SLIPWAY_COMMIT_SHA";

export interface WorkflowFile {
  /** Relative to the app directory. */
  path: string;
  text: string;
}

/** A GitHub Actions expression, `${{ expression }}`. */
function gh(expression: string): string {
  return `\${{ ${expression} }}`;
}

/** Each secret as `NAME: ${{ secrets.NAME }}`. */
function secretEnv(secrets: readonly string[]): Record<string, string> {
  return Object.fromEntries(secrets.map((name) => [name, gh(`secrets.${name}`)]));
}

function checkout() {
  return { uses: CHECKOUT, with: { "persist-credentials": false } };
}

function deployJob(environment: string, command: "deploy" | "rollback", secrets: readonly string[]) {
  const inputs: Record<string, unknown> = { config: "slipway.yml", environment, command };
  if (command === "deploy") inputs["version-env"] = `APP_VERSION=${gh("github.sha")}`;
  else Object.assign(inputs, { release: gh("inputs.release"), "restore-db": gh("inputs.restore-db") });
  inputs["ssh-private-key"] = gh("secrets.DEPLOY_SSH_KEY");
  return {
    ...(command === "deploy" ? { if: "github.event_name == 'push' && github.ref == 'refs/heads/main'" } : {}),
    "runs-on": "ubuntu-latest",
    "timeout-minutes": command === "deploy" ? 30 : 20,
    environment: { name: environment, url: gh("steps.slipway.outputs.url") },
    concurrency: { group: `deploy-${environment}`, "cancel-in-progress": false },
    permissions: { contents: "read", deployments: "write" },
    steps: [
      checkout(),
      { uses: SLIPWAY, id: "slipway", with: inputs, ...(secrets.length > 0 ? { env: secretEnv(secrets) } : {}) },
    ],
  };
}

function text(value: unknown, head: string[]): string {
  const doc = new Document(value);
  doc.commentBefore = head.map((line) => ` ${line}`).join("\n");
  return doc.toString({ lineWidth: 0 });
}

/**
 * `.github/workflows/deploy.yml` and `rollback.yml` for `environment` (a GitHub environment holding
 * DEPLOY_SSH_KEY and every name in `secrets`).
 */
export function initWorkflows(environment: string, secrets: readonly string[]): WorkflowFile[] {
  const deploy = {
    name: "deploy",
    on: { push: { branches: ["main"] }, pull_request: null },
    permissions: {},
    jobs: {
      validate: {
        if: "github.event_name == 'pull_request'",
        "runs-on": "ubuntu-latest",
        "timeout-minutes": 5,
        permissions: { contents: "read" },
        steps: [checkout(), { uses: SLIPWAY, with: { command: "validate", environment, "github-token": "" } }],
      },
      deploy: deployJob(environment, "deploy", secrets),
    },
  };
  const rollback = {
    name: "rollback",
    on: {
      workflow_dispatch: {
        inputs: {
          release: {
            description: "Release id to go back to; empty for the release before the live one",
            required: false,
            type: "string",
          },
          "restore-db": {
            description: "Also restore the database backup taken before the release being rolled back",
            required: false,
            type: "boolean",
            default: false,
          },
        },
      },
    },
    permissions: {},
    jobs: { rollback: deployJob(environment, "rollback", secrets) },
  };
  const pin = "Replace SLIPWAY_COMMIT_SHA with the full commit of the Slipway release you use.";
  const keys = `The GitHub environment "${environment}" holds DEPLOY_SSH_KEY${secrets.length > 0 ? ` and ${secrets.join(", ")}` : ""}.`;
  return [
    {
      path: ".github/workflows/deploy.yml",
      text: text(deploy, [
        "Written by `slipway init`: deploy on every push to main; pull requests only validate slipway.yml (no key,",
        "no secret, no server). One concurrency group per environment: a deploy is never cancelled half-way.",
        keys,
        pin,
      ]),
    },
    {
      path: ".github/workflows/rollback.yml",
      text: text(rollback, [
        "Written by `slipway init`: Actions tab -> rollback -> Run workflow. Same environment and concurrency group",
        "as the deploy, so a rollback never runs beside a deploy.",
        keys,
        pin,
      ]),
    },
  ];
}
