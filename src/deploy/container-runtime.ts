/**
 * Runtime container: one `docker run` per service and color (`<app>-<service>-<color>`), the image pulled by digest
 * or streamed over SSH (`image.delivery`),
 * the port bound to 127.0.0.1:<color port>, the color's env file (0600, root's: docker runs through sudo so the CLI can
 * read it), the config's volumes (named volumes are shared by both colors), restart unless-stopped.
 */

import { containerWriters } from "../backup/writers.js";
import { containerLogsArgv, replaceContainerArgv, specStateArgv, stopContainersArgv } from "../commands/docker.js";
import { mkdirsArgv, parentDir } from "../commands/files.js";
import type { Color, SlipwayConfig } from "../config/index.js";
import { SlipwayError } from "../errors.js";
import type { RemoteHost } from "../remote/types.js";
import { instancesOf, stopTimeoutSeconds } from "../render/from-config/common.js";
import { serviceImageRef } from "../render/from-config/index.js";
import { buildAction } from "./container/delivery.js";
import { containerName, dockerRunArgv, releaseManifest, serviceImage } from "./container/run-spec.js";
import { deployPaths } from "./paths.js";
import { type ColorRuntime, configWithEnv, type StageInput, type StageResult } from "./runtime.js";
import { colorEnvFile, deliverWhenMissing, shipStatic, writeConfigFiles } from "./stage-steps.js";

export function containerRuntime(config: SlipwayConfig, host: RemoteHost): ColorRuntime {
  const paths = deployPaths(config.deploy_dir);
  const services = Object.keys(config.services);
  // One container per instance: nginx's upstream lists `instances` ports from the color's port (render's instancesOf).
  const units = services.flatMap((service) =>
    Array.from({ length: instancesOf(config, service) }, (_, instance) => ({ service, instance })),
  );
  const names = (color: Color) => units.map((u) => containerName(config.app, u.service, color, u.instance));
  /** The argv stage() decided on, per color: start() runs them. */
  const staged = new Map<Color, string[][]>();

  /** Spec label and running state of each of the color's containers (null when it does not exist). */
  async function inspect(color: Color): Promise<({ spec: string; running: boolean } | null)[]> {
    return Promise.all(
      names(color).map(async (name) => {
        const r = await host.exec(specStateArgv([name]), { become: true, check: false, step: "inspect" });
        if (r.code !== 0) return null;
        const [spec = "", running = ""] = r.stdout.trim().split(" ");
        return { spec, running: running === "true" };
      }),
    );
  }

  return {
    names,
    writers: (color) => containerWriters(names(color)),
    async stage(color: Color, input: StageInput): Promise<StageResult> {
      const actions: string[] = [];
      let changed = false;
      const colored = configWithEnv(config, input.env, color);
      const current = await inspect(color);
      const runs: string[][] = [];
      for (const [i, { service: name, instance }] of units.entries()) {
        if (input.check && !serviceImageRef(config, name, input.images)) {
          if (instance > 0) continue;
          actions.push(buildAction(config, name));
          changed = true;
          continue;
        }
        const image = serviceImage(config, name, input.images);
        const pull = instance === 0 ? await deliverWhenMissing(host, config, name, image, input) : null;
        if (pull) {
          actions.push(pull);
          changed = true;
        }
        // `docker run --env-file` takes NAME=value literally: the docker writer, not systemd's quoting.
        const env = colorEnvFile(host, colored, name, color, input.secrets, { runtimeFormat: true });
        const envContent = env.content;
        if (instance > 0) {
          // The service's instances share its env file, written for instance 0.
        } else if (input.check) {
          const now = (await host.readFile(env.path, { become: true }))?.toString("utf8");
          if (now !== envContent) {
            actions.push(`write ${env.path}`);
            changed = true;
          }
        } else {
          await host.exec(mkdirsArgv([parentDir(env.path)]), { become: true });
          const e = await host.putFile(env.path, envContent, { mode: 0o600, become: true, step: "env file" });
          if (e.changed) actions.push(`wrote ${env.path}`);
          changed ||= e.changed;
        }
        // Config files from templates (seed 004), written once per service; every instance mounts them.
        const configFiles = await writeConfigFiles(host, config, name, color, {
          ...input,
          check: input.check || instance > 0,
        });
        if (instance === 0 && configFiles.actions.length > 0) {
          actions.push(...configFiles.actions);
          changed = true;
        }
        const run = dockerRunArgv({
          app: config.app,
          service: name,
          config: config.services[name] as NonNullable<(typeof config.services)[string]>,
          color,
          releaseId: input.releaseId,
          image,
          envFile: env.path,
          instance,
          files: configFiles.files,
        });
        runs.push(run.argv);
        if (current[i]?.spec !== run.spec) {
          actions.push(
            `${input.check ? "would run" : "run"} ${containerName(config.app, name, color, instance)} from ${image}`,
          );
          changed = true;
        }
      }
      staged.set(color, runs);
      // A release directory, so `current` -> releases/<id> points at something: what the release ran.
      const release = paths.release(input.releaseId);
      if (!input.check) {
        await host.exec(mkdirsArgv([release]), { step: "stage" });
        await host.putFile(`${release}/images.json`, releaseManifest(input.releaseId, input.images), {
          mode: 0o644,
          step: "stage",
        });
      }
      const staticFiles = await shipStatic(host, config, input.releaseId, input.releaseDir, input.check);
      if (staticFiles) {
        actions.push(staticFiles);
        changed = true;
      }
      return { changed, diffs: [], actions };
    },
    async start(color) {
      const runs = staged.get(color);
      if (!runs) {
        throw new SlipwayError(`the ${color} containers were not staged`, { host: host.name, step: "start" });
      }
      for (const [i, argv] of runs.entries()) {
        const name = names(color)[i] as string;
        // A container of this name from an earlier deploy (running or stopped) gives way to the new one: one round
        // trip for both (the removal's own failure, e.g. no such container, does not matter).
        await host.exec(replaceContainerArgv(name, argv), {
          become: true,
          step: "start",
          timeoutMs: 120_000,
        });
      }
    },
    async stop(color) {
      const timeoutS = stopTimeoutSeconds(config);
      await host.exec(stopContainersArgv(names(color), timeoutS), {
        become: true,
        check: false,
        step: "stop",
        timeoutMs: (timeoutS + 50) * 1000,
      });
    },
    async isRunning(color) {
      return (await inspect(color)).every((c) => c?.running === true);
    },
    async logs(color, lines) {
      const out: string[] = [];
      for (const name of names(color)) {
        const r = await host.exec(containerLogsArgv(name, lines), {
          become: true,
          check: false,
        });
        out.push(`${name}:`, r.stdout);
      }
      return out.join("\n");
    },
  };
}
