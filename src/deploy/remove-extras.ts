/**
 * What `slipway remove --purge` takes away besides the app's processes, site and deploy_dir: the images the app built
 * (src/delivery pruneImages with nothing kept; an image a container still uses is left and reported) and the files
 * bootstrap wrote for the app alone: its firewall rules (then the firewall is checked and reloaded the way bootstrap's
 * handler does) and its old log rotation file. Public images a service names in `image:` (a database, Redis) may
 * serve other apps on the host: they stay. In helper mode the deploy user may not touch /etc/slipway nor
 * /etc/logrotate.d: the files that are there are named with the root commands that remove them.
 */

import { removeFilesArgv, testArgv } from "../commands/files.js";
import { appFirewallPath, FIREWALL_UNIT, firewallCheckArgv } from "../commands/firewall.js";
import { systemctlArgv } from "../commands/systemd.js";
import type { SlipwayConfig } from "../config/index.js";
import { helperMode } from "../config/inventory.js";
import { pruneImages } from "../delivery/index.js";
import type { RemoteHost } from "../remote/types.js";
import type { ReleaseHistory } from "./history.js";
import { historyRepositories } from "./retire.js";

type Act = (line: string, run: () => Promise<unknown>) => Promise<void>;

const asRoot = { become: true, step: "remove" };

/** bootstrap's per-app log rotation file (bootstrap now removes it; a host bootstrapped before may still have it). */
export function appLogrotatePath(app: string): string {
  return `/etc/logrotate.d/slipway-${app}`;
}

/**
 * The history's images of the services the app builds (no `image:` of their own), as a history pruneImages reads:
 * accessories' and other public images are left out, so they are never removed.
 */
export function builtImagesHistory(config: SlipwayConfig, history: ReleaseHistory): ReleaseHistory {
  const built = (service: string) => config.services[service] !== undefined && !config.services[service]?.image;
  const releases = history.releases.map((r) => ({
    ...r,
    images: Object.fromEntries(Object.entries(r.images ?? {}).filter(([service]) => built(service))),
  }));
  return { releases };
}

/** The app's built images, once no container of the app is left (after the processes and accessories went). */
export async function removeAppImages(
  host: RemoteHost,
  config: SlipwayConfig,
  history: ReleaseHistory,
  check: boolean,
  actions: string[],
): Promise<void> {
  if (config.runtime === "systemd") return;
  const repositories = historyRepositories(builtImagesHistory(config, history));
  if (repositories.length === 0) return;
  const options = { repositories, releases: [], keep: 0, live: null, previous: null, dryRun: check };
  const result = await pruneImages(host, options);
  const ids = check ? result.plan.remove.map((i) => i.id) : result.removed;
  if (ids.length > 0) {
    const short = ids.map((id) => id.replace(/^sha256:/, "").slice(0, 12)).join(", ");
    actions.push(
      `${check ? "would remove" : "removed"} ${ids.length} image(s) of ${repositories.join(", ")}: ${short}`,
    );
  }
  for (const f of result.failed) actions.push(`kept image ${f.id}: ${f.message}`);
}

/** The app's firewall file and old log rotation file; root mode removes them, helper mode names them. */
export async function removeBootstrapFiles(host: RemoteHost, config: SlipwayConfig, act: Act, actions: string[]) {
  const firewall = appFirewallPath(config.app);
  const logrotate = appLogrotatePath(config.app);
  const exists = async (path: string) => (await host.exec(testArgv("-e", path), { check: false })).code === 0;
  const [hasFirewall, hasLogrotate] = await Promise.all([exists(firewall), exists(logrotate)]);
  if (helperMode(config, host.name)) {
    const left = [...(hasFirewall ? [firewall] : []), ...(hasLogrotate ? [logrotate] : [])];
    if (left.length === 0) return;
    const reload = hasFirewall ? ` && sudo systemctl restart ${FIREWALL_UNIT}` : "";
    actions.push(
      `kept: ${left.join(", ")} (bootstrap's; helper mode cannot remove them): as an admin, \`sudo rm ${left.join(" ")}${reload}\``,
    );
    return;
  }
  if (hasLogrotate) await act(`remove ${logrotate}`, () => host.exec(removeFilesArgv([logrotate]), asRoot));
  if (!hasFirewall) return;
  await act(`remove ${firewall} (the ports it opened close) and reload the firewall`, async () => {
    await host.exec(removeFilesArgv([firewall]), asRoot);
    // The other apps' rules must still load: a ruleset nft refuses would leave the old rules in place at the restart.
    await host.exec(firewallCheckArgv(), asRoot);
    await host.exec(systemctlArgv("restart", [FIREWALL_UNIT]), asRoot);
  });
}
