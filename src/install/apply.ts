/**
 * The install paths per file kind: render, then installValidated with the validator and reload that fit it. These are
 * what the nginx_site module, the switch step and the runtimes call.
 */
import { composeConfigCheck } from "../commands/compose.js";
import { mkdirsArgv, parentDir } from "../commands/files.js";
import { nginxReload, nginxTest } from "../commands/nginx.js";
import { daemonReloadArgv, systemdDaemonReload, systemdVerify } from "../commands/systemd.js";
import type { RemoteHost } from "../remote/types.js";
import { composeProjectName, renderCompose } from "../render/compose.js";
import type { Color, ComposeModel, NginxSiteModel, SystemdUnitModel, UpstreamModel } from "../render/model.js";
import { renderNginxFiles, renderNginxUpstream } from "../render/nginx.js";
import {
  defaultSitePath,
  NGINX_SOCKETS_DROP_IN,
  nginxSocketsDropIn,
  tmpfilesLine,
  tmpfilesPath,
} from "../render/nginx-host-files.js";
import { renderSystemdUnit, templateUnitName } from "../render/systemd.js";
import { type InstallResult, installValidated } from "./validated.js";

export interface ApplyOptions {
  become: boolean;
  check?: boolean;
  step?: string;
}

/**
 * The colors' listeners live on tmpfs: tmpfiles.d makes the directory again at boot, before nginx starts, and the
 * nginx drop-in clears what a killed nginx left there. systemd reloads its units when the drop-in changed.
 */
async function installSocketDirSupport(host: RemoteHost, dir: string, step: { become: boolean; step?: string }) {
  const wanted = [
    { path: tmpfilesPath(dir), content: tmpfilesLine(dir) },
    { path: NGINX_SOCKETS_DROP_IN, content: nginxSocketsDropIn(dir) },
  ];
  // Read first (both at once): on every deploy but the first they are in place, and nothing more is needed.
  const lives = await Promise.all(wanted.map((f) => host.readFile(f.path, { become: step.become })));
  const differ = wanted.filter((f, i) => lives[i]?.toString("utf8") !== f.content);
  if (differ.length === 0) return;
  await host.exec(mkdirsArgv([parentDir(NGINX_SOCKETS_DROP_IN)]), step);
  const written = await Promise.all(differ.map((f) => host.putFile(f.path, f.content, { mode: 0o644, ...step })));
  const dropIn = written[differ.findIndex((f) => f.path === NGINX_SOCKETS_DROP_IN)];
  if (dropIn?.changed) await host.exec(daemonReloadArgv(), { ...step, check: false });
}

/** nginx files are world-readable, validated with `nginx -t` as a whole, then gracefully reloaded. */
function installNginxFiles(
  host: RemoteHost,
  files: readonly { path: string; content: string }[],
  options: ApplyOptions & { ready?: Promise<unknown> },
  defaultStep: string,
): Promise<InstallResult> {
  return installValidated(host, {
    ready: options.ready,
    files: files.map((f) => ({ ...f, mode: 0o644 })),
    validate: [nginxTest()],
    reload: [nginxReload()],
    become: options.become,
    check: options.check,
    step: options.step ?? defaultStep,
  });
}

/**
 * The site's directories (and, with socket listeners, their boot-time support) made on this host in this run: a
 * deploy installs the site several times (preview, switch, a switch back) and each time the same directories would be
 * made again. Keyed by the connection, which lives for one run.
 */
const siteDirsReady = new WeakMap<RemoteHost, Set<string>>();

async function prepareSiteDirs(host: RemoteHost, model: NginxSiteModel, step: { become: boolean; step?: string }) {
  const runDir = model.colorSockets?.runDir;
  const dirs = [model.upstreamIncludeDir, model.acmeWebroot, ...(runDir ? [runDir] : [])];
  const key = dirs.join("\0");
  const ready = siteDirsReady.get(host) ?? new Set<string>();
  if (ready.has(key)) return;
  await Promise.all([host.exec(mkdirsArgv(dirs), step), runDir ? installSocketDirSupport(host, runDir, step) : null]);
  siteDirsReady.set(host, ready.add(key));
}

/**
 * The site's files, validated and reloaded when they changed. `ready`: what must be done before anything is written
 * (the switch's socket links), awaited after the live files are read, so an unchanged site costs one round trip.
 */
export async function applyNginxSite(
  host: RemoteHost,
  model: NginxSiteModel,
  options: ApplyOptions & { sitePath?: string; ready?: Promise<unknown> },
): Promise<InstallResult> {
  const files = renderNginxFiles(model, options.sitePath ?? defaultSitePath(model.app));
  if (options.check) return installNginxFiles(host, files, options, "nginx site");
  // The directories are made while the live files are read: only the writes need them.
  const dirs = prepareSiteDirs(host, model, { become: options.become, step: options.step });
  return installNginxFiles(host, files, { ...options, ready: Promise.all([dirs, options.ready]) }, "nginx site");
}

/** nginx files of the site's own (a setting the site includes), written, validated and reloaded when they changed. */
export function applyNginxFiles(
  host: RemoteHost,
  files: readonly { path: string; content: string }[],
  options: ApplyOptions,
): Promise<InstallResult> {
  return installNginxFiles(host, files, options, "nginx file");
}

/** The blue-green switch: point one service's upstream at other servers (the new color's port), validated. */
export async function applyNginxUpstream(
  host: RemoteHost,
  app: string,
  upstream: UpstreamModel,
  includeDir: string,
  options: ApplyOptions,
): Promise<InstallResult> {
  const file = renderNginxUpstream(app, upstream, includeDir);
  return installNginxFiles(host, [file], options, "nginx upstream");
}

export async function applySystemdUnit(
  host: RemoteHost,
  model: SystemdUnitModel,
  options: ApplyOptions & { unitDir?: string; verifyColor?: Color },
): Promise<InstallResult> {
  const path = `${options.unitDir ?? "/etc/systemd/system"}/${templateUnitName(model.app, model.service)}`;
  return installValidated(host, {
    files: [{ path, content: renderSystemdUnit(model), mode: 0o644 }],
    validate: [systemdVerify(path, options.verifyColor ?? "blue")],
    reload: [systemdDaemonReload()],
    become: options.become,
    check: options.check,
    step: options.step ?? "systemd unit",
  });
}

/** The compose file of one color; compose reads it on `up`, so there is nothing to reload. */
export async function applyComposeFile(
  host: RemoteHost,
  model: ComposeModel,
  options: ApplyOptions & { path: string; flavour: "v2" | "v1" },
): Promise<InstallResult> {
  const project = composeProjectName(model.app, model.color);
  return installValidated(host, {
    files: [{ path: options.path, content: renderCompose(model), mode: 0o640 }],
    validate: [composeConfigCheck(options.flavour, project, options.path)],
    reload: [],
    become: options.become,
    check: options.check,
    step: options.step ?? "compose file",
  });
}
