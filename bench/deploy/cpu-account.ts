/**
 * Where the machine's CPU went during one command on sandbox targets: the whole machine's busy time (/proc/stat: the
 * other engineers' work included), the target containers' own cgroups (sshd, sudo, dockerd, containerd, nginx, the
 * shells Slipway's commands run) and the app containers the targets' dockerd started (cgroupfs siblings of the
 * targets under /sys/fs/cgroup/cpuacct/docker/, found by `docker ps -aq` in each target after the command; a
 * container removed during it loses its count). Linux with cgroup v1 only; elsewhere every figure is null.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const CPUACCT = "/sys/fs/cgroup/cpuacct/docker";

/** CPU ms per cgroup id and the machine's busy ms, at one moment. */
export interface CpuSnapshot {
  machineBusyMs: number;
  cgroupMs: Map<string, number>;
}

/** Reads /proc/stat and every docker cgroup's cpuacct.usage (ns). */
export function cpuSnapshot(): CpuSnapshot {
  const cgroupMs = new Map<string, number>();
  if (existsSync(CPUACCT)) {
    for (const id of readdirSync(CPUACCT)) {
      const file = join(CPUACCT, id, "cpuacct.usage");
      if (existsSync(file)) cgroupMs.set(id, Number(readFileSync(file, "utf8")) / 1e6);
    }
  }
  const [, ...fields] = (readFileSync("/proc/stat", "utf8").split("\n")[0] ?? "").trim().split(/\s+/);
  const [user, nice, system, , , irq, softirq, steal] = fields.map(Number);
  const tick = 1000 / 100; // USER_HZ
  const busy = [user, nice, system, irq, softirq, steal].reduce((a: number, b) => a + (b ?? 0), 0);
  return { machineBusyMs: busy * tick, cgroupMs };
}

/** The split between two snapshots for the named target containers (`docker` names, e.g. slipway-t13). */
export function cpuSplit(
  before: CpuSnapshot,
  after: CpuSnapshot,
  containers: readonly string[],
): { machineMs: number; targetsMs: number; appsMs: number } {
  const delta = (id: string) => (after.cgroupMs.get(id) ?? 0) - (before.cgroupMs.get(id) ?? 0);
  const fullId = (name: string) =>
    execFileSync("docker", ["inspect", "-f", "{{.Id}}", name], { encoding: "utf8" }).trim();
  const targets = containers.map(fullId);
  const apps = containers.flatMap((name) =>
    execFileSync("docker", ["exec", name, "docker", "ps", "-aq", "--no-trunc"], { encoding: "utf8" })
      .split("\n")
      .filter(Boolean),
  );
  const sum = (ids: string[]) => Math.round(ids.reduce((a, id) => a + delta(id), 0));
  return {
    machineMs: Math.round(after.machineBusyMs - before.machineBusyMs),
    targetsMs: sum(targets),
    appsMs: sum(apps),
  };
}
