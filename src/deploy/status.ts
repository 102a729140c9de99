/**
 * `slipway status`: what runs on each host, read with one script per host (commands/status.ts): the live release and
 * color, each unit/container/compose project of both colors with the live color's health answer, the lock holder and
 * its age, free space of the deploy dir, and the certificate's expiry. Pure parsing here; deploy/status-read.ts runs it.
 */

import { type CertState, certState } from "../certs/inspect.js";
import { type CertIdentity, certIdentity, type ServedState, servedProblem, servedState } from "../certs/served.js";
import { parseStatusSections, probeKey, type StatusProbe, type StatusProbeKind } from "../commands/status.js";
import { parseUnitActive } from "../commands/systemd.js";
import { type Color, colorPort, type SlipwayConfig } from "../config/index.js";
import { holderAlive, type LockHolder, parseHolder } from "../lock/lock.js";
import { ownerRun, pageOwner } from "../render/nginx-maintenance.js";
import { gateArgs } from "./health.js";
import { parseColorFile } from "./host-state.js";
import { parseIntent, type SwitchIntent } from "./intent.js";
import { nginxDownProblem, nginxDownState } from "./nginx-running.js";
import {
  type AccessoriesPlan,
  type AccessoryStatus,
  accessoriesPlan,
  accessoryProblems,
  accessoryStatuses,
} from "./status-accessories.js";
import { type ServedPlan, servedColorOf, switchProblem } from "./status-served.js";
import { type ClusterStatus, clusterProblems, clusterStatus, type SwarmStatusPlan } from "./status-swarm.js";

export interface UnitStatus {
  /** Unit, container or compose project name (for compose: `project/container`). */
  name: string;
  color: Color;
  live: boolean;
  /** `active (running)`, `running healthy`, `exited`, `not found`. */
  state: string;
  running: boolean;
}

export interface HealthStatus {
  service: string;
  url: string;
  /** The HTTP status answered (0: no answer); `expected` the one the health gate wants. */
  status: number;
  expected: number;
  healthy: boolean;
}

export interface CertificateStatus {
  name: string;
  state: CertState["kind"];
  notAfter?: string;
  daysLeft?: number;
  /** The file's leaf: serial and end of validity (whatever `state` says of its names). */
  file?: CertIdentity;
  /** On an nginx host: the certificate nginx serves for the first domain (null: nothing answered on 443). */
  served?: CertIdentity | null;
  /** The file against the served certificate (certs/served.ts), when both are known. */
  servedState?: ServedState;
  /** Why nginx serves another certificate (`nginx -t fails: ...`), read by deploy/status-read.ts after the script. */
  why?: string;
}

export interface HostStatus {
  host: string;
  release: string | null;
  color: Color | null;
  units: UnitStatus[];
  health: HealthStatus[];
  /** Runtime compose: the accessories this host runs, by docker's state and health (status-accessories.ts). */
  accessories?: AccessoryStatus[];
  lock: { state: "free" | "held"; holder?: LockHolder; ageSeconds?: number; stale?: boolean };
  disk: { path: string; freeBytes: number; usedPercent: number } | null;
  certificate: CertificateStatus | null;
  /**
   * On a host running the app's nginx site: the color nginx routes users to (socket links or upstream files), null
   * when they name neither. Units are marked live and health read by this color when it differs from `color`.
   */
  served?: Color | null;
  /** A switch intent left on the host: a run is switching, or died between moving nginx and its record. */
  intent?: SwitchIntent;
  /** `slipway maintenance`: whether the page is up (absent on a host without the app's nginx site). */
  maintenance?: boolean;
  /** The page is up and a run put it on that holds no live lock: it was killed with the page on (D80). */
  maintenanceLeftBy?: string;
  /** Runtime swarm, on the manager: the nodes and the stacks' tasks (deploy/status-swarm.ts). */
  cluster?: ClusterStatus;
  /** On a host running the app's nginx site: systemd's state of nginx when it does not run (`inactive (dead)`, D83). */
  nginxDown?: string;
  /** What makes the host unhealthy, one phrase each (empty: healthy). */
  problems: string[];
  /** Set when the host could not be read (then nothing else is). */
  error?: string;
}

/** What the script is asked for, per host: the runtime's names of both colors, each service's health URL, the cert. */
export interface StatusPlan {
  probes: StatusProbe[];
  units: Array<{ probe: StatusProbe; color: Color }>;
  health: Array<{ probe: StatusProbe; color: Color; service: string; expected: number }>;
  cert: {
    probe: StatusProbe;
    name: string;
    domains: string[];
    renewBeforeDays: number;
    /** The `tls` probe of what nginx serves (on a host running the app's nginx site). */
    served?: StatusProbe;
  } | null;
  /** Runtime compose: the accessories' project (their state and docker health; no HTTP probe). */
  accessories?: AccessoriesPlan | null;
  /** The maintenance page's file (src/deploy/maintenance.ts), on a host running the app's nginx site. */
  maintenance?: { probe: StatusProbe } | null;
  /** Runtime swarm, on the manager: the cluster's probes (their sections become HostStatus.cluster). */
  swarm?: SwarmStatusPlan;
  /** false: the host keeps no release of its own (a swarm node other than the manager): none is not a problem. */
  expectRelease?: boolean;
  /** On a host running the app's nginx site: what tells the color nginx serves (deploy/status-served.ts). */
  served?: ServedPlan | null;
  /** On a host running the app's nginx site: the probe of nginx's unit (deploy/nginx-running.ts). */
  nginx?: StatusProbe | null;
}

const COLORS: readonly Color[] = ["blue", "green"];

/**
 * The probes for one host. `names` is the runtime's names of a color (ColorRuntime.names); `config` has only the
 * services of this host (configOnHost); `cert` the live certificate path and names when the site has ACME TLS, with
 * `servedName` (the name to ask nginx for over SNI) on a host running the app's nginx site.
 */
export function statusPlan(
  config: SlipwayConfig,
  names: (color: Color) => string[],
  cert: { path: string; name: string; domains: string[]; renewBeforeDays: number; servedName?: string } | null,
  maintenancePage: string | null = null,
): StatusPlan {
  const kind: StatusProbeKind =
    config.runtime === "systemd" ? "unit" : config.runtime === "container" ? "container" : "compose";
  const units = COLORS.flatMap((color) => names(color).map((target) => ({ probe: { kind, target }, color })));
  const health = COLORS.flatMap((color) =>
    // A worker (no port) has no health URL: its state is its unit or container line. An accessory publishes no port
    // (its `port` is where the colors reach it by name): docker's health is its health (status-accessories.ts, D71).
    Object.entries(config.services).flatMap(([service, spec]) => {
      if (spec.port === undefined || spec.accessory) return [];
      const args = gateArgs(service, spec, colorPort(spec, color));
      return { probe: { kind: "health" as const, target: args.url }, color, service, expected: args.status };
    }),
  );
  const certPlan = cert ? certProbes(cert) : null;
  const maintenance = maintenancePage ? { probe: { kind: "file" as const, target: maintenancePage } } : null;
  const accessories = accessoriesPlan(config);
  return {
    probes: [
      ...units.map((u) => u.probe),
      ...(accessories ? [accessories.probe] : []),
      ...health.map((h) => h.probe),
      ...(certPlan ? [certPlan.probe, ...(certPlan.served ? [certPlan.served] : [])] : []),
      ...(maintenance ? [maintenance.probe] : []),
    ],
    units,
    health,
    cert: certPlan,
    ...(accessories ? { accessories } : {}),
    maintenance,
  };
}

function certProbes(cert: NonNullable<Parameters<typeof statusPlan>[2]>): NonNullable<StatusPlan["cert"]> {
  const { servedName, path, ...rest } = cert;
  const probe: StatusProbe = { kind: "cert", target: path };
  return servedName ? { ...rest, probe, served: { kind: "tls", target: servedName } } : { ...rest, probe };
}

/** `ActiveState=active` + `SubState=running` -> `active (running)`; docker's `running healthy`; compose's rows. */
function unitStates(
  kind: StatusProbe["kind"],
  target: string,
  lines: readonly string[],
): Array<Omit<UnitStatus, "color" | "live">> {
  if (kind === "unit") {
    const { active, state } = parseUnitActive(lines);
    return [{ name: target, state, running: active === "active" }];
  }
  if (kind === "container") {
    const { status, health } = containerState(lines[0]);
    if (!status) return [{ name: target, state: "not found", running: false }];
    return [
      {
        name: target,
        state: `${status}${health ? ` ${health}` : ""}`,
        running: status === "running" && health !== "unhealthy",
      },
    ];
  }
  if (lines.length === 0) return [{ name: target, state: "no containers", running: false }];
  return lines.map((line) => {
    const [name = "", state = "", ...rest] = line.split(" ");
    return { name: `${target}/${name}`, state: [state, ...rest].join(" "), running: state === "running" };
  });
}

/** docker's `{{json .State}}` line -> its status and health (empty strings when absent or not JSON). */
function containerState(line: string | undefined): { status: string; health: string } {
  try {
    const state = JSON.parse(line ?? "") as { Status?: unknown; Health?: { Status?: unknown } | null };
    const health = state.Health?.Status;
    return {
      status: typeof state.Status === "string" ? state.Status : "",
      health: typeof health === "string" ? health : "",
    };
  } catch {
    return { status: "", health: "" };
  }
}

/** `df -Pk` data line -> free bytes and use%. */
function diskOf(path: string, line: string | undefined): HostStatus["disk"] {
  const fields = (line ?? "").trim().split(/\s+/);
  const free = Number(fields[3]);
  const used = Number((fields[4] ?? "").replace("%", ""));
  return Number.isFinite(free) && fields.length >= 5 ? { path, freeBytes: free * 1024, usedPercent: used } : null;
}

/** Below this, the deploy dir's disk counts as a problem (a release, its image and a backup need room). */
export const LOW_DISK_BYTES = 1024 ** 3;

/**
 * One host's status from the status script's output. `now` dates the lock's age and the certificate's days left;
 * `alive` says whether a lock holder's process still runs (lock/lock.ts holderAlive).
 */
export function parseHostStatus(
  host: string,
  deployDir: string,
  plan: StatusPlan,
  stdout: string,
  now: Date = new Date(),
  alive: (holder: LockHolder) => boolean | null = holderAlive,
): HostStatus {
  const sections = parseStatusSections(stdout);
  const first = (key: string) => (sections.get(key) ?? [])[0]?.trim() ?? "";
  const link = first("current");
  const color = parseColorFile(first("color"));
  const release = link ? (link.split("/").pop() ?? null) : null;
  const served = plan.served ? servedColorOf(plan.served, (p) => sections.get(probeKey(p)) ?? []) : undefined;
  const intent = parseIntent((sections.get("intent") ?? []).join("\n"));
  // What users get is what nginx serves: the record may lag behind it (a run killed mid-switch, D63).
  const live = served ?? color;
  const units = plan.units.flatMap(({ probe, color: c }) =>
    unitStates(probe.kind, probe.target, sections.get(probeKey(probe)) ?? []).map((u) => ({
      ...u,
      color: c,
      live: c === live,
    })),
  );
  const health = plan.health
    .filter((h) => h.color === live)
    .map(({ probe, service, expected }) => {
      const status = Number(first(probeKey(probe))) || 0;
      return { service, url: probe.target, status, expected, healthy: status === expected };
    });
  const holder = parseHolder((sections.get("lock") ?? []).join("\n").trim() || undefined);
  const lock: HostStatus["lock"] = holder
    ? {
        state: "held",
        holder,
        ...(holder.since
          ? { ageSeconds: Math.max(0, Math.round((now.getTime() - Date.parse(holder.since)) / 1000)) }
          : {}),
        ...(alive(holder) === false ? { stale: true } : {}),
      }
    : { state: "free" };
  const disk = diskOf(deployDir, first("disk"));
  const certificate = plan.cert ? certificateOf(plan.cert, sections, now) : null;
  const status: HostStatus = { host, release, color, units, health, lock, disk, certificate, problems: [] };
  if (plan.accessories)
    status.accessories = accessoryStatuses(plan.accessories, sections.get(probeKey(plan.accessories.probe)) ?? []);
  if (served !== undefined) status.served = served;
  if (intent) status.intent = intent;
  if (plan.maintenance) {
    const page = sections.get(probeKey(plan.maintenance.probe)) ?? [];
    status.maintenance = page.length > 0;
    const run = page.length > 0 ? ownerRun(pageOwner(page.join("\n"))) : null;
    if (run && !(lock.holder?.run_id === run && !lock.stale)) status.maintenanceLeftBy = run;
  }
  if (plan.swarm) status.cluster = clusterStatus(plan.swarm, sections, live);
  const nginxDown = plan.nginx ? nginxDownState(sections.get(probeKey(plan.nginx)) ?? []) : null;
  if (nginxDown) status.nginxDown = nginxDown;
  status.problems = problemsOf(status, plan.expectRelease !== false);
  return status;
}

function certificateOf(
  cert: NonNullable<StatusPlan["cert"]>,
  sections: ReadonlyMap<string, string[]>,
  now: Date,
): CertificateStatus {
  const pemOf = (probe: StatusProbe) => (sections.get(probeKey(probe)) ?? []).join("\n") || undefined;
  const pem = pemOf(cert.probe);
  const state = certState(pem, cert.domains, now, cert.renewBeforeDays);
  const file = certIdentity(pem);
  const status: CertificateStatus = {
    name: cert.name,
    state: state.kind,
    ...("notAfter" in state ? { notAfter: state.notAfter.toISOString(), daysLeft: state.daysLeft } : {}),
    ...(file ? { file } : {}),
  };
  if (!cert.served) return status;
  status.served = certIdentity(pemOf(cert.served));
  const served = servedState(file, status.served);
  if (served) status.servedState = served;
  return status;
}

/** The certificate's problem when nginx serves another one than the file (certs/served.ts), else null. */
export function certificateServedProblem(c: CertificateStatus): string | null {
  return servedProblem(c.servedState ?? null, c.file ?? null, c.served ?? null, c.why);
}

/**
 * The host's status with `why` nginx serves another certificate (certs/served.ts nginxTestVerdict) set on its
 * certificate and in its problem phrase. Unchanged when nginx serves the file.
 */
export function withServedReason(s: HostStatus, why: string): HostStatus {
  if (!s.certificate) return s;
  const before = certificateServedProblem(s.certificate);
  if (!before) return s;
  const certificate = { ...s.certificate, why };
  const after = certificateServedProblem(certificate) ?? before;
  return { ...s, certificate, problems: s.problems.map((p) => (p === before ? after : p)) };
}

/** What is wrong with a host, for the exit code and the human output. */
function problemsOf(s: HostStatus, expectRelease: boolean): string[] {
  // First: whatever else holds, users reach nothing (each service still answers on its own port).
  const problems: string[] = s.nginxDown ? [nginxDownProblem(s.nginxDown)] : [];
  if (expectRelease && (!s.release || !s.color) && !s.served) problems.push("nothing deployed");
  const lockRun = s.lock.holder?.run_id;
  const facts = {
    served: s.served ?? null,
    recorded: { color: s.color, release: s.release },
    intent: s.intent ?? null,
  };
  const switched = switchProblem(lockRun ? { ...facts, lockRun } : facts);
  if (switched) problems.push(switched);
  for (const u of s.units) if (u.live && !u.running) problems.push(`${u.name} is ${u.state}`);
  for (const h of s.health)
    if (!h.healthy) problems.push(`${h.service} health ${h.status || "no answer"} (want ${h.expected})`);
  problems.push(...accessoryProblems(s.accessories ?? []));
  if (s.lock.stale) problems.push("stale lock");
  if (s.maintenanceLeftBy) problems.push(`maintenance page left on by killed run ${s.maintenanceLeftBy}`);
  if (s.disk && s.disk.freeBytes < LOW_DISK_BYTES) problems.push(`low disk: ${formatBytes(s.disk.freeBytes)} free`);
  if (s.certificate && s.certificate.state !== "valid") problems.push(`certificate ${s.certificate.state}`);
  const served = s.certificate ? certificateServedProblem(s.certificate) : null;
  if (served) problems.push(served);
  if (s.cluster) problems.push(...clusterProblems(s.cluster));
  return problems;
}

export function formatBytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = bytes;
  let i = 0;
  while (value >= 1024 && i < units.length - 1) {
    value /= 1024;
    i++;
  }
  return `${value.toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
}
