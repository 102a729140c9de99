import { type ChildProcess, execFile, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/**
 * A second, authenticated registry for the credential tests: TLS with a throwaway self-signed certificate and an
 * htpasswd user, on <gateway>:5001. Docker trusts it through /etc/docker/certs.d/<host:port>/ca.crt (read per
 * connection, so no daemon restart and no insecure-registries change). Needs `htpasswd` (apache2-utils).
 */
export interface AuthRegistry {
  address: string;
  username: string;
  password: string;
  caCert: string;
  stop(): Promise<void>;
}

export async function startAuthRegistry(host: string, port: number): Promise<AuthRegistry> {
  const dir = await mkdtemp(join(tmpdir(), "slipway-auth-registry-"));
  const address = `${host}:${port}`;
  const username = "slipway-e2e";
  const password = `pw-${randomBytes(12).toString("hex")}`;
  await run("openssl", [
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-days",
    "1",
    "-subj",
    `/CN=${host}`,
    "-addext",
    `subjectAltName=IP:${host}`,
    "-keyout",
    join(dir, "key.pem"),
    "-out",
    join(dir, "cert.pem"),
  ]);
  const htpasswd = await runWithInput("htpasswd", ["-niB", username], `${password}\n`);
  await writeFile(join(dir, "htpasswd"), htpasswd);
  await writeFile(
    join(dir, "config.yml"),
    [
      "version: 0.1",
      "log: { level: warn }",
      `storage: { filesystem: { rootdirectory: ${join(dir, "data")} }, delete: { enabled: true } }`,
      `http: { addr: "${address}", tls: { certificate: ${join(dir, "cert.pem")}, key: ${join(dir, "key.pem")} } }`,
      `auth: { htpasswd: { realm: slipway-e2e, path: ${join(dir, "htpasswd")} } }`,
      "",
    ].join("\n"),
  );
  const caCert = await run("cat", [join(dir, "cert.pem")]).then((r) => r.stdout);
  const certsDir = `/etc/docker/certs.d/${address}`;
  await mkdir(certsDir, { recursive: true });
  await writeFile(join(certsDir, "ca.crt"), caCert);

  const child: ChildProcess = spawn("docker-registry", ["serve", join(dir, "config.yml")], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const deadline = Date.now() + 20_000;
  for (;;) {
    const probe = await run("curl", [
      "-s",
      "-o",
      "/dev/null",
      "-w",
      "%{http_code}",
      "--cacert",
      join(dir, "cert.pem"),
      `https://${address}/v2/`,
    ]).catch(() => ({ stdout: "" }));
    if (probe.stdout === "401") break;
    if (Date.now() > deadline || child.exitCode !== null) {
      child.kill();
      throw new Error(`authenticated registry did not start on ${address}: ${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    address,
    username,
    password,
    caCert,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGTERM");
        await exited;
      }
      await rm(certsDir, { recursive: true, force: true });
      await rm(dir, { recursive: true, force: true });
    },
  };
}

function runWithInput(command: string, args: string[], input: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["pipe", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      err += chunk.toString();
    });
    child.on("error", (error: NodeJS.ErrnoException) =>
      reject(
        error.code === "ENOENT"
          ? new Error(`${command} is not installed (htpasswd: apt-get install apache2-utils)`)
          : error,
      ),
    );
    child.on("close", (code) => (code === 0 ? resolve(out) : reject(new Error(`${command} failed: ${err}`))));
    child.stdin.end(input);
  });
}
