/**
 * Image references as Docker reads them: `[registry/]path[:tag][@digest]`. The registry is the first path component
 * when it looks like a host (has a dot or a port, or is `localhost`); otherwise the image lives on Docker Hub.
 */
export interface ImageReference {
  /** Registry host as Docker names it (`10.213.0.1:5000`, `ghcr.io`, `docker.io`). */
  registry: string;
  /** Repository path inside the registry (`library/nginx`, `acme/web`). */
  path: string;
  tag?: string;
  digest?: string;
}

const DOCKER_HUB = "docker.io";
const DIGEST = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-fA-F0-9]{32,}$/;

export function parseImageReference(reference: string): ImageReference {
  let rest = reference.trim();
  let digest: string | undefined;
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) throw new Error(`invalid digest in image reference "${reference}"`);
  }
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf("/");
  const lastColon = rest.lastIndexOf(":");
  if (lastColon > lastSlash) {
    tag = rest.slice(lastColon + 1);
    rest = rest.slice(0, lastColon);
    if (!isValidTag(tag)) throw new Error(`invalid tag "${tag}" in image reference "${reference}"`);
  }
  const [first, ...others] = rest.split("/");
  let registry = DOCKER_HUB;
  let path = rest;
  if (
    others.length > 0 &&
    first !== undefined &&
    (first.includes(".") || first.includes(":") || first === "localhost")
  ) {
    registry = first;
    path = others.join("/");
  }
  if (registry === DOCKER_HUB && !path.includes("/")) path = `library/${path}`;
  if (!/^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/.test(path)) {
    throw new Error(
      `invalid repository "${path}" in image reference "${reference}" (lowercase letters, digits, . _ - /)`,
    );
  }
  return { registry, path, tag, digest };
}

/** The repository as written in `docker` commands (no tag, no digest). */
export function repositoryName(reference: ImageReference): string {
  if (reference.registry === DOCKER_HUB) return reference.path.replace(/^library\//, "");
  return `${reference.registry}/${reference.path}`;
}

/** `repo:tag`. */
export function taggedReference(repository: string, tag: string): string {
  return `${repository}:${tag}`;
}

/** `repo@sha256:...`: what hosts pull so that every host runs exactly the bytes that were pushed. */
export function digestReference(repository: string, digest: string): string {
  if (!DIGEST.test(digest)) throw new Error(`invalid digest "${digest}"`);
  return `${repository}@${digest}`;
}

export function isValidTag(tag: string): boolean {
  return /^[\w][\w.-]{0,127}$/.test(tag);
}
