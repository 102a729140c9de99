// Preloaded (`node --import`) into the CLI by bench/deploy/cli-start.ts: on exit prints one `START_MARKS {...}` line
// on stderr with the process's CPU time and, in ms since the process began (performance.now()), when the first TCP
// connection was made (the SSH connect) and when the first remote command was sent (set by the marker cli-start.ts
// puts into ssh2's Client.exec in its copy of the bundle).
import net from "node:net";

const marks = { firstConnectMs: null };
const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) {
  marks.firstConnectMs ??= Math.round(performance.now());
  return connect.apply(this, args);
};
process.on("exit", () => {
  const cpu = process.cpuUsage();
  const firstExecMs = globalThis.__slipwayFirstExec ?? null;
  const line = {
    ...marks,
    firstExecMs: firstExecMs === null ? null : Math.round(firstExecMs),
    exitMs: Math.round(performance.now()),
    cpuMs: Math.round((cpu.user + cpu.system) / 1000),
  };
  process.stderr.write(`START_MARKS ${JSON.stringify(line)}\n`);
});
