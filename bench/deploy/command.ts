/** Runs one deploy command (Slipway's CLI or ansible-playbook) and times it, every output line stamped. */
import { spawn } from "node:child_process";

/** An output line and when it came, in ms since the command started. */
export interface StampedLine {
  atMs: number;
  line: string;
}

export interface CommandRun {
  argv: string[];
  exitCode: number;
  /** Wall time from spawn to exit, ms. */
  wallMs: number;
  /** Performance-clock time of the spawn, to line up with the version watch. */
  startedAt: number;
  lines: StampedLine[];
}

/** Spawns `argv` (stdin closed, so no prompt), stamps stdout and stderr lines; never throws on a failing exit. */
export function timedCommand(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<CommandRun> {
  const startedAt = performance.now();
  const lines: StampedLine[] = [];
  const child = spawn(argv[0] as string, argv.slice(1), { env, stdio: ["ignore", "pipe", "pipe"] });
  const collect = (stream: NodeJS.ReadableStream) => {
    let rest = "";
    stream.on("data", (chunk: Buffer) => {
      const atMs = Math.round(performance.now() - startedAt);
      const parts = (rest + chunk.toString()).split("\n");
      rest = parts.pop() ?? "";
      for (const line of parts) if (line.trim()) lines.push({ atMs, line });
    });
    stream.on("end", () => {
      if (rest.trim()) lines.push({ atMs: Math.round(performance.now() - startedAt), line: rest });
    });
  };
  collect(child.stdout);
  collect(child.stderr);
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) =>
      resolve({ argv, exitCode: code ?? -1, wallMs: Math.round(performance.now() - startedAt), startedAt, lines }),
    );
  });
}
