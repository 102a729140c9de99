/**
 * Runtime container: one `docker run` per service and color (`<app>-<service>-<color>`), the image pulled by digest,
 * the port bound to 127.0.0.1:<color port>, the color's env file (0600, root's: docker runs through sudo so the CLI can
 * read it), the config's volumes (named volumes are shared by both colors), restart unless-stopped.
 */

import { containerWriters } from "../backup/writers.js";
import type { Color, SlipwayConfig } from "../config/index.js";
import { SlipwayError } from "../errors.js";
import type { RemoteHost } from "../remote/types.js";
import { stopTimeoutSeconds } from "../render/from-config/common.js";
import {
  containerName,
  dockerEnvFile,
  dockerRunArgv,
  inspectArgv,
  releaseManifest,
  serviceImage,
} from "./container/run-spec.js";
import { deployPaths } from "./paths.js";
import { type ColorRuntime, configWithEnv, type StageInput, type StageResult } from "./runtime.js";
import { colorEnvFile, pullWhenMissing } from "./stage-steps.js";

/** `sh -c` script: `docker rm --force -- $1`, whatever it says, then runs the rest of the arguments (docker run). */
const REPLACE_CONTAINER = 'docker rm --force -- "$1" >/dev/null 2>&1; shift; exec "$@"';

export function containerRuntime(config: SlipwayConfig, host: RemoteHost): ColorRuntime {
  const paths = deployPaths(config.deploy_dir);
  const services = Object.keys(config.services);
  const names = (color: Color) => services.map((s) => containerName(config.app, s, color));
  /** The argv stage() decided on, per color: start() runs them. */
  const staged = new Map<Color, string[][]>();

  /**
   * One service's image (pulled when missing) and env file (written, or compared in check mode). `image` null: the
   * image is still to be built (check mode without --image).
   */
  async function stageService(name: string, color: Color, colored: SlipwayConfig, input: StageInput) {
    if (input.check && !input.images[name] && !config.services[name]?.image) {
      return {
        image: null,
        envPath: "",
        changed: true,
        actions: [`build and push the ${name} image, pull it by digest`],
      };
    }
    const image = serviceImage(config, name, input.images);
    const env = colorEnvFile(host, colored, name, color, input.secrets);
    const envContent = dockerEnvFile(env.content, `services.${name} env file`);
    const writeEnv = async (): Promise<string | null> => {
      if (input.check) {
        const now = (await host.readFile(env.path, { become: true }))?.toString("utf8");
        return now === envContent ? null : `write ${env.path}`;
      }
      await host.exec(["mkdir", "-p", "--", env.path.replace(/\/[^/]*$/, "")], { become: true });
      const e = await host.putFile(env.path, envContent, { mode: 0o600, become: true, step: "env file" });
      return e.changed ? `wrote ${env.path}` : null;
    };
    const [pull, wrote] = await Promise.all([pullWhenMissing(host, name, image, input.check), writeEnv()]);
    const actions = [pull, wrote].filter((a): a is string => a !== null);
    return { image, envPath: env.path, changed: actions.length > 0, actions };
  }

  /** Spec label and running state of each of the color's containers (null when it does not exist). */
  async function inspect(color: Color): Promise<({ spec: string; running: boolean } | null)[]> {
    return Promise.all(
      names(color).map(async (name) => {
        const r = await host.exec(inspectArgv([name]), { become: true, check: false, step: "inspect" });
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
      // The containers' state, each image's presence and each env file are independent: asked at once.
      const [current, prepared] = await Promise.all([
        inspect(color),
        Promise.all(services.map((name) => stageService(name, color, colored, input))),
      ]);
      const runs: string[][] = [];
      for (const [i, name] of services.entries()) {
        const service = prepared[i];
        if (!service) continue;
        actions.push(...service.actions);
        changed ||= service.changed;
        const { image, envPath } = service;
        if (!image) continue;
        const run = dockerRunArgv({
          app: config.app,
          service: name,
          config: config.services[name] as NonNullable<(typeof config.services)[string]>,
          color,
          releaseId: input.releaseId,
          image,
          envFile: envPath,
        });
        runs.push(run.argv);
        if (current[i]?.spec !== run.spec) {
          actions.push(`${input.check ? "would run" : "run"} ${containerName(config.app, name, color)} from ${image}`);
          changed = true;
        }
      }
      staged.set(color, runs);
      // A release directory, so `current` -> releases/<id> points at something: what the release ran.
      const release = paths.release(input.releaseId);
      if (!input.check) {
        await host.exec(["mkdir", "-p", "--", release], { step: "stage" });
        await host.putFile(`${release}/images.json`, releaseManifest(input.releaseId, input.images), {
          mode: 0o644,
          step: "stage",
        });
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
        await host.exec(["sh", "-c", REPLACE_CONTAINER, "sh", name, ...argv], {
          become: true,
          step: "start",
          timeoutMs: 120_000,
        });
      }
    },
    async stop(color) {
      const timeoutS = stopTimeoutSeconds(config);
      await host.exec(["docker", "stop", "--time", String(timeoutS), "--", ...names(color)], {
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
        const r = await host.exec(["sh", "-c", 'docker logs --tail "$1" -- "$2" 2>&1', "sh", String(lines), name], {
          become: true,
          check: false,
        });
        out.push(`${name}:`, r.stdout);
      }
      return out.join("\n");
    },
  };
}
