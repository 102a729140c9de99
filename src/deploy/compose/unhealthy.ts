/**
 * Why a color's `compose up` failed: compose's own `depends_on: condition: service_healthy` wait ends on a sick
 * dependency with only "exit code 1" and a container id, so the failure is re-said as the services that are not
 * healthy, their last health answer and their log lines (the gate's ServiceLogs format).
 */
import { composeContainerArgv } from "../../commands/compose.js";
import { dockerInspectArgv } from "../../commands/docker.js";
import { CONTAINER_STATE_FORMAT } from "../../commands/status.js";
import type { RemoteHost } from "../../remote/types.js";

/** One container's state as docker's `{{json .State}}` says it: status, health and the last health check's answer. */
export interface ContainerHealth {
  status: string;
  health: string;
  /** The last health check's answer (`exit 1: curl: (7) ...`), or the exit code of a container that stopped. */
  answer: string;
}

/** The longest health answer quoted in a message (a check may print a whole page). */
const ANSWER_CHARS = 300;

/** docker's `{{json .State}}` line -> status, health and last answer (empty strings when absent or not JSON). */
export function containerHealth(line: string): ContainerHealth {
  try {
    const state = JSON.parse(line) as {
      Status?: unknown;
      ExitCode?: unknown;
      Health?: { Status?: unknown; Log?: Array<{ ExitCode?: unknown; Output?: unknown }> | null } | null;
    };
    const status = typeof state.Status === "string" ? state.Status : "";
    const health = typeof state.Health?.Status === "string" ? state.Health.Status : "";
    const last = state.Health?.Log?.at(-1);
    const output = typeof last?.Output === "string" ? last.Output.replace(/\s+/g, " ").trim() : "";
    const answer = last
      ? `exit ${String(last.ExitCode)}${output ? `: ${output.slice(0, ANSWER_CHARS)}` : ""}`
      : status === "exited"
        ? `exited with code ${String(state.ExitCode)}`
        : "";
    return { status, health, answer };
  } catch {
    return { status: "", health: "", answer: "" };
  }
}

/** A container that makes compose's wait fail: unhealthy, stopped or crash-looping. */
export function isSick(c: ContainerHealth): boolean {
  return c.health === "unhealthy" || ["exited", "dead", "restarting"].includes(c.status);
}

/** Each sick service of the project with its state (`backend is unhealthy (exit 1: ...)`). */
export interface SickService {
  service: string;
  state: ContainerHealth;
}

/** The services of `project` whose containers are sick, read with the ps/inspect forms the helper's docker gate allows. */
export async function sickServices(
  host: RemoteHost,
  project: string,
  services: readonly string[],
): Promise<SickService[]> {
  const found: SickService[] = [];
  for (const service of services) {
    const opts = { become: true, check: false, step: "start" };
    const ids = (await host.exec(composeContainerArgv(project, service, { all: true }), opts)).stdout
      .split("\n")
      .map((l) => l.trim())
      .filter(Boolean);
    if (ids.length === 0) continue;
    const r = await host.exec(dockerInspectArgv(CONTAINER_STATE_FORMAT, ids), opts);
    const sick = r.stdout.split("\n").filter(Boolean).map(containerHealth).find(isSick);
    if (sick) found.push({ service, state: sick });
  }
  return found;
}

/** `backend (green) is unhealthy: exit 1: ...`: one clause per sick service, for the start failure's message. */
export function sickMessage(sick: readonly SickService[], color: string): string {
  return sick
    .map(({ service, state }) => {
      const what = state.health === "unhealthy" ? "is unhealthy" : `is ${state.status}`;
      return `${service} (${color}) ${what}${state.answer ? `: ${state.answer}` : ""}`;
    })
    .join("; ");
}

/** The hint of a start that failed on sick services. */
export const SICK_HINT =
  "compose waits for a `depends_on` service to be healthy: fix that service (its health answer and log lines are above) and deploy again";
