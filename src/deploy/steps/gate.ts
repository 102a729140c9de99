/**
 * gate: every service of the idle color answers its health check N times in a row, or the run fails with its logs.
 * The services (and each instance of a load-balanced one) are polled at once: they boot side by side, so a passing
 * gate takes as long as the slowest one; a failing one ends when the first service fails (its own `health.timeout`
 * passed, or its process failed for good), the others' waits cut short (first-failure.ts).
 */
import type { ServiceConfig } from "../../config/index.js";
import { isSplitLayout, probeAddress } from "../../config/layout.js";
import { SlipwayError } from "../../errors.js";
import { colorPortsOf } from "../drain.js";
import type { ServiceLogs } from "../events.js";
import { allOrFirstFailure } from "../first-failure.js";
import { type GateStop, gateStop } from "../gate-stop.js";
import { gateArgs, healthGate } from "../health.js";
import { gateKind, runningGateArgs, waitRunning } from "../running-gate.js";
import type { ServiceFailure } from "../runtime.js";
import { exitedProcess, exitText, gateFailureHint } from "./gate-hint.js";
import { startPreviewSetup } from "./preview.js";
import { putSiteBack } from "./site-back.js";
import { type FlowState, type Step, StepFailure } from "./types.js";

async function gatePort(
  s: FlowState,
  target: { name: string; service: ServiceConfig; port: number; address: string },
  signal: AbortSignal,
  stop?: GateStop,
): Promise<void> {
  const { name, service, port, address } = target;
  const { host, runtime } = s.run;
  const args = gateArgs(name, service, port, address);
  // About once a second: what the gate waits for and the last answer (a live line in the CLI).
  let shown = 0;
  const { pathname, search } = new URL(args.url);
  const path = `${pathname}${search}`;
  const gate = await healthGate(host, args, {
    onPoll: ({ elapsedMs, last }) => {
      if (elapsedMs - shown < 1000) return;
      shown = elapsedMs;
      s.emitter.progress(`${name}@${s.idle}: waiting for ${path}`, elapsedMs, last);
    },
    signal,
    ...(stop ? { stop: stop.stop } : {}),
  });
  const failure = gate.stopped === undefined ? undefined : stop?.failure();
  if (stop && failure) {
    // The gates of the service's other nodes and instances stop on the same read: one report (logs, error) for all.
    await stop.reportOnce(() => failStopped(s, name, failure));
  }
  if (!gate.ok) {
    // The failing service's processes only, each under its own name (the others' lines would bury the cause).
    const logs = await runtime.logs(s.idle, LOG_LINES, [name]);
    // A process that exited at boot is the cause, whatever the last check said (a refused port, a timeout).
    const exited = exitedProcess(logs);
    const why = exited ? `${exitText(exited)} (last check: ${gate.last})` : gate.last;
    s.say(`${name} on ${s.idle} is unhealthy after ${gate.attempts} checks (${why}); its last log lines:`);
    for (const line of formatLogGroups(logs)) s.raw(line);
    throw new StepFailure(
      `${name} (${s.idle}) did not become healthy at ${args.url}: ${why}`,
      { host: host.name, step: "gate", hint: gateFailureHint(s.run.config.runtime, gate, logs) },
      { service: name, logs },
    );
  }
  s.say(`${name} on ${s.idle} is healthy (${gate.attempts} checks)`);
}

/**
 * Fails the gate of `name` at once with the runtime's failure for good (gate-stop.ts): its message and hint, the
 * runtime's evidence (swarm's task lines, as stderr) and the service's last log lines, as the start step gives them.
 */
async function failStopped(s: FlowState, name: string, failure: ServiceFailure): Promise<never> {
  const { host, runtime } = s.run;
  s.say(`${name} on ${s.idle} failed before it became healthy; its last log lines:`);
  const logs = await runtime.logs(s.idle, LOG_LINES, [name]);
  for (const line of formatLogGroups(logs)) s.raw(line);
  throw new StepFailure(
    failure.message,
    {
      host: host.name,
      step: "gate",
      hint: failure.hint,
      ...(failure.evidence ? { stderrTail: failure.evidence } : {}),
    },
    { service: name, logs },
  );
}

/**
 * The running gate of a service that serves no HTTP (a worker, or `health.type: running`): its processes stay up for
 * health.stable (deploy/running-gate.ts), or the run fails with the exit and the logs.
 */
async function gateRunning(s: FlowState, name: string, service: ServiceConfig, signal: AbortSignal): Promise<void> {
  const { host, runtime } = s.run;
  const read = runtime.processStates;
  if (!read) throw new SlipwayError(`${name}: runtime ${s.run.config.runtime} cannot gate a process without a port`);
  const args = runningGateArgs(name, service);
  let shown = 0;
  const gate = await waitRunning(
    () => read.call(runtime, s.idle, name),
    args,
    ({ elapsedMs, last }) => {
      if (elapsedMs - shown < 1000) return;
      shown = elapsedMs;
      s.emitter.progress(`${name}@${s.idle}: waiting for ${args.stableMs / 1000}s running`, elapsedMs, last);
    },
    signal,
  );
  if (!gate.ok) {
    s.say(`${name} on ${s.idle} did not stay running (${gate.last}); its last log lines:`);
    const logs = await runtime.logs(s.idle, LOG_LINES, [name]);
    for (const line of formatLogGroups(logs)) s.raw(line);
    throw new StepFailure(
      `${name} (${s.idle}) did not stay running for ${args.stableMs / 1000}s: ${gate.last}`,
      {
        host: host.name,
        step: "gate",
        hint: `a worker must keep running: see its log lines above (a missing queue or database address, a crash at start); health.stable sets the window, health.timeout the limit`,
      },
      { service: name, logs },
    );
  }
  s.say(`${name} on ${s.idle} is running (${gate.last})`);
}

/** The runtime's addresses of the service (swarm: every node running a task), else the host's own. */
async function gateAddresses(s: FlowState, name: string): Promise<string[]> {
  const { host, runtime, config } = s.run;
  if (!runtime.gateAddresses) return [probeAddress(config, name, host.name)];
  const addresses = await runtime.gateAddresses(s.idle, name);
  if (addresses.length > 0) return addresses;
  throw new SlipwayError(`${name} (${s.idle}) runs no task`, {
    host: host.name,
    step: "gate",
    hint: `see \`docker service ps ${runtime.names(s.idle)[0]}_${name}\` on the manager`,
  });
}

/** How many of each process's last lines a failed gate shows. */
export const LOG_LINES = 30;

/**
 * A failed gate's log lines for people: a header per process (`services.web: shop-web@green.service, last 30
 * lines:`), then its lines indented; a process with none says so.
 */
export function formatLogGroups(groups: readonly ServiceLogs[]): string[] {
  return groups.flatMap((g) => [
    `  services.${g.service}: ${g.name}, ${g.lines.length === 0 ? "no output" : `last ${g.lines.length} lines:`}`,
    ...g.lines.map((line) => `    ${line}`),
  ]);
}

export const gateStep: Step = {
  name: "gate",
  async run(s) {
    if (s.role.services.length === 0) return { status: "skipped" };
    const ports = colorPortsOf(s.local, s.idle).filter((p) => gateKind(p.service) === "http");
    const running = Object.entries(s.local.services).filter(([, svc]) => !svc.accessory && gateKind(svc) === "running");
    // The preview's setup (loopback-only listener, no user traffic) goes on while the new color boots. Not across hosts
    // (the load-balancer layout's nginx hosts set it up after every gate passed).
    const setup = isSplitLayout(s.run.config) ? undefined : startPreviewSetup(s);
    // One early stop per service: its ports and nodes share the runtime's reads.
    const stops = new Map(ports.map((p) => [p.name, gateStop(s.run.runtime, s.idle, p.name)]));
    const targets = (
      await Promise.all(ports.map(async (p) => ({ ...p, addresses: await gateAddresses(s, p.name) })))
    ).flatMap((p) => p.addresses.map((address) => ({ ...p, address })));
    // Each service has its own timeout: the first to fail (its timeout passed, a crash) ends the gate at once.
    const gated = allOrFirstFailure(
      [
        ...targets.map((t) => (signal: AbortSignal) => gatePort(s, t, signal, stops.get(t.name))),
        ...running.map(
          ([name, service]) =>
            (signal: AbortSignal) =>
              gateRunning(s, name, service, signal),
        ),
      ],
      s.run.interrupt?.signal,
    );
    // Nothing of the setup is in flight when the gate ends (an undo or the unlock may follow); its error is the preview's.
    await gated.finally(() => setup?.catch(() => {}));
    return { status: "ok" };
  },
  // The preview's setup it started changed the site (the preview's undo does it when the preview step started).
  async undo(s) {
    return (await putSiteBack(s, "gate")) ? undefined : "nothing";
  },
};
