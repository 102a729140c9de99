/** `slipway status` over SSH: one status script per host, all hosts at once (the pure part is status.ts). */

import { nginxTestVerdict } from "../certs/served.js";
import { certSpecFromConfig, liveCertPath } from "../certs/spec.js";
import { nginxTest } from "../commands/nginx.js";
import { statusArgv } from "../commands/status.js";
import type { SlipwayConfig } from "../config/index.js";
import { selectHosts } from "../config/inventory.js";
import { configOnHost, deployHosts } from "../config/layout.js";
import { swarmManager } from "../config/swarm.js";
import { lockDir } from "../lock/lock.js";
import { ConnectionPool } from "../remote/index.js";
import type { RemoteHost } from "../remote/types.js";
import { UPSTREAM_INCLUDE_DIR } from "../render/from-config/nginx.js";
import { maintenancePagePath } from "../render/nginx-maintenance.js";
import { chosenHosts, connectAll } from "./connect.js";
import { runtimeFor } from "./deploy.js";
import { NGINX_UNIT_PROBE } from "./nginx-running.js";
import {
  certificateServedProblem,
  type HostStatus,
  parseHostStatus,
  type StatusPlan,
  statusPlan,
  withServedReason,
} from "./status.js";
import { servedPlan } from "./status-served.js";
import { swarmProbes, swarmStatusPlan } from "./status-swarm.js";

/**
 * The certificate `status` reads: the ACME lineage's fullchain.pem, or a provided `tls.certificate_path` (D78: missing
 * or past its end, a problem; its names are the user's business); null when TLS is off.
 */
export function certOf(config: SlipwayConfig) {
  const provided = config.tls.enabled ? config.tls.certificate_path : undefined;
  if (provided !== undefined) return { path: provided, name: provided, domains: [] as string[], renewBeforeDays: 0 };
  const spec = certSpecFromConfig(config);
  if (!spec) return null;
  return {
    path: liveCertPath(spec.certName),
    name: spec.certName,
    domains: spec.domains,
    renewBeforeDays: spec.renewBeforeDays,
  };
}

type Cert = (NonNullable<ReturnType<typeof certOf>> & { servedName?: string }) | null;

/**
 * nginx serves another certificate than the file (a renewal it never loaded, D70): one more round trip, `nginx -t`,
 * says why (its error names the file and line), or that only the reload is missing.
 */
async function explainServed(host: RemoteHost, status: HostStatus): Promise<HostStatus> {
  if (!status.certificate || !certificateServedProblem(status.certificate)) return status;
  const test = await host.exec(nginxTest().argv, { become: true, check: false, step: "status", timeoutMs: 30_000 });
  return withServedReason(status, nginxTestVerdict(test.code, test.stderr));
}

/**
 * Runtime swarm: every node gets the base status (lock, disk, certificate and maintenance on the nginx hosts); the
 * manager's script also reads the cluster (nodes, the stacks' tasks, each app task's health through its node's port).
 * No units per host: tasks move between nodes. The manager and the nginx hosts hold the release; workers none.
 */
function swarmHostPlan(config: SlipwayConfig, host: string, cert: Cert, page: string | null): StatusPlan {
  const base = statusPlan({ ...config, services: {} }, () => [], cert, page);
  if (host !== swarmManager(config)) {
    // The deploy runs on the manager and the nginx hosts only (config/layout.ts deployHosts); a worker keeps none.
    return { ...base, expectRelease: deployHosts(config).some((h) => h.name === host) };
  }
  const swarm = swarmStatusPlan(config);
  return { ...base, swarm, probes: [...base.probes, ...swarmProbes(swarm)] };
}

/**
 * Each chosen host's status (`limit`: host patterns as for `--limit`), in inventory order. A host that cannot be
 * reached or read is returned with `error` and problems `["unreachable"]`; never throws for a host.
 */
export async function readStatus(config: SlipwayConfig, limit?: string[]): Promise<HostStatus[]> {
  const pool = new ConnectionPool();
  // Swarm's status is read from the manager's node and stack probes (swarmHostPlan), not from a color runtime.
  const runtime = config.runtime === "swarm" ? null : runtimeFor(config);
  const cert = certOf(config);
  const nginxHosts = new Set(
    config.proxy.mode === "internal" ? [] : selectHosts(config, config.proxy.hosts).map((h) => h.name),
  );
  try {
    const connected = await connectAll(config, chosenHosts(config, limit), pool);
    return await Promise.all(
      connected.map(async ({ resolved, host, error }) => {
        const unreachable = (message: string): HostStatus => ({
          host: resolved.name,
          release: null,
          color: null,
          units: [],
          health: [],
          lock: { state: "free" },
          disk: null,
          certificate: null,
          problems: ["unreachable"],
          error: message,
        });
        if (!host) return unreachable(error ?? "unreachable");
        try {
          const page = nginxHosts.has(host.name) ? maintenancePagePath(UPSTREAM_INCLUDE_DIR, config.app) : null;
          // Only nginx serves the certificate: there `status` asks it which one (D70).
          const hostCert = cert && page ? { ...cert, servedName: cert.domains[0] } : cert;
          const plan = {
            ...(runtime
              ? statusPlan(configOnHost(config, host.name), (c) => runtime(host).names(c), hostCert, page)
              : swarmHostPlan(config, host.name, hostCert, page)),
            served: page ? servedPlan(config) : null,
            // Whether nginx runs at all: the served color's files and links say the same when it is stopped (D83).
            nginx: page ? NGINX_UNIT_PROBE : null,
          };
          const nginx = plan.nginx ? [plan.nginx] : [];
          plan.probes = [...plan.probes, ...(plan.served?.probes.map((p) => p.probe) ?? []), ...nginx];
          const argv = statusArgv(config.deploy_dir, lockDir(config.deploy_dir), plan.probes);
          const result = await host.exec(argv, { become: true, check: false, step: "status", timeoutMs: 60_000 });
          return await explainServed(host, parseHostStatus(host.name, config.deploy_dir, plan, result.stdout));
        } catch (e) {
          return unreachable(e instanceof Error ? e.message : String(e));
        }
      }),
    );
  } finally {
    await pool.closeAll();
  }
}
