/**
 * Pure argv builders of docker images on a host: pull, tag, load/save (the SSH stream), registry login, prune's
 * listings. RemoteHost.exec quotes them with shJoin.
 */

/** `docker pull repo@sha256:...`: every host gets exactly the bytes that were pushed. */
export function pullArgv(digestReference: string): string[] {
  if (!/@sha256:[0-9a-f]{64}$/.test(digestReference)) {
    throw new Error(`hosts pull by digest (repo@sha256:...), got "${digestReference}"`);
  }
  return ["docker", "pull", digestReference];
}

/**
 * Exit 0 and the image id when the host has the image (by id, tag or digest reference). `endOfOptions` puts `--`
 * before a reference that comes from user input (the playbook modules).
 */
export function imageIdArgv(reference: string, endOfOptions = false): string[] {
  return ["docker", "image", "inspect", "--format", "{{.Id}}", ...(endOfOptions ? ["--"] : []), reference];
}

/** `docker pull --quiet <reference>` of a playbook's docker_image (any reference; the deploy pulls by digest). */
export function pullQuietArgv(reference: string): string[] {
  return ["docker", "pull", "--quiet", reference];
}

export function tagArgv(source: string, target: string): string[] {
  return ["docker", "image", "tag", source, target];
}

/** Reads a `docker save` tar from stdin; docker load itself recognises gzip (and bzip2, xz, zstd) compression. */
export function loadArgv(): string[] {
  return ["docker", "image", "load"];
}

/** Runner side: the tar that `loadArgv` reads. */
export function saveArgv(references: readonly string[]): string[] {
  return ["docker", "image", "save", ...references];
}

/** The password is written to stdin; only the user name and registry are in argv (runner and hosts alike). */
export function registryLoginArgv(registry: string, username: string): string[] {
  return ["docker", "login", "--username", username, "--password-stdin", registry];
}

export function registryLogoutArgv(registry: string): string[] {
  return ["docker", "logout", registry];
}

/** Full image ids of every tag and untagged digest of a repository. */
export function listRepositoryImagesArgv(repository: string): string[] {
  return ["docker", "image", "ls", "--no-trunc", "--format", "{{.ID}}", repository];
}

export function inspectImagesArgv(ids: readonly string[]): string[] {
  return ["docker", "image", "inspect", ...ids];
}

export function listContainersArgv(): string[] {
  return ["docker", "container", "ls", "--all", "--quiet", "--no-trunc"];
}

export function containerImagesArgv(containerIds: readonly string[]): string[] {
  return ["docker", "container", "inspect", "--format", "{{.Image}}", ...containerIds];
}

/**
 * Removing every reference of an image deletes it; without --force docker refuses when a container still uses it,
 * which is the safe answer.
 */
export function removeImageArgv(references: readonly string[]): string[] {
  return ["docker", "image", "rm", ...references];
}

/** The image id a container runs. */
export function containerImageArgv(container: string): string[] {
  return ["docker", "inspect", "--format", "{{.Image}}", "--", container];
}

/**
 * What an image runs, without its labels: its layers and the config fields that change a container. A rebuild of the
 * same code differs only in its `created`/`revision` labels (a new id and digest every deploy); this does not.
 */
export function imageContentArgv(image: string): string[] {
  const fields = [
    "Entrypoint",
    "Cmd",
    "Env",
    "User",
    "WorkingDir",
    "ExposedPorts",
    "Volumes",
    "Healthcheck",
    "StopSignal",
  ];
  const format = ["{{json .RootFS.Layers}}", ...fields.map((f) => `{{json .Config.${f}}}`)].join(" ");
  return ["docker", "image", "inspect", "--format", format, "--", image];
}

/** The user an image's containers run as (`USER`: `name`, `uid`, `name:group`, ...); empty when it sets none (root). */
export function imageUserArgv(image: string): string[] {
  return ["docker", "image", "inspect", "--format", "{{.Config.User}}", "--", image];
}

/**
 * The image's own `/etc/passwd` then `/etc/group`, printed by a throwaway container (no network, no capability):
 * where docker itself looks a `--user name` up. Fails on an image without `cat` or those files (distroless).
 */
export function imageAccountsArgv(image: string): string[] {
  return [
    "docker",
    "run",
    "--rm",
    "--network",
    "none",
    "--cap-drop",
    "ALL",
    "--security-opt",
    "no-new-privileges",
    "--user",
    "0:0",
    "--entrypoint",
    "cat",
    image,
    "/etc/passwd",
    "/etc/group",
  ];
}
