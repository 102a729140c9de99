/**
 * Preload for `profile.ts --trace` (source CLI only: the bundle inlines its own ssh2): every SSH exec the CLI sends,
 * stamped in ms since the process started, with its duration and whether it runs sudo, as one `TRACE {json}` line
 * on stderr. Counts round trips and sudo spawns on real hosts; changes nothing the CLI does.
 */
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const { Client } = require("ssh2");
const exec = Client.prototype.exec;
// The command's own text: the process-group wrapper (src/remote/command.ts) puts the argv after its preamble.
const shorten = (command) =>
  command
    .replace(/^\/bin\/sh -c '\{ read -r l .*?>&2; (exec )?/, "")
    .replace(/\s+/g, " ")
    .slice(0, 400);
const sudoSpawns = (command) => (command.match(/sudo -n/g) ?? []).length;

Client.prototype.exec = function traced(command, ...rest) {
  const at = Math.round(performance.now());
  const callback = rest[rest.length - 1];
  const wrapped = (error, channel) => {
    if (!error && channel) {
      channel.once("close", () => {
        const line = { at, ms: Math.round(performance.now()) - at, sudo: sudoSpawns(command), cmd: shorten(command) };
        process.stderr.write(`TRACE ${JSON.stringify(line)}\n`);
      });
    }
    return callback(error, channel);
  };
  return exec.call(this, command, ...rest.slice(0, -1), wrapped);
};
