/**
 * The reload-free switch (proxy.switch socket): each routed service's public upstream is a unix socket link in
 * /etc/nginx/slipway pointing at the live color's listener in /run/slipway, and the preview's link at the other
 * color's. Repointing is `ln -s` to a temporary name and a rename over the link (rename(2) is atomic): nginx connects
 * through the link for every new request, so new requests go to the new color while the open ones finish where they
 * are and no client connection is closed.
 */
import { removeFilesArgv, testArgv } from "../commands/files.js";
import { pointLinksArgv } from "../commands/nginx.js";
import type { Color, SlipwayConfig } from "../config/index.js";
import type { RemoteHost } from "../remote/types.js";
import { COLOR_SOCKET_DIR, UPSTREAM_INCLUDE_DIR } from "../render/from-config/nginx.js";
import { colorSocketPath, socketLinkPath } from "../render/nginx.js";
import { otherColor } from "./release-id.js";

export interface SocketLink {
  link: string;
  target: string;
}

/** The services nginx routes to (routes and the API subdomain), each once. */
export function routedServices(config: SlipwayConfig): string[] {
  const services = config.proxy.routes.map((r) => r.service);
  if (config.proxy.api_subdomain) services.push(config.proxy.api_subdomain.service);
  return [...new Set(services)];
}

/** Where every link must point when `live` serves: public links at `live`, preview links at the other color. */
export function socketLinks(config: SlipwayConfig, live: Color): SocketLink[] {
  const idle = otherColor(live);
  return routedServices(config).flatMap((service) => [
    {
      link: socketLinkPath(UPSTREAM_INCLUDE_DIR, config.app, service),
      target: colorSocketPath(COLOR_SOCKET_DIR, config.app, service, live),
    },
    ...(config.proxy.preview
      ? [
          {
            link: socketLinkPath(UPSTREAM_INCLUDE_DIR, config.app, service, "preview"),
            target: colorSocketPath(COLOR_SOCKET_DIR, config.app, service, idle),
          },
        ]
      : []),
  ]);
}

/**
 * Every link path the socket switch may have made for the app: the public and the preview link of each routed
 * service, whatever proxy.preview says now (`slipway remove` takes them all).
 */
export function socketLinkPaths(config: SlipwayConfig): string[] {
  return routedServices(config).flatMap((service) => [
    socketLinkPath(UPSTREAM_INCLUDE_DIR, config.app, service),
    socketLinkPath(UPSTREAM_INCLUDE_DIR, config.app, service, "preview"),
  ]);
}

/** Points the links for `live` (check: only reads them); returns the links that moved (or would). */
export async function pointSocketLinks(
  host: RemoteHost,
  config: SlipwayConfig,
  live: Color,
  check = false,
): Promise<SocketLink[]> {
  const links = socketLinks(config, live);
  if (links.length === 0) return [];
  const r = await host.exec(pointLinksArgv(links, check ? "check" : "set"), { become: true, step: "switch" });
  const moved = new Set(r.stdout.split("\n").filter((l) => l !== ""));
  return links.filter((l) => moved.has(l.link));
}

/** Per connection (one run): whether the socket switch's links are left on the host (socketLinksLeft). */
const linksLeft = new WeakMap<RemoteHost, Promise<string[]>>();

/**
 * The socket switch's links left on a host whose config now says `proxy.switch: reload` (read once per run; none
 * under `socket`, where they are the switch). While any is left, the site keeps the colors' listeners
 * (nginxSiteFromConfig keepListeners): the reload that leaves the socket switch must not remove the listeners that
 * nginx's old workers still reach through the links, or their requests fail (502) until they exit. The retire step
 * removes the links (dropSocketLinks); the next deploy's reload then drops the listeners, which nothing uses.
 */
export function socketLinksLeft(host: RemoteHost, config: SlipwayConfig): Promise<string[]> {
  if (config.proxy.switch === "socket" || config.proxy.mode === "internal") return Promise.resolve([]);
  let left = linksLeft.get(host);
  if (!left) {
    const paths = socketLinkPaths(config);
    left = Promise.all(paths.map((p) => host.exec(testArgv("-L", p), { check: false }))).then((rs) =>
      paths.filter((_, i) => rs[i]?.code === 0),
    );
    linksLeft.set(host, left);
  }
  return left;
}

/**
 * Removes the links socketLinksLeft found, once the deploy that left the socket switch has switched and drained
 * (nginx's old workers are gone by then); returns them (none: nothing done). Lists them only when `check`.
 */
export async function dropSocketLinks(host: RemoteHost, config: SlipwayConfig, check = false): Promise<string[]> {
  const left = await socketLinksLeft(host, config);
  if (left.length === 0 || check) return left;
  await host.exec(removeFilesArgv(left), { become: true, step: "retire" });
  linksLeft.set(host, Promise.resolve([]));
  return left;
}
