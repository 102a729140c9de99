/**
 * Runtime systemd: code shipped to `releases/<id>/<service>`, `colors/<color>` symlinked to it, a per-instance drop-in
 * pointing WorkingDirectory at `colors/<color>/<service>` (so blue and green can run different releases from one
 * template unit), the color's env file (0600) and the template unit. A load-balanced service
 * (`proxy.load_balance.<service>.instances`) runs one instance per process, `<color>`, `<color>-2`, ..., each with its
 * own env file (PORT = the color's port + n) and drop-in: nginx's upstream lists those ports.
 */

import { mkdirsArgv, readlinkArgv, symlinkArgv, testArgv } from "../commands/files.js";
import { journalArgv, systemctlArgv, unitProcessArgv } from "../commands/systemd.js";
import type { Color, SlipwayConfig } from "../config/index.js";
import { applySystemdUnit } from "../install/apply.js";
import type { RemoteHost } from "../remote/types.js";
import { serviceInstances } from "../render/from-config/common.js";
import { colorRuntimeFiles, systemdUnitFiles, systemdUnitFromConfig } from "../render/from-config/index.js";
import { serviceUser } from "../render/from-config/systemd.js";
import { instanceUnitName } from "../render/systemd.js";
import { ensureSystemUser } from "./app-user.js";
import { deployPaths } from "./paths.js";
import { refusePortSquatters } from "./port-squatters.js";
import { parseUnitProcessState, unitExit } from "./process-state.js";
import { type ColorRuntime, configWithEnv, logLines, type StageInput, type StageResult, wanted } from "./runtime.js";
import { serviceSources, shipService } from "./ship.js";
import { requireSecrets, shipStatic, writeRuntimeFiles } from "./stage-steps.js";

export { dropInContent, dropInPath } from "../render/systemd.js";

export { serviceInstances };

export function systemdRuntime(config: SlipwayConfig, host: RemoteHost): ColorRuntime {
  const paths = deployPaths(config.deploy_dir);
  const services = Object.keys(config.services);
  const units = (color: Color) =>
    serviceInstances(config).map((u) => instanceUnitName(config.app, u.service, color, u.instance));
  return {
    names: units,
    async stage(color: Color, input: StageInput): Promise<StageResult> {
      const actions: string[] = [];
      const diffs: string[] = [];
      let changed = false;
      const release = paths.release(input.releaseId);
      // Code: shipped once per release id.
      const shipped = (await host.exec(testArgv("-d", release), { check: false })).code === 0;
      if (!shipped) {
        actions.push(`ship code to ${release}`);
        if (!input.check) {
          for (const [name, dir] of Object.entries(serviceSources(config, input.releaseDir))) {
            await shipService(host, dir, `${release}/${name}`);
          }
        }
        changed = true;
      }
      const link = paths.colorLink(color);
      const linked = (await host.exec(readlinkArgv(link), { check: false })).stdout.trim();
      if (linked !== release) {
        actions.push(`point ${link} at ${release}`);
        changed = true;
        if (!input.check) {
          await host.exec(mkdirsArgv([`${paths.root}/colors`]));
          await host.exec(symlinkArgv(release, link));
        }
      }
      // Each unit's user exists before its unit is installed (systemd-analyze verify checks User=).
      for (const user of new Set(services.map((name) => serviceUser(config, name)))) {
        const created = await ensureSystemUser(host, user, input.check);
        if (created) {
          actions.push(created);
          changed = true;
        }
      }
      // What `slipway render` lists for the color: each process's env file and drop-in (the one source).
      const colored = configWithEnv(config, input.env, color);
      const files = colorRuntimeFiles(colored, color, { hostName: host.name, secrets: input.secrets });
      requireSecrets(host, files);
      const written = await writeRuntimeFiles(host, files, input.check);
      actions.push(...written.actions);
      changed ||= written.changed;
      for (const unitFile of systemdUnitFiles(config, host.name)) {
        const name = unitFile.service as string;
        const unit = await applySystemdUnit(host, systemdUnitFromConfig(config, name, host.name), {
          become: true,
          check: input.check,
          verifyColor: color,
        });
        if (unit.changed) {
          changed = true;
          actions.push(`${input.check ? "would install" : "installed"} unit ${config.app}-${name}@.service`);
          if (unit.diff) diffs.push(unit.diff);
        }
      }
      const staticFiles = await shipStatic(host, config, input.releaseId, input.releaseDir, input.check);
      if (staticFiles) {
        actions.push(staticFiles);
        changed = true;
      }
      if (input.check && actions.length > 0) changed = true;
      return { changed, diffs, actions };
    },
    async start(color) {
      // Stop the idle color first (start would restart it anyway), so whatever still listens on its ports is not
      // ours: a squatter there would answer the gate in place of the new release.
      await host.exec(systemctlArgv("stop", units(color), ["--"]), { become: true, step: "start", check: false });
      await refusePortSquatters(host, config, color, {
        owner: (service, instance) => instanceUnitName(config.app, service, color, instance).replace(/\.service$/, ""),
      });
      await host.exec(systemctlArgv("start", units(color), ["--"]), {
        become: true,
        step: "start",
        timeoutMs: 120_000,
      });
    },
    async stop(color) {
      await host.exec(systemctlArgv("stop", units(color), ["--"]), { become: true, step: "stop", check: false });
    },
    async stopNames(names) {
      await host.exec(systemctlArgv("stop", names, ["--"]), { become: true, step: "retire", check: false });
      // Not live any more: bootColor enabled them while they were, and a reboot must not bring them back.
      await host.exec(systemctlArgv("disable", names, ["--"]), { become: true, step: "retire", check: false });
    },
    async bootColor(live, idle) {
      // Enable first: a reboot between the two calls brings both colors back (nginx serves live), never neither.
      await host.exec(systemctlArgv("enable", units(live), ["--"]), { become: true, step: "record" });
      await host.exec(systemctlArgv("disable", units(idle), ["--"]), { become: true, step: "record", check: false });
    },
    async isRunning(color) {
      const r = await host.exec(systemctlArgv("is-active", units(color), ["--"]), { check: false });
      return r.code === 0;
    },
    async processStates(color, service) {
      const picked = serviceInstances(config).filter((u) => u.service === service);
      return Promise.all(
        picked.map(async (u) => {
          const unit = instanceUnitName(config.app, u.service, color, u.instance);
          const r = await host.exec(unitProcessArgv(unit), { check: false, step: "gate" });
          return parseUnitProcessState(unit, r.stdout);
        }),
      );
    },
    async logs(color, lines, only) {
      // One journal read per unit (at once): interleaved lines of several units could not be told apart. The unit's
      // state is read beside it: a unit that exited at boot is named as such (the container runtime's `exited`).
      const picked = serviceInstances(config).filter((u) => wanted(only, u.service));
      return Promise.all(
        picked.map(async ({ service, instance }) => {
          const name = instanceUnitName(config.app, service, color, instance);
          const [r, state] = await Promise.all([
            host.exec(journalArgv([name], { lines }), { become: true, check: false, step: "gate" }),
            host.exec(unitProcessArgv(name), { check: false, step: "gate" }),
          ]);
          const p = parseUnitProcessState(name, state.stdout);
          const exit = state.code === 0 ? unitExit(p) : undefined;
          return { service, name, lines: logLines(r.stdout), ...(exit ? { exited: p.exitCode, exit } : {}) };
        }),
      );
    },
  };
}
