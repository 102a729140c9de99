/**
 * Rules over `services` as a whole: what a service runs (one source of its image) and the start order `depends_on`
 * describes (no cycle: compose refuses one at deploy time, after the build and the upload).
 */
import type { CheckedConfig } from "./cross-checks.js";

type Issue = (path: (string | number)[], message: string, input?: unknown) => void;

/** `image` and `build` both set: which one runs would be a guess (the deploy builds, compose would pull). */
export function checkImageOrBuild(config: CheckedConfig, issue: Issue): void {
  for (const [name, service] of Object.entries(config.services)) {
    if (service.image === undefined || service.build === undefined) continue;
    issue(
      ["services", name, "image"],
      "expected `image` or `build`, not both: `image` runs a prebuilt image, `build` builds this service's own",
      service.image,
    );
  }
}

/**
 * Each `depends_on` cycle once, at the entry that closes it (`services.a.depends_on[0]`), naming the whole loop:
 * `a -> b -> a`. A service that depends on itself is a cycle of one.
 */
export function checkDependencyCycles(config: CheckedConfig, issue: Issue): void {
  const state = new Map<string, "visiting" | "done">();
  const walk = (name: string, trail: string[]): void => {
    state.set(name, "visiting");
    config.services[name]?.depends_on.forEach((dep, i) => {
      if (!config.services[dep]) return; // an unknown service is reported by its own check
      if (state.get(dep) === "visiting") {
        const loop = [...trail.slice(trail.indexOf(dep)), name, dep];
        issue(
          ["services", name, "depends_on", i],
          `depends_on cycle: ${loop.join(" -> ")}: no service of it could start first`,
          dep,
        );
      } else if (!state.has(dep)) walk(dep, [...trail, name]);
    });
    state.set(name, "done");
  };
  for (const name of Object.keys(config.services)) if (!state.has(name)) walk(name, []);
}
