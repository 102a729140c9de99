import { isAbsolute, join, resolve } from "node:path";
import type { ImageToBuild } from "./build_images.js";

/** The parts of slipway.yml (src/config/schema) that say what to build; structural so the builder does not depend on the loader. */
export interface BuildConfigView {
  app: string;
  image: { registry?: string; repository?: string };
  services: Record<
    string,
    {
      build?: { context: string; dockerfile: string; target?: string; args: Record<string, string>; secrets: string[] };
    }
  >;
}

/** `<registry>/<repository>-<service>` (schema: image.repository defaults to the app name). */
export function serviceRepository(config: BuildConfigView, service: string): string {
  const repository = `${config.image.repository ?? config.app}-${service}`;
  return config.image.registry ? `${config.image.registry}/${repository}` : repository;
}

/** One ImageToBuild per service with a `build` section; paths resolve from the config file's directory. */
export function imagesFromConfig(config: BuildConfigView, configDir: string): ImageToBuild[] {
  return Object.entries(config.services)
    .filter(([, service]) => service.build !== undefined)
    .map(([name, service]) => {
      const build = service.build as NonNullable<typeof service.build>;
      const context = isAbsolute(build.context) ? build.context : resolve(configDir, build.context);
      return {
        service: name,
        repository: serviceRepository(config, name),
        context,
        dockerfile: isAbsolute(build.dockerfile) ? build.dockerfile : join(context, build.dockerfile),
        target: build.target,
        buildArgs: build.args,
        secrets: build.secrets.map((secret) => ({ id: secret, env: secret })),
      };
    });
}
