/**
 * The app both tools deploy: the harvest example's frontend (Flask under gunicorn, 2 workers; its page needs no
 * backend), one image built once and pushed to the sandbox registry, so Slipway and the Ansible reference start the
 * very same bytes. A release is that image plus env: APP_VERSION (what /health reports) and BROKEN ("";
 * "unhealthy": /health answers 503; "after-switch": /health 200 but the page `/` answers 500), the example's own
 * switches (examples/harvest/frontend/release_info.py). `/` is also the route Slipway verifies after the switch.
 */
import { randomBytes } from "node:crypto";
import { buildImages } from "../../src/build/build_images.js";
import { REPO_ROOT, type SandboxInventory } from "../../test/e2e/support/sandbox.js";

/** What the app listens on inside the container, where the version is read and where users go. */
export const APP_PORT = 8050;
export const HEALTH_PATH = "/health";
export const PUBLIC_PATH = "/";
/** The build context, relative to the repository root. */
export const APP_CONTEXT = "examples/harvest/frontend";

export type Broken = "" | "unhealthy" | "after-switch";

/** One release: the same image for every release of a run; only the env differs. */
export interface Release {
  version: string;
  broken: Broken;
}

/** Each tool's app on the targets: its own name, site and ports, so both live side by side on the same hosts. */
export interface ToolApp {
  /** Who deploys it: Slipway or Ansible, or in the runtime comparison Slipway with that runtime. */
  tool: "slipway" | "ansible" | "container" | "swarm";
  app: string;
  domain: string;
  ports: { blue: number; green: number };
}

export const SLIPWAY_APP: ToolApp = {
  tool: "slipway",
  app: "benchsw",
  domain: "sw.bench.test",
  ports: { blue: 7101, green: 7102 },
};
export const ANSIBLE_APP: ToolApp = {
  tool: "ansible",
  app: "benchans",
  domain: "ans.bench.test",
  ports: { blue: 7201, green: 7202 },
};

/**
 * The images the bench can deploy: the harvest frontend (the default, what every published figure uses), or `tiny`
 * (bench/deploy/tiny-app: the same answers from Python's http.server, booting in ~0 CPU) to see Slipway's own cost
 * on many targets apart from the app's boot. Both answer on APP_PORT, HEALTH_PATH and PUBLIC_PATH.
 */
export const BENCH_APPS = {
  frontend: { repository: "bench-deploy/frontend", context: APP_CONTEXT },
  tiny: { repository: "bench-deploy/tiny", context: "bench/deploy/tiny-app" },
} as const;
export type BenchApp = keyof typeof BENCH_APPS;

/**
 * Builds the app once with the deploy's own builder and pushes it to the sandbox registry.
 * Returns the image reference by digest (`10.213.0.1:5000/bench-deploy/frontend@sha256:...`).
 */
export async function buildBenchImage(sandbox: SandboxInventory, app: BenchApp = "frontend"): Promise<string> {
  const [built] = await buildImages(
    [
      {
        service: "frontend",
        repository: `${sandbox.registry}/${BENCH_APPS[app].repository}`,
        context: `${REPO_ROOT}/${BENCH_APPS[app].context}`,
        buildArgs: {},
      },
    ],
    {
      git: { commitSha: randomBytes(20).toString("hex"), branch: null, source: null },
      registries: { [sandbox.registry]: { insecure: true } },
    },
  );
  if (!built?.reference) throw new Error("bench image: the build returned no reference");
  return built.reference;
}
