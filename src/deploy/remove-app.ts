/**
 * `slipway remove`: takes the app off one host. Its processes (both colors' systemd instances, containers or compose
 * projects), its units, its nginx site, upstream files and socket links, and everything in `deploy_dir` but `backups/` go. Kept
 * unless `purge` is set: the backups, the named volumes, the accessories (database servers, with their project
 * files so they keep running and can be removed later), the images the app built and bootstrap's firewall and log
 * rotation files of the app (remove-extras.ts). Certificates, public images (`image:`) and a database file outside
 * `deploy_dir` are never removed. Under the deploy lock, so a deploy cannot run at the same time.
 */
import { dirname } from "node:path";
import { composeBase, composeDownArgv } from "../commands/compose.js";
import { containerNamesArgv, removeContainersArgv, removeVolumesArgv } from "../commands/docker.js";
import { listDirArgv, removeFilesArgv, removeTreeArgv, testArgv } from "../commands/files.js";
import { nginxReload, nginxTest } from "../commands/nginx.js";
import { daemonReloadArgv, systemctlArgv } from "../commands/systemd.js";
import type { Color, SlipwayConfig } from "../config/index.js";
import { helperMode } from "../config/inventory.js";
import { previousPath } from "../install/validated.js";
import { acquireLock, releaseLock } from "../lock/lock.js";
import { removeUnder } from "../remote/remove.js";
import type { RemoteHost } from "../remote/types.js";
import { composeProjectName } from "../render/compose.js";
import { instancesOf } from "../render/from-config/common.js";
import { renderFromConfig } from "../render/from-config/index.js";
import { ACCESSORIES } from "../render/model.js";
import { publicPortFiles } from "../render/public-port.js";
import { instanceUnitName, templateUnitName } from "../render/systemd.js";
import { hostComposeFlavour } from "./compose-runtime.js";
import { containerName } from "./container/run-spec.js";
import type { ReleaseHistory } from "./history.js";
import { readLiveState } from "./host-state.js";
import { maintenanceSiteFiles } from "./maintenance-bypass.js";
import { deployPaths } from "./paths.js";
import { removeAppImages, removeBootstrapFiles } from "./remove-extras.js";
import { socketLinkPaths } from "./socket-links.js";
import { removeSwarmStacks } from "./swarm/remove.js";

export interface RemoveAppOptions {
  /** Also remove the backups, the named volumes and the accessories. */
  purge?: boolean;
  /** Only list what would be removed. */
  check?: boolean;
  /** Holder name recorded in the lock. */
  holder?: string;
}

const COLORS: readonly Color[] = ["blue", "green"];
const asRoot = { become: true, step: "remove" };

/**
 * Removes the app from `host`; returns one line per thing removed (or that would be). Throws SlipwayError when the
 * lock is held by a deploy, or when nginx refuses its configuration after the site's files are gone.
 */
export async function removeApp(
  host: RemoteHost,
  config: SlipwayConfig,
  options: RemoveAppOptions = {},
): Promise<string[]> {
  const paths = deployPaths(config.deploy_dir);
  const deployed = (await host.exec(testArgv("-d", paths.root), { check: false })).code === 0;
  const actions: string[] = [];
  const act = async (line: string, run: () => Promise<unknown>) => {
    actions.push(options.check ? `would ${line}` : line);
    if (!options.check) await run();
  };
  const locked = deployed && !options.check;
  if (locked) await acquireLock(host, paths.lock, options.holder ?? "slipway remove", "");
  try {
    // Read before deploy_dir goes: which images the app's releases ran (purge removes them).
    const { history } = deployed ? await readLiveState(host, paths) : { history: { releases: [] } };
    await removePublicPorts(host, config, act);
    await stopProcesses(host, config, options, act);
    await removeSite(host, config, act);
    if (deployed) await removeDeployDir(host, config, options, act, actions);
    if (options.purge) {
      await removeAppImages(host, config, history, options.check ?? false, actions);
      await removeBootstrapFiles(host, config, act, actions);
    }
  } finally {
    // Gone with deploy_dir under purge; otherwise the one thing left besides backups/ (and the accessories' files).
    if (locked) await releaseLock(host, paths.lock);
  }
  return actions;
}

type Act = (line: string, run: () => Promise<unknown>) => Promise<void>;

/**
 * Units a recorded release ran (history's `units`) that none of `current` names: a service renamed or dropped since.
 * Sorted, each once.
 */
export function recordedUnitsNotIn(history: ReleaseHistory, current: readonly string[]): string[] {
  const known = new Set(current);
  const recorded = history.releases.flatMap((r) => r.units ?? []).filter((u) => !known.has(u));
  return [...new Set(recorded)].sort();
}

/** A renamed or dropped service's units, read from the host's release history: stopped, disabled, template removed. */
async function stopRecordedLeftovers(host: RemoteHost, config: SlipwayConfig, current: string[], act: Act) {
  const { history } = await readLiveState(host, deployPaths(config.deploy_dir));
  const left = recordedUnitsNotIn(history, current);
  if (left.length === 0) return;
  const templates = [...new Set(left.map((u) => `/etc/systemd/system/${u.replace(/@[^@]*\.service$/, "@.service")}`))];
  await act(
    `stop and disable ${left.join(", ")} (a recorded release ran them; the config no longer names them); remove ${templates.join(", ")}`,
    async () => {
      await host.exec(systemctlArgv("disable", left, ["--now"]), { ...asRoot, check: false });
      await host.exec(removeFilesArgv(templates), asRoot);
      await host.exec(daemonReloadArgv(), asRoot);
    },
  );
}

async function stopProcesses(host: RemoteHost, config: SlipwayConfig, options: RemoveAppOptions, act: Act) {
  const services = Object.keys(config.services);
  if (config.runtime === "systemd") {
    const current = services.flatMap((service) =>
      COLORS.flatMap((color) =>
        Array.from({ length: instancesOf(config, service) }, (_, i) => instanceUnitName(config.app, service, color, i)),
      ),
    );
    await stopRecordedLeftovers(host, config, current, act);
    for (const service of services) {
      const template = `/etc/systemd/system/${templateUnitName(config.app, service)}`;
      const units = COLORS.flatMap((color) =>
        Array.from({ length: instancesOf(config, service) }, (_, i) => instanceUnitName(config.app, service, color, i)),
      );
      // Each instance's drop-in dir (the deploy's slipway-release.conf, what `slipway render` lists): removed even
      // when the template is gone already (an earlier remove that left them).
      const dirs: string[] = [];
      for (const dir of units.map((unit) => `/etc/systemd/system/${unit}.d`))
        if ((await host.exec(testArgv("-d", dir), { check: false })).code === 0) dirs.push(dir);
      const hasTemplate = (await host.exec(testArgv("-e", template), { check: false })).code === 0;
      if (!hasTemplate && dirs.length === 0) continue;
      const what = [...(hasTemplate ? [template] : []), ...dirs].join(", ");
      await act(`stop and disable ${units.join(", ")}; remove ${what}`, async () => {
        // stop, then disable (not `disable --now`): the helper's unit verbs take no flags, root mode runs the same.
        await host.exec(systemctlArgv("stop", units), { ...asRoot, check: false });
        await host.exec(systemctlArgv("disable", units), { ...asRoot, check: false });
        for (const dir of dirs) await host.exec(removeTreeArgv(dir), asRoot);
        if (hasTemplate) await host.exec(removeFilesArgv([template]), asRoot);
        await host.exec(daemonReloadArgv(), asRoot);
      });
    }
    return;
  }
  if (config.runtime === "container") {
    const names = services.flatMap((service) =>
      COLORS.flatMap((color) =>
        Array.from({ length: instancesOf(config, service) }, (_, i) => containerName(config.app, service, color, i)),
      ),
    );
    const present = await host.exec(containerNamesArgv(names), {
      ...asRoot,
      check: false,
    });
    const found = present.stdout
      .split("\n")
      .map((l) => l.trim().replace(/^\//, ""))
      .filter(Boolean);
    if (found.length > 0)
      await act(`remove containers ${found.join(", ")}`, () => host.exec(removeContainersArgv(found), asRoot));
    return;
  }
  if (config.runtime === "swarm") return removeSwarmStacks(host, config, options.purge ?? false, act);
  const flavour = await hostComposeFlavour(host, config);
  const projects: (Color | typeof ACCESSORIES)[] = options.purge ? [...COLORS, ACCESSORIES] : [...COLORS];
  for (const group of projects) {
    const file = `${config.deploy_dir}/compose/${group}/compose.yml`;
    if ((await host.exec(testArgv("-f", file), { ...asRoot, check: false })).code !== 0) continue;
    const project = composeProjectName(config.app, group);
    await act(`compose down project ${project}`, () =>
      host.exec(composeDownArgv(composeBase(flavour, project, file)), {
        ...asRoot,
        timeoutMs: 120_000,
      }),
    );
  }
}

/** proxy.mode internal: the public ports' socket and forwarder units (src/deploy/public-port.ts). */
async function removePublicPorts(host: RemoteHost, config: SlipwayConfig, act: Act) {
  for (const { socket, service } of publicPortFiles(config, "blue")) {
    if ((await host.exec(testArgv("-e", socket.path), { check: false })).code !== 0) continue;
    // The switch installs them validated, keeping each replaced version as <path>.slipway-prev: those go too.
    const kept: string[] = [];
    for (const path of [socket.path, service.path].map(previousPath))
      if ((await host.exec(testArgv("-e", path), { check: false })).code === 0) kept.push(path);
    await act(`stop and remove ${[socket.name, service.name, ...kept].join(", ")}`, async () => {
      await host.exec(systemctlArgv("disable", [socket.name, service.name], ["--now"]), { ...asRoot, check: false });
      await host.exec(removeFilesArgv([socket.path, service.path, ...kept]), asRoot);
      await host.exec(daemonReloadArgv(), asRoot);
    });
  }
}

/**
 * The nginx site and upstream files the deploy installs (the paths `slipway render` shows) and the socket switch's
 * links in /etc/nginx/slipway, then a checked reload.
 */
async function removeSite(host: RemoteHost, config: SlipwayConfig, act: Act) {
  if (config.proxy.mode === "internal") return;
  const digest = `@sha256:${"0".repeat(64)}`;
  const images = Object.fromEntries(Object.keys(config.services).map((name) => [name, `x${digest}`]));
  const files = renderFromConfig(config, { color: "blue", colors: [], tlsReady: false, images })
    .filter((f) => f.kind === "nginx-site" || f.kind === "nginx-upstream")
    // The install keeps each replaced file as <path>.slipway-prev: it goes with the site.
    .flatMap((f) => [f.path, previousPath(f.path)]);
  // The maintenance bypass token and Retry-After the site includes (deploy/maintenance-bypass.ts, maintenance on).
  files.push(...maintenanceSiteFiles(config.app));
  const present: string[] = [];
  for (const file of files)
    if ((await host.exec(testArgv("-e", file), { check: false })).code === 0) present.push(file);
  // The socket switch's links: -L, since once the colors are stopped their listeners are gone and the links dangle.
  const links: string[] = [];
  for (const link of socketLinkPaths(config))
    if ((await host.exec(testArgv("-L", link), { check: false })).code === 0) links.push(link);
  if (present.length + links.length === 0) return;
  await act(`remove the nginx files ${[...present, ...links].join(", ")} and reload nginx`, async () => {
    // Files and links apart: in helper mode they are different verbs (file rm, links rm).
    if (present.length > 0) await host.exec(removeFilesArgv(present), asRoot);
    if (links.length > 0) await host.exec(removeFilesArgv(links), asRoot);
    await host.exec(nginxTest().argv, asRoot);
    await host.exec(nginxReload().argv, asRoot);
  });
}

/** Everything in deploy_dir but backups/ (and, without purge, the accessories' files); with purge, the directory. */
async function removeDeployDir(
  host: RemoteHost,
  config: SlipwayConfig,
  options: RemoveAppOptions,
  act: Act,
  actions: string[],
) {
  const root = deployPaths(config.deploy_dir).root;
  if (options.purge) {
    const volumes = namedVolumes(config);
    if (volumes.length > 0) {
      await act(`remove the volumes ${volumes.join(", ")}`, () => host.exec(removeVolumesArgv(volumes), asRoot));
    }
    if (!helperMode(config, host.name)) {
      await act(`remove ${root} (backups included)`, () => removeUnder(host, dirname(root), root, asRoot));
      return;
    }
    // Helper mode: bootstrap made deploy_dir in a root-owned parent; the deploy user empties it and leaves it there.
    const listing = await host.exec(listDirArgv(root), { ...asRoot, check: false });
    const entries = listing.stdout.split("\n").filter((p) => p && p !== `${root}/.slipway-lock`);
    await act(`remove everything in ${root} (backups included)`, async () => {
      for (const entry of entries) await removeUnder(host, root, entry, asRoot);
    });
    actions.push(`kept: ${root} itself, empty (bootstrap made it; helper mode cannot remove it)`);
    return;
  }
  const listing = await host.exec(listDirArgv(root), { ...asRoot, check: false });
  const keep = new Set([`${root}/backups`, `${root}/.slipway-lock`]);
  const accessories = Object.values(config.services).some((s) => s.accessory);
  const entries = listing.stdout.split("\n").filter((p) => p && !keep.has(p));
  for (const entry of entries) {
    if (accessories && (entry === `${root}/compose` || entry === `${root}/env` || entry === `${root}/swarm`)) {
      await removeKeepingAccessories(host, config, entry, act);
      continue;
    }
    await act(`remove ${entry}`, () => removeUnder(host, root, entry, asRoot));
  }
  actions.push(
    `kept: ${root}/backups, the named volumes${accessories ? ", the accessories" : ""}${config.runtime === "systemd" ? "" : ", the app's images"}, bootstrap's firewall rules of the app (--purge removes them)`,
  );
}

/** compose/, env/ and swarm/ without the accessories' project directory, env and stack files (they keep running). */
async function removeKeepingAccessories(host: RemoteHost, config: SlipwayConfig, dir: string, act: Act) {
  const listing = await host.exec(listDirArgv(dir), { ...asRoot, check: false });
  const accessories = Object.keys(config.services).filter((name) => config.services[name]?.accessory);
  const kept = new Set([
    `${dir}/${ACCESSORIES}`,
    `${dir}/${ACCESSORIES}.yml`,
    ...accessories.map((name) => `${dir}/${name}.env`),
  ]);
  for (const entry of listing.stdout.split("\n").filter((p) => p && !kept.has(p))) {
    await act(`remove ${entry}`, () => removeUnder(host, config.deploy_dir, entry, asRoot));
  }
}

/** Named volumes (`name:/path`) of every service. */
function namedVolumes(config: SlipwayConfig): string[] {
  const names = Object.values(config.services).flatMap((s) =>
    s.volumes.map((v) => v.split(":")[0] ?? "").filter((v) => v !== "" && !v.startsWith("/")),
  );
  return [...new Set(names)];
}
