/**
 * Shared set-up for the backup e2e tests: a connection to target t2 (others use t1), a scratch deploy dir, a small
 * Python app run as a systemd unit (serves the row count over HTTP, optionally inserts rows continuously), and clean-up
 * of everything created. Uses the sandbox loader (test/e2e/support/sandbox.ts).
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { connect } from "../../../src/remote/index.js";
import { shJoin } from "../../../src/remote/quote.js";
import type { RemoteHost } from "../../../src/remote/types.js";
import { loadSandbox, sandboxTarget } from "../support/sandbox.js";

/** t2 from the sandbox's inventory, with the key and known_hosts paths. */
export function targetT2() {
  const inventory = loadSandbox();
  const target = sandboxTarget("t2", inventory);
  return { ...target, privateKeyPath: inventory.privateKeyPath, knownHostsPath: inventory.knownHostsPath };
}

export async function connectT2(): Promise<RemoteHost> {
  const target = targetT2();
  return connect({
    name: target.name,
    host: target.host,
    port: target.port,
    user: target.user,
    privateKeyPath: target.privateKeyPath,
    knownHosts: readFileSync(target.knownHostsPath, "utf8"),
  });
}

export function token(): string {
  return randomBytes(4).toString("hex");
}

/** Runs a shell script on the host (test set-up only; the code under test never builds shell strings like this). */
export async function sh(
  host: RemoteHost,
  script: string,
  options: { become?: boolean; check?: boolean; stdin?: string } = {},
) {
  return host.exec(["sh", "-c", script], {
    become: options.become,
    check: options.check ?? true,
    stdin: options.stdin,
  });
}

export async function sqlite(host: RemoteHost, db: string, sql: string, become = false): Promise<string> {
  return (await host.exec(["sqlite3", "-bail", db], { stdin: `.timeout 30000\n${sql}\n`, become })).stdout.trim();
}

/** The test app: GET / answers `ok <rows in events>`; with `write`, a thread inserts a row every few milliseconds. */
export const APP_PY = `
import http.server, sqlite3, sys, threading, time
db, port, mode = sys.argv[1], int(sys.argv[2]), sys.argv[3]
def writer():
    c = sqlite3.connect(db, isolation_level=None, timeout=30)
    c.execute("pragma journal_mode=wal")
    while True:
        c.execute("insert into events(payload) values (hex(randomblob(64)))")
        time.sleep(0.003)
class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        c = sqlite3.connect(db, timeout=30)
        n = c.execute("select count(*) from events").fetchone()[0]
        c.close()
        body = ("ok %d\\n" % n).encode()
        self.send_response(200)
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass
if mode == "write":
    threading.Thread(target=writer, daemon=True).start()
http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()
`;

/** A system unit running the app as deploy. `name` may be a template instance (`x@blue`): pass the template name. */
export function unitFile(script: string, args: string[]): string {
  return `[Unit]
Description=slipway backup e2e app

[Service]
User=deploy
ExecStart=${shJoin(["/usr/bin/python3", script, ...args])}
Restart=no

[Install]
WantedBy=multi-user.target
`;
}

export async function installUnit(host: RemoteHost, unit: string, content: string): Promise<void> {
  await host.exec(["sh", "-c", 'cat > "/etc/systemd/system/$1"', "sh", unit], { become: true, stdin: content });
  await host.exec(["systemctl", "daemon-reload"], { become: true });
}

export async function removeUnit(host: RemoteHost, unit: string): Promise<void> {
  await host.exec(["systemctl", "stop", unit], { become: true, check: false });
  await host.exec(["rm", "-f", `/etc/systemd/system/${unit}`], { become: true, check: false });
  await host.exec(["systemctl", "daemon-reload"], { become: true, check: false });
}

export async function httpGet(host: RemoteHost, port: number): Promise<string> {
  return (await host.exec(["curl", "-fsS", "--max-time", "5", `http://127.0.0.1:${port}/`])).stdout.trim();
}

/** Waits until the app answers (it may still be binding its port just after `systemctl start`). */
export async function waitForApp(host: RemoteHost, port: number): Promise<string> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const result = await host.exec(["curl", "-fsS", "--max-time", "2", `http://127.0.0.1:${port}/`], { check: false });
    if (result.code === 0) return result.stdout.trim();
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`the app on port ${port} never answered`);
}

/** A deploy dir owned by deploy, removed by `cleanup`. */
export function deployDirFor(id: string): string {
  return `/opt/slipway-backup-e2e-${id}`;
}

export async function makeDeployDir(host: RemoteHost, id: string): Promise<string> {
  const dir = deployDirFor(id);
  await host.exec(["sh", "-c", 'mkdir -p "$1" && chown deploy:deploy "$1"', "sh", dir], { become: true });
  return dir;
}

export async function removeDir(host: RemoteHost, dir: string): Promise<void> {
  if (dir === "") return;
  if (!dir.startsWith("/opt/slipway-backup-e2e-")) throw new Error(`refusing to remove ${dir}`);
  await host.exec(["sh", "-c", 'umount "$1/backups" 2>/dev/null; rm -rf -- "$1"', "sh", dir], {
    become: true,
    check: false,
  });
}
