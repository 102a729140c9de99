/**
 * Helper mode's docker: every docker and compose argv the builders make (src/commands/docker*.ts, compose.ts), with
 * `become` or without, goes to the helper's `docker APP` verb, whose gate (playbooks/files/slipway-docker) parses it,
 * checks it against the app's record and runs the argv it rebuilds. The deploy user is in no docker group, so a docker
 * call that is not translated here fails at the socket. Pure: unit tests compare the argv.
 */
import { CONTAINER_LOGS, REPLACE_CONTAINER, VOLUME_HAS_PATH } from "../commands/docker.js";
import { SlipwayError } from "../errors.js";

/** The helper verb's argv for a docker command of `app`; undefined when `argv` is no docker command. */
export function dockerGateArgs(argv: readonly string[], app: string | undefined): string[] | undefined {
  const gate = gateArgs(argv);
  if (!gate) return undefined;
  if (!app) {
    throw new SlipwayError("helper mode runs docker only for a named app", {
      step: "privilege",
      command: argv.join(" "),
      hint: "the helper's docker verb takes the app's name (slipway.yml `app:`); run this through a deploy of that app",
    });
  }
  return ["docker", app, ...gate];
}

function gateArgs(argv: readonly string[]): string[] | undefined {
  const [program = "", first = "", script = "", , ...rest] = argv;
  const base = program.replace(/^.*\//, "");
  if (base === "docker" && first === "compose") return ["compose", "v2", ...argv.slice(2)];
  if (base === "docker") return argv.slice(1);
  if (base === "docker-compose") return ["compose", "v1", ...argv.slice(1)];
  if (program !== "sh" || first !== "-c") return undefined;
  if (script === REPLACE_CONTAINER) return ["@replace", ...rest];
  if (script === CONTAINER_LOGS) return ["@logs", ...rest];
  if (script === VOLUME_HAS_PATH) return ["@volume-has", ...rest];
  return undefined;
}
