/**
 * Steps every runtime takes when it stages the idle color: its env files, for images pulling what is missing, and
 * the static files `proxy.static.source` ships with the release.
 */
import { existsSync, readFileSync } from "node:fs";
import { relative, resolve } from "node:path";
import { runLocal } from "../build/local.js";
import { imageIdArgv } from "../commands/docker-image.js";
import { chownArgv, mkdirsArgv, parentDir, privateDirArgv, testArgv, writeWithDirArgv } from "../commands/files.js";
import { daemonReloadArgv } from "../commands/systemd.js";
import type { Color, SlipwayConfig } from "../config/index.js";
import { describeProgress } from "../delivery/progress_printer.js";
import { deliverByPull, hostImageId } from "../delivery/pull.js";
import { deliverByStream } from "../delivery/stream.js";
import { SlipwayError } from "../errors.js";
import type { RemoteHost } from "../remote/types.js";
import { configFileHostPath, renderConfigFile } from "../render/config-file.js";
import {
  configFileTemplatePath,
  configFileWhere,
  MISSING_TEMPLATE_HINT,
  missingTemplateMessage,
} from "../render/config-file-check.js";
import { type ConfigRenderedFile, type EnvFileOptions, envFileFromConfig } from "../render/from-config/index.js";
import { STATIC_DIR, staticShipDir } from "../render/from-config/nginx.js";
import { deliveryMethod, pullFailureHint, registryLogin } from "./container/delivery.js";
import type { FileOwner } from "./container/file-owner.js";
import { releaseManifest } from "./container/run-spec.js";
import { deployPaths } from "./paths.js";
import { type ProgressReporter, withProgress } from "./progress.js";
import { shipService } from "./ship.js";

/**
 * A service's env file for a color; refuses (before anything is written) when a secret it names has no value. The
 * runtimes pass `{ runtimeFormat: true }` (and the host's compose flavour) to get the file in its reader's format.
 */
export function colorEnvFile(
  host: RemoteHost,
  config: SlipwayConfig,
  service: string,
  color: Color,
  secrets: Readonly<Record<string, string>> | undefined,
  options: EnvFileOptions = {},
): ReturnType<typeof envFileFromConfig> {
  const env = envFileFromConfig(config, service, color, secrets, options);
  if (env.redacted.length > 0) {
    throw new SlipwayError(`service ${service} needs secrets that are not set: ${env.redacted.join(", ")}`, {
      host: host.name,
      step: "env file",
      hint: `export ${env.redacted[0]}=... before deploying (or pass secrets to deploy())`,
    });
  }
  return env;
}

/** Refuses (before anything is written) when a rendered env file lacks a secret's value: colorEnvFile's error. */
export function requireSecrets(host: RemoteHost, files: readonly ConfigRenderedFile[]): void {
  for (const file of files) {
    if (!file.redacted || file.redacted.length === 0) continue;
    throw new SlipwayError(`service ${file.service} needs secrets that are not set: ${file.redacted.join(", ")}`, {
      host: host.name,
      step: "env file",
      hint: `export ${file.redacted[0]}=... before deploying (or pass secrets to deploy())`,
    });
  }
}

/**
 * Writes rendered runtime files as root with their modes (check mode: reads and says which would change); one
 * daemon-reload when a systemd drop-in changed. Returns the action lines and whether anything changed.
 */
export async function writeRuntimeFiles(
  host: RemoteHost,
  files: readonly ConfigRenderedFile[],
  check: boolean,
): Promise<{ changed: boolean; actions: string[] }> {
  const actions: string[] = [];
  let changed = false;
  let dropIns = false;
  for (const file of files) {
    const step = file.kind === "systemd-drop-in" ? "unit drop-in" : "env file";
    if (check) {
      // Env files are root's 0600; the drop-ins are world-readable (read as the deploy user, as before).
      const now = (await host.readFile(file.path, { become: file.mode === 0o600 }))?.toString("utf8");
      if (now !== file.content) actions.push(`write ${file.path}`);
      continue;
    }
    await host.exec(mkdirsArgv([parentDir(file.path)]), { become: true });
    const put = await host.putFile(file.path, file.content, { mode: file.mode, become: true, step });
    if (!put.changed) continue;
    actions.push(`wrote ${file.path}`);
    changed = true;
    dropIns ||= file.kind === "systemd-drop-in";
  }
  if (dropIns) await host.exec(daemonReloadArgv(), { become: true, step: "unit drop-in" });
  return { changed, actions };
}

/** Pulls an image by digest when the host lacks it (check mode: only says so). Returns the action, or null. */
export async function pullWhenMissing(
  host: RemoteHost,
  service: string,
  image: string,
  check: boolean | undefined,
): Promise<string | null> {
  if (await hostImageId(host, image)) return null;
  if (!check) {
    const [pulled] = await deliverByPull([host], [{ service, reference: image }]);
    if (pulled?.error) throw pulled.error;
  }
  return `pull ${image}`;
}

/**
 * Puts a service's image on the host as `image.delivery` says: the registry pull by digest (logged in with the config's
 * credentials when it has them), or `docker save | ssh | docker load` from the runner, skipped when the host already
 * has the runner's image id. Check mode only says what it would do. Returns the action, or null when the host has it.
 * Errors: a SlipwayError naming the host and the step; a failed pull hints at `image.delivery: ssh`.
 */
export async function deliverWhenMissing(
  host: RemoteHost,
  config: SlipwayConfig,
  service: string,
  image: string,
  input: { check: boolean; secrets: Readonly<Record<string, string>>; progress?: ProgressReporter },
): Promise<string | null> {
  if (deliveryMethod(config.image) === "ssh") {
    const onHost = await hostImageId(host, image);
    // The host has the runner's image id, or the runner lacks the image (a rollback from another runner): the
    // host's copy is the one to run. A runner image of another id (rebuilt) is streamed over it.
    const onRunner = onHost ? await runnerImageId(image) : null;
    if (onHost && (onRunner === null || onRunner === onHost)) return null;
    if (input.check) return `stream ${image} over SSH`;
    const [streamed] = await withProgress(input.progress, `${service}: streaming ${image} over SSH`, (note) =>
      deliverByStream([host], [{ service, reference: image }], { onProgress: (e) => note(describeProgress(e)) }),
    );
    if (streamed?.error) throw streamed.error;
    return streamed?.images.some((i) => i.action === "streamed") ? `streamed ${image} over SSH` : null;
  }
  if (await hostImageId(host, image)) return null;
  if (input.check) return `pull ${image}`;
  const login = registryLogin(config.image, input.secrets);
  const [pulled] = await withProgress(input.progress, `${service}: pulling ${image}`, (note) =>
    deliverByPull([host], [{ service, reference: image }], {
      logins: { [host.name]: login },
      onProgress: (e) => note(describeProgress(e)),
    }),
  );
  const error = pulled?.error;
  if (error) {
    throw new SlipwayError(`cannot pull the ${service} image: ${error.message}`, {
      host: host.name,
      step: error.step ?? `pull ${service}`,
      command: error.command,
      exitCode: error.exitCode,
      stderrTail: error.stderrTail,
      hint: pullFailureHint(config.image.registry),
      cause: error,
    });
  }
  return `pull ${image}`;
}

/** The runner's image id for a reference, or null when the runner does not have it. */
async function runnerImageId(reference: string): Promise<string | null> {
  const result = await runLocal(imageIdArgv(reference), { check: false, step: "image id" });
  return result.code === 0 ? result.stdout.trim() : null;
}

/**
 * With `proxy.static.source`: ships that local directory (relative to slipway.yml, re-based on `releaseDir`) into
 * `<deploy_dir>/releases/<id>/_static/<location path>`, once per release (nginx serves `current/_static`). Returns the action line,
 * or null when there is nothing to do. Call it after the runtime shipped its code (systemd skips an existing release).
 */
export async function shipStatic(
  host: RemoteHost,
  config: SlipwayConfig,
  releaseId: string,
  releaseDir: string | undefined,
  check: boolean,
): Promise<string | null> {
  const source = config.proxy.static?.source;
  if (source === undefined) return null;
  const release = deployPaths(config.deploy_dir).release(releaseId);
  if ((await host.exec(testArgv("-d", `${release}/${STATIC_DIR}`), { check: false })).code === 0) return null;
  const target = `${release}/${staticShipDir(config)}`;
  const local = resolve(
    releaseDir ?? config.source.dir,
    relative(config.source.dir, resolve(config.source.dir, source)),
  );
  if (check) return `ship the static files ${source} to ${target}`;
  await host.exec(mkdirsArgv([parentDir(target)]), { step: "static files" });
  await shipService(host, local, target);
  return `shipped the static files ${source} to ${target}`;
}

/**
 * A service's `files` for a color: each template (local, relative to slipway.yml, re-based on `releaseDir`) rendered
 * with the service's secrets and installed at `<deploy_dir>/files/<service>-<color>/<n>-<name>` (directory 0700, file
 * 0600; owned by `input.owner`, the uid:gid the container runs as: configFilesOwner). Returns the mounts and the
 * actions.
 */
export async function writeConfigFiles(
  host: RemoteHost,
  config: SlipwayConfig,
  service: string,
  color: Color,
  input: { secrets: Readonly<Record<string, string>>; releaseDir?: string; check: boolean; owner?: FileOwner },
): Promise<{ files: Array<{ source: string; target: string }>; actions: string[] }> {
  const spec = config.services[service];
  const files: Array<{ source: string; target: string }> = [];
  const actions: string[] = [];
  for (const [i, file] of (spec?.files ?? []).entries()) {
    const source = configFileHostPath(config.deploy_dir, service, color, i, file.path);
    files.push({ source, target: file.path });
    const local = configFileTemplatePath(config, file.template, input.releaseDir);
    if (!existsSync(local)) {
      throw new SlipwayError(`services.${service}.files[${i}].template: ${missingTemplateMessage(local)}`, {
        host: host.name,
        step: "config files",
        hint: MISSING_TEMPLATE_HINT,
      });
    }
    const content = renderConfigFile(readFileSync(local, "utf8"), input.secrets, {
      json: /\.json$/i.test(file.path),
      where: configFileWhere(service, i, file.template),
      listed: spec?.secrets ?? [],
    });
    const become = { become: true, step: "config files" };
    if (input.check) {
      if ((await host.readFile(source, become))?.toString("utf8") !== content) actions.push(`write ${source}`);
      continue;
    }
    const dir = source.replace(/\/[^/]*$/, "");
    await host.exec(privateDirArgv(dir), become);
    const written = await host.putFile(source, content, { mode: 0o600, ...become });
    await ownConfigFiles(host, [{ source }], input.owner);
    if (written.changed) actions.push(`wrote ${source}`);
  }
  return { files, actions };
}

/**
 * Hands config files to the container's own uid:gid (file-owner.ts): with every capability dropped, only the owner
 * reads a 0600 file. By number, every deploy (stat names owners, so putFile's owner compare would see a change each
 * time). `owner` undefined: left as written (helper mode: the gate mounts a root-owned 0644 copy).
 */
export async function ownConfigFiles(
  host: RemoteHost,
  files: ReadonlyArray<{ source: string }>,
  owner: FileOwner | undefined,
): Promise<void> {
  if (!owner) return;
  for (const { source } of files) {
    await host.exec(chownArgv(`${owner.uid}:${owner.gid}`, source), { become: true, step: "config files" });
  }
}

/**
 * The release directory of an image runtime (container, compose, swarm) with its `images.json` (what the release ran,
 * read by rollback and `slipway releases`), so `current` -> releases/<id> points at something. Written whatever is
 * there (no read first): the manifest is small and the write is atomic; the directory is made by the same command.
 */
export async function writeReleaseManifest(
  host: RemoteHost,
  release: string,
  releaseId: string,
  images: Record<string, string>,
): Promise<void> {
  const manifest = releaseManifest(releaseId, images);
  await host.exec(writeWithDirArgv(`${release}/images.json`, { mode: 0o644, size: Buffer.byteLength(manifest) }), {
    step: "stage",
    stdin: manifest,
  });
}
