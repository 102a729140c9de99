/** Set-up on the targets: both bench apps removed before a run, and bare nginx reloads for the baseline window. */
import { shQuote } from "../../src/remote/quote.js";
import type { RemoteHost } from "../../src/remote/types.js";
import { cleanHost } from "../../test/e2e/deploy/support.js";
import { ANSIBLE_APP, SLIPWAY_APP } from "./apps.js";

/** Removes everything either tool left of its bench app (containers, units, files, nginx sites), then reloads nginx. */
export async function cleanBenchApps(host: RemoteHost): Promise<void> {
  await cleanHost(host, SLIPWAY_APP.app);
  const app = ANSIBLE_APP.app;
  const script = [
    `docker rm -f ${app}-blue ${app}-green 2>/dev/null || true`,
    `rm -rf /opt/${app} /etc/nginx/conf.d/${app}.conf /etc/nginx/conf.d/${app}-upstream.conf`,
    "/usr/sbin/nginx -t && systemctl reload nginx",
  ].join("\n");
  await host.exec(["sh", "-c", script], { become: true, check: false });
}

/** `systemctl reload nginx`, `count` times, `gapMs` apart: what a switch by reload costs with no deploy around it. */
export async function bareReloads(host: RemoteHost, count: number, gapMs: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    await host.exec(["systemctl", "reload", "nginx"], { become: true });
    await new Promise((r) => setTimeout(r, gapMs));
  }
}

/**
 * The app's own boot time on the host, ms: `docker run` of the image (present) until its health route first answers
 * 200, polled every 20 ms on the host itself, the median of `samples` boots one after another (one boot under the
 * closed-loop load moved by +-0.3 s between runs). The floor for "command start to new version serving".
 */
export async function appBootMs(
  host: RemoteHost,
  image: string,
  port: number,
  healthPath: string,
  samples = 3,
): Promise<number> {
  const name = "bench-deploy-boot";
  const script = [
    `docker rm -f ${name} >/dev/null 2>&1`,
    "start=$(date +%s%N)",
    `docker run -d --name ${name} -p 127.0.0.1:7399:${port} ${shQuote(image)} >/dev/null || exit 1`,
    `until curl -fs -o /dev/null http://127.0.0.1:7399${healthPath}; do sleep 0.02; done`,
    "end=$(date +%s%N)",
    `docker rm -f ${name} >/dev/null`,
    "echo $(( (end - start) / 1000000 ))",
  ].join("\n");
  const boots: number[] = [];
  for (let i = 0; i < samples; i++) {
    const result = await host.exec(["timeout", "60", "sh", "-c", script], { become: true });
    boots.push(Number(result.stdout.trim()));
  }
  return boots.sort((a, b) => a - b)[Math.floor(boots.length / 2)] as number;
}

/**
 * What a deploy can change of `app` on the host: its containers (name, start time, running), and a checksum of its
 * nginx files and its directory under /opt. Equal before and after a re-deploy means it changed nothing.
 */
export async function appState(host: RemoteHost, app: string): Promise<string> {
  const script = [
    `docker ps -aq --filter name=^${app}- | xargs -r docker inspect -f '{{.Name}} {{.State.StartedAt}} {{.State.Running}}'`,
    `cat /etc/nginx/conf.d/*${app}* /etc/nginx/slipway/${app}-* 2>/dev/null | md5sum`,
    `find /opt/${app} -type f | sort | xargs -r md5sum | md5sum`,
  ].join("\n");
  return (await host.exec(["sh", "-c", script], { become: true, check: false })).stdout;
}
