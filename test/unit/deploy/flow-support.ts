/**
 * What the one-host deploy flow tests share (flow*.test.ts): the config, a fake runtime that records start/stop, the
 * shared fake host with green live and nginx answering from the color its files (or socket links) name.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "vitest";
import { POINT_LINKS_SCRIPT } from "../../../src/commands/nginx.js";
import { type Color, loadConfig, type SlipwayConfig } from "../../../src/config/index.js";
import type { DeployEvent, LogEvent, StepEvent } from "../../../src/deploy/events.js";
import type { HostRun } from "../../../src/deploy/host-flow.js";
import type { ColorRuntime } from "../../../src/deploy/runtime.js";
import { SlipwayError } from "../../../src/errors.js";
import { FakeHost } from "../engine/fake-host.js";

export const LOCK = "/opt/shop/.slipway-lock";

/** slipway.yml of the flow tests; `proxySwitch`: the file-rewriting switch unless a test asks for the socket links. */
export function configText(extra = "", proxySwitch = "reload"): string {
  return `app: shop
runtime: systemd
deploy_dir: /opt/shop
services:
  web:
    build: { context: web }
    port: 5001
    health: { path: /health, interval: 1s, timeout: 1s, consecutive_successes: 1 }
    systemd: { app_module: "shop:app" }
inventory:
  ssh: { user: deploy }
  hosts:
    h1: { address: 10.0.0.1 }
proxy:
  domains: [shop.example]
  switch: ${proxySwitch}
  routes:
    - { path: /, service: web }
${extra}`;
}

/** configText written to a temporary slipway.yml and loaded as the CLI loads it. */
export async function config(extra = "", proxySwitch = "reload"): Promise<SlipwayConfig> {
  const dir = mkdtempSync(join(tmpdir(), "slipway-flow-"));
  const file = join(dir, "slipway.yml");
  writeFileSync(file, configText(extra, proxySwitch));
  return loadConfig(file);
}

/** A runtime that records start/stop per color. */
export function fakeRuntime(calls: string[]): ColorRuntime {
  return {
    async stage(color) {
      calls.push(`stage ${color}`);
      return { changed: true, diffs: [], actions: [`wrote shop-web@${color}`] };
    },
    async start(color) {
      calls.push(`start ${color}`);
    },
    async stop(color) {
      calls.push(`stop ${color}`);
    },
    async isRunning() {
      return false;
    },
    async logs() {
      return [{ service: "web", name: "shop-web@green.service", lines: ["Traceback: boom"] }];
    },
    names: (color: Color) => [`shop-web@${color}`],
  };
}

export interface Answers {
  /** Status of the health check on the new color's port. */
  health?: number;
  /** Status of the routes through nginx (public server block) and through the preview listener. */
  route?: number;
  preview?: number;
  /** The public server answers from this color whatever nginx's files say (a shadowing site). */
  routeColor?: string;
  nginxTest?: number;
}

export const UPSTREAM = "/etc/nginx/slipway/shop-web.upstream.conf";
export const PREVIEW_UPSTREAM = "/etc/nginx/slipway/shop-web.preview.upstream.conf";
export const LINK = "/etc/nginx/slipway/shop-web.sock";
export const PREVIEW_LINK = "/etc/nginx/slipway/shop-web.preview.sock";
export const listener = (color: Color) => `/run/slipway/shop-web-${color}.sock`;

/** POINT_LINKS_SCRIPT on the fake host: `set`/`check`, then (target, link) pairs; prints the links that differ. */
export function pointLinks(host: FakeHost, [mode, ...pairs]: string[]) {
  const moved: string[] = [];
  for (let i = 0; i + 1 < pairs.length; i += 2) {
    const [target, link] = [pairs[i] as string, pairs[i + 1] as string];
    if (host.files.get(link)?.target === target) continue;
    moved.push(link);
    if (mode === "set") host.files.set(link, { kind: "link", mode: "0777", owner: "root", group: "root", target });
  }
  return { stdout: moved.map((l) => `${l}\n`).join("") };
}

/** The reloads of nginx the run made (NGINX_RELOAD_AND_WAIT takes the pid file as its argument). */
export const reloads = (host: FakeHost) =>
  host.commands.filter((c) => c.argv[0] === "sh" && c.argv.at(-1) === "/run/nginx.pid").length;

/**
 * The shared fake host with green live (release r1) when `live`, curl and nginx answering as `answers` say. nginx
 * answers from the color its installed upstream file points at (port 5001 blue, 15001 green), as the real one does.
 */
export function hostWithLiveGreen(answers: Answers = {}, live = true): FakeHost {
  const host = new FakeHost("h1");
  if (live) {
    host.writeFile("/opt/shop/color", "green\n");
    host.files.set("/opt/shop/current", {
      kind: "link",
      mode: "0777",
      owner: "root",
      group: "root",
      target: "/opt/shop/releases/r1",
    });
    host.writeFile(
      "/opt/shop/releases.json",
      JSON.stringify({
        releases: [{ id: "r1", commit: "c1", images: {}, time: "t", actor: "a", result: "deployed", color: "green" }],
      }),
    );
    host.writeFile(UPSTREAM, "upstream shop_web {\n    server 127.0.0.1:15001;\n}\n");
  }
  const colorOf = (file: string) => {
    // proxy.switch socket: the upstream's socket link names the color's listener.
    const link = host.files.get(file === UPSTREAM ? LINK : PREVIEW_LINK);
    if (link?.kind === "link") return link.target?.endsWith("-green.sock") ? "green" : "blue";
    const text = host.files.get(file)?.content;
    if (!text) return null;
    return text.includes(":15001;") ? "green" : "blue";
  };
  host.handlers.set("curl", (argv) => {
    const mark = "\n__SLIPWAY_STATUS__:";
    if (!argv.includes("--dump-header")) return { stdout: `ok${mark}${answers.health ?? 200}` };
    const preview = /127\.0\.0\.1:3\d{4}\//.test(argv.at(-1) ?? "");
    const color = preview ? colorOf(PREVIEW_UPSTREAM) : (answers.routeColor ?? colorOf(UPSTREAM));
    if (!color) return { code: 7, stderr: "curl: (7) Failed to connect" };
    const status = (preview ? answers.preview : answers.route) ?? 200;
    return { stdout: `HTTP/1.1 ${status} X\r\nX-Slipway-Color: ${color}\r\n\r\nhello${mark}${status}` };
  });
  host.handlers.set("sh", (argv) => (argv[2] === POINT_LINKS_SCRIPT ? pointLinks(host, argv.slice(4)) : undefined));
  host.handlers.set("nginx", () => ({ code: answers.nginxTest ?? 0, stderr: "nginx: [emerg] unknown directive" }));
  return host;
}

export function hostRun(host: FakeHost, cfg: SlipwayConfig, calls: string[], events: DeployEvent[]): HostRun {
  return {
    host,
    user: "deploy",
    config: cfg,
    runtime: fakeRuntime(calls),
    kind: "deploy",
    releaseId: "r2",
    commit: "c2",
    actor: "tester",
    env: {},
    images: {},
    secrets: {},
    check: false,
    restoreDb: false,
    drainSeconds: 0,
    runId: "run-1",
    sink: (e) => events.push(e),
  };
}

export const stepTrail = (events: DeployEvent[]) =>
  events.filter((e): e is StepEvent => e.kind === "step" && e.status !== "started").map((e) => `${e.step}:${e.status}`);

export const logLines = (events: DeployEvent[], step?: string) =>
  events
    .filter((e): e is LogEvent => e.kind === "log" && (step === undefined || e.step === step))
    .map((e) => e.message);

export async function failure(p: Promise<unknown>): Promise<SlipwayError> {
  const e = await p.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(e).toBeInstanceOf(SlipwayError);
  return e as SlipwayError;
}
