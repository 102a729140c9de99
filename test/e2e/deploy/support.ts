/**
 * Set-up for the deploy e2e tests: a copy of an example's slipway.yml rewritten for the sandbox (one target, the
 * sandbox key and known_hosts, a name and ports of its own so it cannot collide with other tests), requests through
 * nginx with the site's Host header, and clean-up of everything a deploy leaves on the host.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { parse, stringify } from "yaml";
import type { RemoteHost } from "../../../src/remote/types.js";
import { loadSandbox, REPO_ROOT, sandboxTarget } from "../support/sandbox.js";

export { connectTarget } from "../support/sandbox.js";

/** The parts of a service in slipway.yml the overlay rewrites. */
interface ServiceYaml {
  port?: number;
  env?: Record<string, string>;
  health?: Record<string, unknown>;
  systemd?: { workers?: number };
}

export interface Overlay {
  app: string;
  domain: string;
  target: string;
  ports: Record<string, number>;
  healthTimeout: string;
}

/** Writes the rewritten config into a temp dir; returns its path. */
export function writeOverlay(example: string, overlay: Overlay): string {
  const inventory = loadSandbox();
  const target = sandboxTarget(overlay.target, inventory);
  const config = parse(readFileSync(join(REPO_ROOT, "examples", example, "slipway.yml"), "utf8"));
  config.app = overlay.app;
  delete config.environments;
  config.inventory = {
    ssh: { user: target.user, known_hosts_file: inventory.knownHostsPath, identity_file: inventory.privateKeyPath },
    hosts: { [target.name]: { address: target.host } },
  };
  config.proxy.domains = [overlay.domain];
  const dbPath = `/var/lib/${overlay.app}/app.db`;
  if (config.database?.path) config.database.path = dbPath;
  for (const [name, service] of Object.entries<ServiceYaml>(config.services)) {
    service.port = overlay.ports[name] ?? service.port;
    if (service.env?.DATABASE_PATH) service.env.DATABASE_PATH = dbPath;
    // The interval stays the default (2 s): a compose service's docker healthcheck runs at it for the container's life,
    // and each check (runc exec, python) took ~190 ms of CPU on the sandbox's VM: at 1 s, 19 % of a core per container.
    service.health = { ...(service.health ?? {}), timeout: overlay.healthTimeout };
    // One gunicorn worker a service: each worker imports the app (~0.5 s of CPU on the sandbox's VM), and gunicorn was
    // the largest command in process accounting over deploy/systemd.test.ts (25 of 105 s); no test here needs two.
    if (service.systemd?.workers) service.systemd.workers = 1;
    // The images' gunicorn reads its worker count from WEB_CONCURRENCY (flask-docker's gunicorn.conf.py defaults to 2).
    if (config.runtime === "container" || config.runtime === "compose")
      service.env = { ...(service.env ?? {}), WEB_CONCURRENCY: "1" };
  }
  const dir = mkdtempSync(join(tmpdir(), "slipway-deploy-e2e-"));
  const path = join(dir, "slipway.yml");
  writeFileSync(path, stringify(config));
  return path;
}

/** Removes the app's units, files, nginx site and database (test clean-up only). */
export async function cleanHost(host: RemoteHost, app: string): Promise<void> {
  const script = [
    `systemctl stop '${app}-*' 2>/dev/null || true`,
    `docker rm -f $(docker ps -aq --filter name=^${app}-) 2>/dev/null || true`,
    `rm -rf /etc/systemd/system/${app}-* /etc/systemd/system/*.target.wants/${app}-* /opt/${app} /var/lib/${app} /etc/nginx/conf.d/slipway-${app}.conf* /etc/nginx/slipway/${app}-*`,
    "systemctl daemon-reload",
    "/usr/sbin/nginx -t && systemctl reload nginx",
  ].join("\n");
  await host.exec(["sh", "-c", script], { become: true, check: false });
}

/** Containers and networks of both colors' compose projects, and the app's volume (test clean-up only). */
export async function removeComposeProjects(host: RemoteHost, app: string, volume: string): Promise<void> {
  const script = [
    `for p in ${app}-blue ${app}-green; do`,
    '  ids=$(docker ps -aq --filter "label=com.docker.compose.project=$p"); [ -z "$ids" ] || docker rm -f $ids',
    '  docker network rm "${p}_default" >/dev/null 2>&1 || docker network rm "$(echo "$p" | tr -d -)_default" >/dev/null 2>&1 || true',
    "done",
    `docker volume rm --force ${volume} >/dev/null 2>&1 || true`,
  ].join("\n");
  await host.exec(["sh", "-c", script], { become: true, check: false });
}

export interface Answer {
  status: number;
  body: string;
}

/** One HTTP request to the host's port 80 with the site's Host header; status 0 when it did not get an answer. */
export function viaNginx(
  address: string,
  domain: string,
  path: string,
  method = "GET",
  body?: string,
): Promise<Answer> {
  return new Promise((resolve) => {
    const req = request(
      {
        host: address,
        port: 80,
        path,
        method,
        headers: { Host: domain, ...(body ? { "Content-Type": "application/json" } : {}) },
        timeout: 5000,
      },
      (res) => {
        let text = "";
        res.on("data", (d: Buffer) => {
          text += d.toString();
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on("error", (e) => resolve({ status: 0, body: String(e) }));
    req.on("timeout", () => req.destroy(new Error("timeout")));
    if (body) req.write(body);
    req.end();
  });
}

/** Requests at a fixed rate (bounded) until stopped; collects every answer. */
export function requestLoop(address: string, domain: string, path: string, perSecond: number) {
  const answers: Answer[] = [];
  let running = true;
  const done = (async () => {
    while (running) {
      const tick = Date.now();
      answers.push(await viaNginx(address, domain, path));
      const wait = 1000 / perSecond - (Date.now() - tick);
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
  })();
  return {
    answers,
    async stop() {
      running = false;
      await done;
      return answers;
    },
  };
}

const dockerLocal = promisify(execFile);

/**
 * Removes the images a container test built: `references` (by digest) on the target and on the runner, and the
 * runner's tags of each of `repositories` (relative to the sandbox registry, e.g. `e2e-app-1234/flask-backend`).
 */
export async function removeTestImages(
  host: RemoteHost,
  references: readonly string[],
  repositories: readonly string[] = [],
): Promise<void> {
  if (references.length > 0) {
    await host.exec(["docker", "image", "rm", "--force", ...references], { become: true, check: false });
    await dockerLocal("docker", ["image", "rm", "--force", ...references]).catch(() => undefined);
  }
  for (const repository of repositories) {
    const repo = `${loadSandbox().registry}/${repository}`;
    const tags = (await dockerLocal("docker", ["images", "--format", "{{.Repository}}:{{.Tag}}", repo])).stdout;
    const local = tags.split("\n").filter((t) => t && !t.endsWith(":<none>"));
    if (local.length > 0) await dockerLocal("docker", ["image", "rm", "--force", ...local]).catch(() => undefined);
  }
}

/**
 * `count` GET requests through nginx one after another: the statuses other than 200, and the distinct `field`
 * values of the 200 answers' JSON bodies (flask-docker's /api/info names the container in `hostname`).
 */
export async function answersThroughNginx(
  address: string,
  domain: string,
  path: string,
  count: number,
  field = "hostname",
): Promise<{ failed: number[]; seen: Set<string> }> {
  const failed: number[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < count; i++) {
    const answer = await viaNginx(address, domain, path);
    if (answer.status !== 200) failed.push(answer.status);
    else seen.add(String(JSON.parse(answer.body)[field]));
  }
  return { failed, seen };
}
