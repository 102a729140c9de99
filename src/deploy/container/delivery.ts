/**
 * How a container deploy's images reach the hosts (`image.delivery`) and the registry credentials it uses
 * (`image.username` + `image.password_secret`): pure decisions, the delivery itself is src/delivery.
 */
import type { SlipwayConfig } from "../../config/index.js";
import type { HostRegistryLogin } from "../../delivery/login.js";

export type DeliveryMethod = "registry" | "ssh";

/** The `image` keys the delivery reads (structural, so tests need no whole config). */
export interface ImageDeliveryView {
  registry?: string;
  username?: string;
  password_secret?: string;
  delivery?: DeliveryMethod;
}

/** `image.delivery`, defaulting as documented: the registry pull when a registry is set, else the SSH stream. */
export function deliveryMethod(image: ImageDeliveryView): DeliveryMethod {
  return image.delivery ?? (image.registry ? "registry" : "ssh");
}

/**
 * The registry login (host part of `image.registry`, `image.username`, the password from the secret
 * `image.password_secret` names), or undefined when the config gives no user or the secret has no value.
 * The same credentials serve the runner's push and each host's pull.
 */
export function registryLogin(
  image: ImageDeliveryView,
  secrets: Readonly<Record<string, string>>,
): HostRegistryLogin | undefined {
  const registry = image.registry?.split("/")[0];
  const password = image.password_secret ? secrets[image.password_secret] : undefined;
  if (!registry || !image.username || !password) return undefined;
  return { registry, username: image.username, password };
}

/** The plan's words for an image the deploy still has to build (check mode builds nothing). */
export function buildAction(config: Pick<SlipwayConfig, "image">, service: string): string {
  return deliveryMethod(config.image) === "ssh"
    ? `build the ${service} image, stream it over SSH`
    : `build and push the ${service} image, pull it by digest`;
}

/** The hint of a failed pull: the host's own registry access is the usual cause, the SSH stream the way around it. */
export function pullFailureHint(registry: string | undefined): string {
  const where = registry ? `${registry} ` : "the registry ";
  return (
    `check that the host can reach ${where}and log in to it (image.username, image.password_secret); ` +
    "a host without registry access can get the image from the runner with `image.delivery: ssh`"
  );
}
