/**
 * Renewal: certbot's own certbot.timer when the distribution ships it (plus a drop-in with the private CA bundle),
 * else a slipway timer; in both cases a deploy hook reloads nginx after a renewal, only when `nginx -t` passes.
 */

import { daemonReloadArgv, systemctlArgv, unitLoadStateArgv } from "../commands/systemd.js";
import type { RemoteHost } from "../remote/types.js";
import {
  caBundleDropIn,
  DEPLOY_HOOK_PATH,
  DISTRO_SERVICE_DROPIN,
  DISTRO_TIMER,
  deployHookScript,
  renewServiceUnit,
  renewTimerUnit,
  SLIPWAY_RENEW_SERVICE,
  SLIPWAY_RENEW_TIMER,
} from "./commands.js";
import { ensureFile, type StepOptions } from "./files.js";
import type { CertSpec } from "./spec.js";

export interface RenewalResult {
  changed: boolean;
  timer: string;
  actions: string[];
}

export async function ensureRenewal(
  host: RemoteHost,
  spec: Pick<CertSpec, "caBundle">,
  options: StepOptions & { nginxBinary?: string },
): Promise<RenewalResult> {
  const actions: string[] = [];
  const step = options.step ?? "certificate renewal";
  const opts = { ...options, step };
  if (await ensureFile(host, DEPLOY_HOOK_PATH, deployHookScript(options.nginxBinary), 0o755, opts)) {
    actions.push(`deploy hook ${DEPLOY_HOOK_PATH}`);
  }

  const state = await host.exec(unitLoadStateArgv(DISTRO_TIMER), { become: options.become, check: false, step });
  const distro = state.stdout.trim() === "loaded";
  const timer = distro ? DISTRO_TIMER : SLIPWAY_RENEW_TIMER;
  let unitsChanged = false;
  if (distro) {
    if (spec.caBundle && (await ensureFile(host, DISTRO_SERVICE_DROPIN, caBundleDropIn(spec.caBundle), 0o644, opts))) {
      unitsChanged = true;
      actions.push(`REQUESTS_CA_BUNDLE drop-in ${DISTRO_SERVICE_DROPIN}`);
    }
  } else {
    for (const [name, content] of [
      [SLIPWAY_RENEW_SERVICE, renewServiceUnit(spec)],
      [SLIPWAY_RENEW_TIMER, renewTimerUnit()],
    ] as const) {
      if (await ensureFile(host, `/etc/systemd/system/${name}`, content, 0o644, opts)) {
        unitsChanged = true;
        actions.push(`unit ${name}`);
      }
    }
  }
  if (unitsChanged && !options.check) {
    await host.exec(daemonReloadArgv(), { become: options.become, step });
  }

  const enabled = await host.exec(systemctlArgv("is-enabled", [timer]), { become: options.become, check: false, step });
  const active = await host.exec(systemctlArgv("is-active", [timer]), { become: options.become, check: false, step });
  if (enabled.stdout.trim() !== "enabled" || active.stdout.trim() !== "active") {
    actions.push(`enable and start ${timer}`);
    if (!options.check) await host.exec(systemctlArgv("enable", [timer], ["--now"]), { become: options.become, step });
  }
  return { changed: actions.length > 0, timer, actions };
}
