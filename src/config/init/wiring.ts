/**
 * How init wires a frontend to its backend (seed 000): the frontend reads the backend's address from BACKEND_URL
 * (default 127.0.0.1: itself inside a container, the wrong color under blue-green) and relays the API unless
 * DEPLOYMENT_MODE is "nginx". Pure.
 */
import type { DetectedService, Runtime } from "./detect.js";
import { envReadsOf, type SourceFile } from "./python.js";

/** The service the others call: named backend/api/server, when there are several. */
export function backendOf(services: readonly DetectedService[]): DetectedService | undefined {
  const web = services.filter((s) => !s.accessory);
  return web.length > 1 ? web.find((s) => /^(backend|api|server)$/.test(s.name)) : undefined;
}

/** A service that reads the backend's address (`urlEnv`) or a deployment mode with an "nginx" value (`modeEnv`). */
export interface BackendCall {
  service: DetectedService;
  backend: DetectedService;
  urlEnv?: string;
  modeEnv?: string;
}

/** The services that read the backend's address or a deployment mode; an address read means a network is needed. */
export function backendCalls(
  services: readonly DetectedService[],
  filesOf: (service: DetectedService) => SourceFile[],
): BackendCall[] {
  const backend = backendOf(services);
  if (!backend) return [];
  const calls: BackendCall[] = [];
  for (const service of services) {
    if (service === backend || service.image) continue;
    const files = filesOf(service);
    const reads = [...envReadsOf(files)];
    const urlEnv = reads.find((n) => /^(\w+_)?(BACKEND|API)_(URL|BASE_URL|ORIGIN)$/.test(n) && !/PUBLIC/.test(n));
    const mode = reads.find((n) => /(^|_)DEPLOYMENT_MODE$/.test(n));
    const modeEnv =
      mode && files.some((f) => f.path.endsWith(".py") && /["']nginx["']/.test(f.text)) ? mode : undefined;
    if (urlEnv || modeEnv)
      calls.push({ service, backend, ...(urlEnv ? { urlEnv } : {}), ...(modeEnv ? { modeEnv } : {}) });
  }
  return calls;
}

/**
 * Sets each call's env: the address to the same color's backend (`${service:NAME.url}`, which runtime container
 * cannot give) and, since nginx routes /api/ to the backend, the mode to nginx. Under compose the caller starts after
 * the backend (`depends_on`).
 */
export function wireToBackend(calls: readonly BackendCall[], runtime: Runtime, reasons: string[]): void {
  for (const { service, backend, urlEnv, modeEnv } of calls) {
    if (urlEnv && runtime !== "container") {
      service.env[urlEnv] = `\${service:${backend.name}.url}`;
      reasons.push(`service ${service.name} reads ${urlEnv}: set to ${backend.name} of the same color`);
      if (runtime === "compose" && !service.dependsOn.includes(backend.name)) service.dependsOn.push(backend.name);
    }
    if (modeEnv) {
      service.env[modeEnv] = "nginx";
      reasons.push(`service ${service.name} reads ${modeEnv}: set to nginx (nginx routes /api/ to ${backend.name})`);
    }
  }
}
