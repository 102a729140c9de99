/**
 * Entry of the bundled CLI (dist/cli/cli.cjs, loaded by dist/cli/index.js: _launch.ts). A single-file bundle cannot
 * discover command files at run time, so they are listed here; a unit test checks this list against the files main.ts
 * discovers.
 */

import { CliRun } from "./_run.js";
import * as backup from "./backup.js";
import * as build from "./build.js";
import * as certs from "./certs.js";
import * as config from "./config.js";
import * as deploy from "./deploy.js";
import * as exec from "./exec.js";
import * as init from "./init.js";
import * as lock from "./lock.js";
import * as logs from "./logs.js";
import { createProgram, runProgram } from "./main.js";
import * as maintenance from "./maintenance.js";
import * as plan from "./plan.js";
import * as playbook from "./playbook.js";
import * as releases from "./releases.js";
import * as remove from "./remove.js";
import * as render from "./render.js";
import * as rollback from "./rollback.js";
import * as status from "./status.js";
import * as validate from "./validate.js";

export const commandModules = [
  backup,
  build,
  certs,
  config,
  deploy,
  exec,
  init,
  lock,
  logs,
  maintenance,
  plan,
  playbook,
  releases,
  remove,
  render,
  rollback,
  status,
  validate,
];

export async function main(argv: readonly string[] = process.argv): Promise<void> {
  const run = new CliRun();
  await runProgram(createProgram(commandModules, run), argv, run);
}
