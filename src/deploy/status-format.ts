/** `slipway status`'s human output: a head line and a table per host, then the problems (status.ts has the data). */
import { HOOK_LOG_TAG } from "../certs/served.js";
import { describeHolder } from "../lock/lock.js";
import { formatBytes, type HostStatus } from "./status.js";
import type { ClusterStatus, SwarmTaskStatus } from "./status-swarm.js";

/** Columns padded to their widest cell, two spaces apart, each row indented by two. */
function table(rows: string[][]): string[] {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length))) ?? [];
  return rows.map((r) => `  ${r.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join("  ")}`.trimEnd());
}

function age(seconds: number | undefined): string {
  if (seconds === undefined) return "";
  if (seconds < 120) return ` for ${seconds} s`;
  if (seconds < 7200) return ` for ${Math.round(seconds / 60)} min`;
  return ` for ${Math.round(seconds / 3600)} h`;
}

function headLine(s: HostStatus): string {
  const recorded = s.release && s.color ? `${s.release} on ${s.color}` : "nothing deployed";
  // nginx moved and the record did not (a run killed mid-switch): say what users get first.
  const unrecorded = s.intent?.to === s.served ? ` (release ${s.intent?.release}, not recorded)` : "";
  const live =
    s.served && s.served !== s.color ? `nginx serves ${s.served}${unrecorded}; recorded ${recorded}` : recorded;
  const lock =
    s.lock.state === "held"
      ? `held by ${describeHolder(s.lock.holder)}${age(s.lock.ageSeconds)}${s.lock.stale ? " (stale)" : ""}`
      : "free";
  const disk = s.disk ? `${formatBytes(s.disk.freeBytes)} free (${s.disk.usedPercent}% used)` : "unknown";
  const left = s.maintenanceLeftBy ? ` (left by killed run ${s.maintenanceLeftBy})` : "";
  const maintenance = s.maintenance === undefined ? "" : `; maintenance ${s.maintenance ? "on" : "off"}${left}`;
  return `${s.host}: ${live}; lock ${lock}; disk ${disk}${maintenance}`;
}

function certLine(s: HostStatus): string | null {
  const c = s.certificate;
  if (!c) return null;
  const until = c.notAfter ? ` until ${c.notAfter} (${c.daysLeft} days)` : "";
  return `  certificate ${c.name}: ${c.state}${until}${servedText(c)}`;
}

/** What nginx serves against the file (D70): nothing said when unknown (no nginx here, nothing on 443). */
function servedText(c: NonNullable<HostStatus["certificate"]>): string {
  if (c.servedState === "loaded") return "; served by nginx";
  if (!c.servedState || !c.served) return "";
  return `; nginx serves serial ${c.served.serial} until ${c.served.notAfter} (see journalctl -t ${HOOK_LOG_TAG})`;
}

/** One host's block: head line, units (live color marked `*`), health answers, accessories, certificate, verdict. */
export function formatHostStatus(s: HostStatus): string {
  if (s.error) return `${s.host}: unreachable (${s.error})`;
  const lines = [headLine(s)];
  if (s.units.length > 0) {
    lines.push(
      ...table([
        ["UNIT", "COLOR", "STATE"],
        ...s.units.map((u) => [u.name, `${u.color}${u.live ? "*" : ""}`, u.state]),
      ]),
    );
  }
  if (s.health.length > 0) {
    lines.push(
      ...table([
        ["SERVICE", "HEALTH", "ANSWER"],
        ...s.health.map((h) => [
          h.service,
          h.url,
          h.status ? `${h.status}${h.healthy ? " ok" : ` (want ${h.expected})`}` : "no answer",
        ]),
      ]),
    );
  }
  if (s.accessories && s.accessories.length > 0) {
    lines.push(
      ...table([["ACCESSORY", "STATE", "HEALTH"], ...s.accessories.map((a) => [a.service, a.state, a.health])]),
    );
  }
  if (s.cluster) lines.push(...clusterLines(s.cluster));
  const cert = certLine(s);
  if (cert) lines.push(cert);
  lines.push(s.problems.length === 0 ? "  healthy" : `  UNHEALTHY: ${s.problems.join("; ")}`);
  return lines.join("\n");
}

function labelsText(labels: Readonly<Record<string, string>>): string {
  return Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(",");
}

function taskHealth(t: SwarmTaskStatus): string {
  if (!t.health) return "";
  if (!t.health.status) return "no answer";
  return `${t.health.status}${t.health.healthy ? " ok" : ` (want ${t.health.expected})`}`;
}

/** `repo:tag@sha256:<64 hex>` -> `repo:tag@sha256:<12 hex>` (the table stays readable; --json has it whole). */
export function shortImage(image: string): string {
  return image.replace(/@sha256:([0-9a-f]{12})[0-9a-f]{52}$/, "@sha256:$1");
}

/** Runtime swarm: the nodes, then each stack's current tasks (the live stacks marked `*`). */
function clusterLines(c: ClusterStatus): string[] {
  if (c.error) return [`  swarm (manager ${c.manager}): ${c.error}`];
  const lines = table([
    ["NODE", "ROLE", "AVAILABILITY", "STATE", "LABELS"],
    ...c.nodes.map((n) => [
      n.hostname,
      n.leader ? `${n.role} (leader)` : n.role,
      n.availability,
      n.state,
      labelsText(n.labels),
    ]),
  ]);
  const rows = c.stacks.flatMap((s) =>
    s.tasks.map((t) => [
      `${s.stack}${s.live ? "*" : ""}`,
      `${t.service}.${t.slot}`,
      t.node,
      t.desired,
      `${t.state} ${t.since}`.trim(),
      taskHealth(t),
      shortImage(t.image),
      [t.error, t.failures > 0 ? `${t.failures} failed before` : ""].filter(Boolean).join("; "),
    ]),
  );
  if (rows.length === 0) return [...lines, "  no stacks of this app"];
  return [...lines, ...table([["STACK", "TASK", "NODE", "DESIRED", "CURRENT", "HEALTH", "IMAGE", "ERROR"], ...rows])];
}

export function formatStatus(hosts: readonly HostStatus[]): string {
  return hosts.map(formatHostStatus).join("\n\n");
}
