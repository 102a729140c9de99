/** Slipway's built-in modules; every module file registers here. */
import { ModuleRegistry } from "../engine/registry.js";
import type { Module } from "../engine/types.js";
import { aptModule } from "./apt.js";
import { assertModule } from "./assert.js";
import { backupModule } from "./backup.js";
import { certbotModule } from "./certbot.js";
import { commandModule } from "./command.js";
import { composeModule } from "./compose.js";
import { copyModule } from "./copy.js";
import { debugModule } from "./debug.js";
import { dockerBuildModule } from "./docker_build.js";
import { dockerContainerModule } from "./docker_container.js";
import { dockerImageModule } from "./docker_image.js";
import { fileModule } from "./file.js";
import { httpWaitModule } from "./http_wait.js";
import { imageDeliveryModule } from "./image_delivery.js";
import { lockModule } from "./lock.js";
import { nginxSiteModule } from "./nginx_site.js";
import { swarmModule } from "./swarm.js";
import { systemdModule } from "./systemd.js";
import { templateModule } from "./template.js";
import { userModule } from "./user.js";

export const builtinModules: readonly Module[] = [
  aptModule,
  assertModule,
  backupModule,
  certbotModule,
  commandModule,
  composeModule,
  copyModule,
  debugModule,
  dockerBuildModule,
  dockerContainerModule,
  dockerImageModule,
  fileModule,
  httpWaitModule,
  imageDeliveryModule,
  lockModule,
  nginxSiteModule,
  swarmModule,
  systemdModule,
  templateModule,
  userModule,
] as Module[];

/** A fresh registry with the built-in modules; add more with `.register(module)`. */
export function defaultRegistry(): ModuleRegistry {
  return new ModuleRegistry(builtinModules);
}
