import { spawn } from "node:child_process";
import { PassThrough } from "node:stream";
import { createGzip } from "node:zlib";
import { runLocal } from "../build/local.js";
import { imageIdArgv, loadArgv, saveArgv, tagArgv } from "../commands/docker-image.js";
import { SlipwayError } from "../errors.js";
import { shJoin } from "../remote/quote.js";
import type { RemoteHost } from "../remote/types.js";
import { asSlipwayError, hostImageId } from "./pull.js";
import type { DeliveredImage, DeliveryProgressEvent, HostDeliveryResult, ImageToDeliver } from "./types.js";

export interface StreamOptions {
  onProgress?: (event: DeliveryProgressEvent) => void;
  /** gzip level: 1 is fastest (LAN), 6 is gzip's default (slow links). Default 6. */
  gzipLevel?: number;
  timeoutMs?: number;
  /** Local image ids by reference, when the caller knows them (saves a `docker image inspect` on the runner). */
  localImageIds?: Record<string, string>;
}

/**
 * Registry-less delivery: `docker save` on the runner, gzip, streamed over each host's existing SSH connection into
 * `docker load`. A host that already has the image id is skipped. Each image is saved and compressed once and the
 * compressed stream is fanned out to every host that needs it.
 */
export async function deliverByStream(
  hosts: readonly RemoteHost[],
  images: readonly ImageToDeliver[],
  options: StreamOptions = {},
): Promise<HostDeliveryResult[]> {
  const started = new Map(hosts.map((host) => [host.name, Date.now()]));
  const delivered = new Map<string, DeliveredImage[]>(hosts.map((host) => [host.name, []]));
  const failed = new Map<string, SlipwayError>();

  for (const image of images) {
    const imageId = options.localImageIds?.[image.reference] ?? (await localImageId(image.reference));
    const live = hosts.filter((host) => !failed.has(host.name));
    const present = await Promise.all(
      live.map(async (host) => {
        try {
          return (await hostImageId(host, imageId)) === imageId;
        } catch (error) {
          failed.set(host.name, asSlipwayError(error, host.name));
          return true;
        }
      }),
    );
    const needing = live.filter((_host, index) => !present[index]);
    for (const host of live.filter((host, index) => present[index] && !failed.has(host.name))) {
      delivered
        .get(host.name)
        ?.push({ service: image.service, reference: image.reference, imageId, action: "present" });
    }
    if (needing.length > 0) {
      const outcomes = await streamToHosts(needing, image, imageId, options);
      needing.forEach((host, index) => {
        const outcome = outcomes[index];
        if (outcome instanceof SlipwayError) failed.set(host.name, outcome);
        else {
          delivered
            .get(host.name)
            ?.push({ service: image.service, reference: image.reference, imageId, action: "streamed" });
        }
      });
    }
    for (const host of live.filter((host) => !failed.has(host.name))) {
      try {
        if (image.tagAs) await host.exec(tagArgv(imageId, image.tagAs), { step: `tag ${image.service}` });
        options.onProgress?.({
          host: host.name,
          service: image.service,
          kind: "done",
          done: 1,
          total: 1,
          status: "loaded",
        });
      } catch (error) {
        failed.set(host.name, asSlipwayError(error, host.name));
      }
    }
  }

  return hosts.map((host) => ({
    host: host.name,
    ok: !failed.has(host.name),
    images: delivered.get(host.name) ?? [],
    error: failed.get(host.name),
    durationMs: Date.now() - (started.get(host.name) ?? Date.now()),
  }));
}

/** One `docker save | gzip` feeding every host; returns per host undefined (loaded) or the error. */
async function streamToHosts(
  hosts: readonly RemoteHost[],
  image: ImageToDeliver,
  imageId: string,
  options: StreamOptions,
): Promise<(SlipwayError | undefined)[]> {
  const argv = saveArgv([image.reference]);
  const save = spawn(argv[0] as string, argv.slice(1), { stdio: ["ignore", "pipe", "pipe"] });
  let saveStderr = "";
  save.stderr.on("data", (chunk: Buffer) => {
    saveStderr += chunk.toString();
  });
  const saveExit = new Promise<number | null>((resolve, reject) => {
    save.on("error", reject);
    save.on("close", resolve);
  });
  const gzip = createGzip({ level: options.gzipLevel ?? 6 });
  save.stdout.pipe(gzip);

  let sent = 0;
  gzip.on("data", (chunk: Buffer) => {
    sent += chunk.length;
  });
  const ticker = setInterval(() => {
    for (const host of hosts) {
      options.onProgress?.({
        host: host.name,
        service: image.service,
        kind: "bytes",
        done: sent,
        total: null,
        status: "",
      });
    }
  }, 1000);

  const loads = hosts.map((host) => {
    const input = new PassThrough({ highWaterMark: 1 << 20 });
    gzip.pipe(input);
    return host
      .exec(loadArgv(), { stdin: input, step: `load ${image.service}`, timeoutMs: options.timeoutMs ?? 30 * 60_000 })
      .then(
        () => undefined,
        (error: unknown) => {
          // A host that stopped reading must not hold back the others: drop it from the fan-out and drain its pipe.
          gzip.unpipe(input);
          input.resume();
          return asSlipwayError(error, host.name);
        },
      );
  });

  let outcomes: (SlipwayError | undefined)[];
  try {
    const [code, ...results] = await Promise.all([saveExit, ...loads]);
    outcomes = results;
    if (code !== 0) {
      const failure = new SlipwayError(`docker save ${image.reference} failed on the runner`, {
        host: "local",
        step: `save ${image.service}`,
        command: shJoin(argv),
        exitCode: code,
        stderrTail: saveStderr.trim().split("\n").slice(-10).join("\n"),
        hint: "check that the image was built on this machine (`docker image ls`)",
      });
      outcomes = hosts.map(() => failure);
    }
  } finally {
    clearInterval(ticker);
  }
  // The load's exit status is not proof enough: the host must now hold exactly this image id.
  return Promise.all(
    hosts.map(async (host, index) => {
      const outcome = outcomes[index];
      if (outcome) return outcome;
      const loadedId = await hostImageId(host, imageId).catch(() => null);
      return loadedId === imageId
        ? undefined
        : new SlipwayError(`${image.reference} (${imageId}) is not on the host after docker load`, {
            host: host.name,
            step: `load ${image.service}`,
            hint: "check the host's free disk space and its docker daemon's log",
          });
    }),
  );
}

async function localImageId(reference: string): Promise<string> {
  const result = await runLocal(imageIdArgv(reference), {
    step: "image id",
    hint: `build the image first: ${reference} is not on this machine`,
  });
  return result.stdout.trim();
}
