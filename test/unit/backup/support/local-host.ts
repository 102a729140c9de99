/**
 * A RemoteHost that runs argv on this machine (no SSH, no sudo): lets unit tests drive the backup flow end to end
 * against local files with the real sqlite3/sh/gzip. `become` is ignored; every command is recorded.
 */
import { spawn } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import type { ExecOptions, ExecResult, HostFacts, RemoteHost } from "../../../../src/remote/types.js";

export class LocalHost implements RemoteHost {
  readonly name = "local";
  readonly commands: string[][] = [];
  readonly stdins: Array<string | undefined> = [];

  exec(argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    this.commands.push([...argv]);
    this.stdins.push(typeof options.stdin === "string" ? options.stdin : undefined);
    const started = Date.now();
    return new Promise((resolve, reject) => {
      const [file, ...args] = argv;
      if (!file) return reject(new Error("empty argv"));
      const child = spawn(file, args, { cwd: options.cwd, env: { ...process.env, ...options.env } });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (chunk) => {
        stdout += chunk;
      });
      child.stderr.on("data", (chunk) => {
        stderr += chunk;
      });
      child.on("error", (error) => resolve({ code: 127, signal: null, stdout, stderr: String(error), durationMs: 0 }));
      child.on("close", (code, signal) => {
        const result = { code, signal, stdout, stderr, durationMs: Date.now() - started };
        if (code !== 0 && options.check !== false) reject(new Error(`${argv.join(" ")} failed: ${stderr}`));
        else resolve(result);
      });
      child.stdin.end(typeof options.stdin === "string" || Buffer.isBuffer(options.stdin) ? options.stdin : undefined);
    });
  }

  async putFile(path: string, content: string | Buffer) {
    await writeFile(path, content);
    return { changed: true, sha256: "" };
  }

  async readFile(path: string) {
    try {
      return await readFile(path);
    } catch {
      return undefined;
    }
  }

  facts(): Promise<HostFacts> {
    throw new Error("not used by these tests");
  }

  async close() {}
}
