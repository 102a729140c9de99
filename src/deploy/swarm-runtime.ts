/**
 * Runtime swarm (docs/swarm.md): each color is a stack `<app>-<color>` deployed through the manager, its services
 * published in host mode on the color's port of whichever node runs a task; nginx lists every node at that port.
 * Images come from the registry by digest (every node pulls; `--with-registry-auth`). Secrets are versioned swarm
 * secrets (swarm/secrets.ts); the accessories run in their own stack (swarm/accessories.ts). The runtime is
 * built for the manager: the host flow gives the manager every service and the other nodes none (config/layout.ts).
 */
import { swarmStackWriters } from "../backup/writers.js";
import { mkdirsArgv, parentDir } from "../commands/files.js";
import { serviceLogsArgv, stackDeployArgv, stackRemoveArgv, swarmIsManagerArgv } from "../commands/swarm.js";
import type { Color, SlipwayConfig } from "../config/index.js";
import { swarmDeliveryProblem, swarmFilesProblem } from "../config/schema/swarm.js";
import { SlipwayError } from "../errors.js";
import { unifiedDiff } from "../install/validated.js";
import type { RemoteHost } from "../remote/types.js";
import { durationSeconds } from "../render/from-config/common.js";
import { serviceImageRef } from "../render/from-config/index.js";
import { stackFilePath, stackFromConfig, swarmSecretNames } from "../render/from-config/swarm.js";
import { renderStack } from "../render/swarm-stack.js";
import { buildAction } from "./container/delivery.js";
import type { ServiceLogs } from "./events.js";
import { deployPaths } from "./paths.js";
import { type ColorRuntime, configWithEnv, logLines, type StageInput, type StageResult, wanted } from "./runtime.js";
import { shipStatic, writeReleaseManifest } from "./stage-steps.js";
import { formatLogGroups, LOG_LINES } from "./steps/gate.js";
import { StepFailure } from "./steps/types.js";
import { ensureSwarmAccessories } from "./swarm/accessories.js";
import { ensureSwarmSecrets, pruneSwarmSecrets, type SecretNames } from "./swarm/secrets.js";
import {
  readTaskFailure,
  SwarmTasksFailed,
  stackReplicas,
  taskAddresses,
  taskFailureMessage,
  waitForReplicas,
  waitForStackGone,
} from "./swarm/tasks.js";

const asRoot = { become: true };

/**
 * The versioned secret names without creating anything (check mode: a missing value names the empty one), or created
 * when missing (a run).
 */
async function secretNamesFor(host: RemoteHost, config: SlipwayConfig, input: StageInput): Promise<SecretNames> {
  if (!input.check) return (await ensureSwarmSecrets(host, config, input.secrets)).names;
  return swarmSecretNames(config, (secret) => input.secrets[secret] ?? "");
}

/** Seconds a color may take until every replica runs: the slowest service's health timeout plus pull and schedule. */
function startLimitS(config: SlipwayConfig): number {
  const timeouts = Object.entries(config.services).map(([name, s]) =>
    s.health ? durationSeconds(s.health.timeout, `services.${name}.health.timeout`) : 60,
  );
  return Math.max(60, ...timeouts) + 60;
}

export function swarmRuntime(config: SlipwayConfig, host: RemoteHost): ColorRuntime {
  const paths = deployPaths(config.deploy_dir);
  const services = Object.keys(config.services).filter((name) => !config.services[name]?.accessory);
  const stack = (color: Color) => `${config.app}-${color}`;
  const full = (color: Color) => services.map((s) => `${stack(color)}_${s}`);
  // The secret versions this run staged: kept when the old color's stack is gone and older versions are pruned.
  let staged: SecretNames = {};
  const logs = async (color: Color, lines: number, only?: readonly string[]): Promise<ServiceLogs[]> => {
    return Promise.all(
      services
        .filter((service) => wanted(only, service))
        .map(async (service) => {
          const name = `${stack(color)}_${service}`;
          const r = await host.exec(serviceLogsArgv(name, lines), { ...asRoot, check: false, step: "gate" });
          return { service, name, lines: logLines(`${r.stdout}${r.stderr}`) };
        }),
    );
  };
  return {
    names: (color) => [stack(color)],
    async prepare() {
      // validate refuses the same (config/schema/swarm.ts); kept for a config built in code, never a half deploy.
      const delivery = swarmDeliveryProblem(config.image);
      if (delivery) throw new SlipwayError(delivery.message, { host: host.name, step: "prepare", hint: delivery.hint });
      const manager = await host.exec(swarmIsManagerArgv(), { ...asRoot, check: false });
      if (manager.stdout.trim() === "true") return;
      throw new SlipwayError(`${host.name} is not a manager of a swarm`, {
        host: host.name,
        step: "prepare",
        hint: "form the swarm first (slipway run playbooks/swarm.yml, or bootstrap), and name its manager in swarm.manager",
      });
    },
    writers: (color) => swarmStackWriters(stack(color), services),
    async stage(color: Color, input: StageInput): Promise<StageResult> {
      const result: StageResult = { changed: false, diffs: [], actions: [] };
      for (const [name, service] of Object.entries(config.services)) {
        const files = swarmFilesProblem(name, service);
        if (files)
          throw new SlipwayError(`services.${name}.files: ${files.message}`, {
            host: host.name,
            step: "stage",
            hint: files.hint,
          });
      }
      const images: Record<string, string> = {};
      for (const name of services) {
        const image = serviceImageRef(config, name, input.images);
        if (image) images[name] = image;
        else if (input.check) result.actions.push(buildAction(config, name));
        else {
          throw new SlipwayError(`service ${name} has no image to run`, {
            host: host.name,
            step: "stage",
            hint: "give it a build section (deploy builds and pushes it to the registry) or pass --image service=ref",
          });
        }
      }
      const secretNames = await secretNamesFor(host, config, input);
      if (!input.check) staged = secretNames;
      const accessories = await ensureSwarmAccessories(host, config, { ...input, secretNames });
      result.actions.push(...accessories.actions);
      result.diffs.push(...accessories.diffs);
      if (Object.keys(images).length === services.length) {
        const colored = configWithEnv(config, input.env, color);
        const text = renderStack(stackFromConfig(colored, { color, images, secretNames }));
        const file = stackFilePath(config, color);
        const live = (await host.readFile(file, asRoot))?.toString("utf8");
        if (live !== text) {
          result.actions.push(`${input.check ? "would write" : "wrote"} ${file} (stack ${stack(color)})`);
          result.diffs.push(unifiedDiff([{ path: file, before: live, after: text }]));
          if (!input.check) {
            await host.exec(mkdirsArgv([parentDir(file)]), { ...asRoot, step: "stage" });
            await host.putFile(file, text, { mode: 0o644, become: true, step: "stage" });
          }
        }
      }
      if (!input.check) {
        await writeReleaseManifest(host, paths.release(input.releaseId), input.releaseId, images);
      }
      const staticFiles = await shipStatic(host, config, input.releaseId, input.releaseDir, input.check);
      if (staticFiles) result.actions.push(staticFiles);
      result.changed = result.actions.length > 0;
      return result;
    },
    async start(color, signal) {
      await host.exec(stackDeployArgv(stack(color), stackFilePath(config, color)), {
        ...asRoot,
        step: "start",
        timeoutMs: 180_000,
      });
      try {
        await waitForReplicas(host, stack(color), full(color), startLimitS(config), signal);
      } catch (error) {
        if (!(error instanceof SwarmTasksFailed)) throw error;
        // The failing service's own last lines, grouped as the gate's (why the task exited or stayed unhealthy).
        const service = error.service.slice(`${stack(color)}_`.length);
        const groups = await logs(color, LOG_LINES, [service]);
        const { host: on, step, hint } = error;
        const stderrTail = [error.stderrTail ?? "", ...formatLogGroups(groups)].join("\n");
        throw new StepFailure(
          error.message,
          { host: on, step, stderrTail, hint, cause: error },
          { service, logs: groups },
        );
      }
    },
    async stop(color) {
      if (Object.keys(await stackReplicas(host, stack(color))).length === 0) return;
      await host.exec(stackRemoveArgv(stack(color)), { ...asRoot, check: false, step: "stop" });
      // The next deploy of this color needs its networks gone and its nodes' host-mode ports free.
      await waitForStackGone(host, stack(color), 90);
      // Versions no stack uses any more (a rotated value); docker refuses to remove one in use, which keeps those.
      await pruneSwarmSecrets(host, config, staged);
    },
    async isRunning(color) {
      const replicas = await stackReplicas(host, stack(color));
      return full(color).every((s) => {
        const r = replicas[s];
        return r !== undefined && r.running >= r.wanted && r.wanted > 0;
      });
    },
    async serviceFailure(color, service) {
      const name = `${stack(color)}_${service}`;
      const found = await readTaskFailure(host, name);
      if (!found) return undefined;
      const why = /healthcheck/.test(found.failure.reason)
        ? "its container healthcheck failed and the engine killed the task"
        : "its process exits at boot (the engine restarts it again and again)";
      return {
        message: taskFailureMessage(name, found.failure),
        evidence: found.tasks,
        hint: `${why}: the task's error and its last log lines above say why; fix the release and deploy again; see \`docker service ps --no-trunc ${name}\` on the manager`,
      };
    },
    async gateAddresses(color, service) {
      return (await taskAddresses(host, stack(color)))[`${stack(color)}_${service}`] ?? [];
    },
    logs,
  };
}
