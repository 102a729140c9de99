import { imageIdArgv, pullArgv, tagArgv } from "../commands/docker-image.js";
import { SlipwayError } from "../errors.js";
import type { RemoteHost } from "../remote/types.js";
import { type HostRegistryLogin, withHostLogin } from "./login.js";
import { PullProgressTracker } from "./progress.js";
import type { DeliveredImage, DeliveryProgressEvent, HostDeliveryResult, ImageToDeliver } from "./types.js";

export interface PullOptions {
  /** Each host's own registry credentials, by host name. */
  logins?: Record<string, HostRegistryLogin | undefined>;
  onProgress?: (event: DeliveryProgressEvent) => void;
  /** Per pull; a large image on a slow link needs more. Default 15 minutes. */
  timeoutMs?: number;
}

/**
 * Every host pulls every image by digest, all hosts at once (images one after another on each host). A host that
 * already has the digest does not pull. One host failing does not stop the others: each gets its own result.
 */
export async function deliverByPull(
  hosts: readonly RemoteHost[],
  images: readonly ImageToDeliver[],
  options: PullOptions = {},
): Promise<HostDeliveryResult[]> {
  return Promise.all(
    hosts.map(async (host) => {
      const started = Date.now();
      const delivered: DeliveredImage[] = [];
      try {
        await withHostLogin(host, options.logins?.[host.name], async () => {
          for (const image of images) delivered.push(await pullOne(host, image, options));
        });
        return { host: host.name, ok: true, images: delivered, durationMs: Date.now() - started };
      } catch (error) {
        return {
          host: host.name,
          ok: false,
          images: delivered,
          error: asSlipwayError(error, host.name),
          durationMs: Date.now() - started,
        };
      }
    }),
  );
}

async function pullOne(host: RemoteHost, image: ImageToDeliver, options: PullOptions): Promise<DeliveredImage> {
  const emit = (event: Omit<DeliveryProgressEvent, "host" | "service">) =>
    options.onProgress?.({ host: host.name, service: image.service, ...event });
  let imageId = await hostImageId(host, image.reference);
  let action: DeliveredImage["action"] = "present";
  if (!imageId) {
    const tracker = new PullProgressTracker();
    await host.exec(pullArgv(image.reference), {
      step: `pull ${image.service}`,
      timeoutMs: options.timeoutMs ?? 15 * 60_000,
      onStdout: (line) => {
        const progress = tracker.feed(line);
        if (progress) {
          emit({ kind: "layers", done: progress.layersDone, total: progress.layersTotal, status: progress.status });
        }
      },
    });
    imageId = await hostImageId(host, image.reference);
    if (!imageId) {
      throw new SlipwayError(`${image.reference} is not on the host after the pull`, {
        host: host.name,
        step: `pull ${image.service}`,
        hint: "check the host's docker daemon (disk space, `docker image ls`)",
      });
    }
    action = "pulled";
  }
  if (image.tagAs) await host.exec(tagArgv(image.reference, image.tagAs), { step: `tag ${image.service}` });
  emit({ kind: "done", done: 1, total: 1, status: action });
  return { service: image.service, reference: image.reference, imageId, action };
}

/** The image id on the host, or null when the host does not have that reference. */
export async function hostImageId(host: RemoteHost, reference: string): Promise<string | null> {
  const result = await host.exec(imageIdArgv(reference), { check: false, step: "image inspect", timeoutMs: 30_000 });
  const id = result.stdout.trim();
  return result.code === 0 && id.startsWith("sha256:") ? id : null;
}

export function asSlipwayError(error: unknown, host: string): SlipwayError {
  if (error instanceof SlipwayError) return error;
  return new SlipwayError(error instanceof Error ? error.message : String(error), { host, cause: error });
}
