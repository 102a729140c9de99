/** A throwaway project for the action: slipway.yml with one unreachable loopback host, a service secret, a key. */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const APP_SECRET = "s3cr3t-app-value-7f9a";
export const TOKEN = "ghs_testtoken0123456789abcdef";

export interface Project {
  dir: string;
  key: string;
}

export function makeProject(): Project {
  const dir = mkdtempSync(join(tmpdir(), "slipway-action-project-"));
  writeFileSync(
    join(dir, "slipway.yml"),
    `app: gh-action
runtime: systemd
services:
  web:
    build: { context: . }
    port: 18472
    health: { path: /health }
    systemd: { app_module: "app:app" }
    secrets: [APP_SECRET]
proxy:
  domains: [gh-action.slipway.test]
  routes:
    - { path: /, service: web }
inventory:
  ssh:
    user: deploy
    private_key_secret: SLIPWAY_SSH_KEY
    known_hosts_file: known_hosts
    connect_timeout: 3s
  hosts:
    h1: { address: 127.0.0.1, port: 1 }
environments:
  staging: {}
`,
  );
  writeFileSync(join(dir, "known_hosts"), "");
  execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "action-test", "-f", join(dir, "id")]);
  return { dir, key: readFileSync(join(dir, "id"), "utf8") };
}

/** The key's base64 lines: any of them in a log is a leak. */
export function secretsOf(project: Project): string[] {
  const keyLines = project.key.split("\n").filter((l) => l.length > 20 && !l.startsWith("-----"));
  return [APP_SECRET, TOKEN, ...keyLines];
}

/** Everything the action printed or wrote, minus the ::add-mask:: commands (which is how masking works). */
export function visibleText(run: { stdout: string; stderr: string; summary: string; outputsRaw: string }): string {
  const stdout = run.stdout
    .split("\n")
    .filter((l) => !l.startsWith("::add-mask::"))
    .join("\n");
  return [stdout, run.stderr, run.summary, run.outputsRaw].join("\n");
}
