/** Slipway's built-in modules. Other issues' modules (nginx, certbot, backup, switch, release) register here too. */
import { ModuleRegistry } from "../engine/registry.js";
import type { Module } from "../engine/types.js";
import { aptModule } from "./apt.js";
import { assertModule } from "./assert.js";
import { commandModule } from "./command.js";
import { composeModule } from "./compose.js";
import { copyModule } from "./copy.js";
import { debugModule } from "./debug.js";
import { dockerContainerModule } from "./docker_container.js";
import { dockerImageModule } from "./docker_image.js";
import { fileModule } from "./file.js";
import { httpWaitModule } from "./http_wait.js";
import { lockModule } from "./lock.js";
import { systemdModule } from "./systemd.js";
import { templateModule } from "./template.js";
import { userModule } from "./user.js";

export const builtinModules: readonly Module[] = [
  aptModule,
  assertModule,
  commandModule,
  composeModule,
  copyModule,
  debugModule,
  dockerContainerModule,
  dockerImageModule,
  fileModule,
  httpWaitModule,
  lockModule,
  systemdModule,
  templateModule,
  userModule,
] as Module[];

/** A fresh registry with the built-in modules; add more with `.register(module)`. */
export function defaultRegistry(): ModuleRegistry {
  return new ModuleRegistry(builtinModules);
}
