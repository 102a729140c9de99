import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { HostKeyError } from "../../../src/errors.js";
import { connect, type SshRemoteHost } from "../../../src/remote/index.js";
import { ED25519 } from "../../unit/remote/keys.js";
import { knownHostsText, target } from "./sandbox-targets.js";

const scratch = mkdtempSync(join(tmpdir(), "slipway-hostkeys-"));
const open: SshRemoteHost[] = [];
afterAll(async () => {
  for (const host of open) await host.close();
  rmSync(scratch, { recursive: true, force: true });
});

async function reach(spec: Parameters<typeof connect>[0], warn?: (m: string) => void) {
  const host = await connect(spec, { warn: warn ?? (() => {}), retries: 0 });
  open.push(host);
  return (await host.exec(["hostname"])).stdout.trim();
}

const t1Lines = () =>
  knownHostsText()
    .split("\n")
    .filter((line) => line.startsWith(`${target("t1").host} `));
/** What `ssh-keygen -lf` prints as fingerprints for t1's pinned keys. */
function t1Fingerprints(): string[] {
  const file = join(scratch, "t1-pins");
  writeFileSync(file, `${t1Lines().join("\n")}\n`);
  return execFileSync("ssh-keygen", ["-lf", file], { encoding: "utf8" })
    .trim()
    .split("\n")
    .map((line) => line.split(" ")[1] as string);
}

describe("host key verification", () => {
  it("refuses a changed host key and shows both fingerprints", async () => {
    const pins = `${target("t1").host} ssh-ed25519 ${ED25519.base64}\n`;
    const error = await reach(target("t1", { knownHosts: pins })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HostKeyError);
    const message = (error as HostKeyError).message;
    expect(message).toContain("SHA256:1uvNNSclQXkrFkaoTO2xnCkeuxa/8Svyd9h4x3dtC2k");
    const presented = /presented (SHA256:\S+)/.exec(message)?.[1];
    expect(t1Fingerprints()).toContain(presented);
  });

  it("accepts hashed known_hosts entries written by ssh-keygen -H", async () => {
    const file = join(scratch, "hashed");
    writeFileSync(file, `${t1Lines().join("\n")}\n`);
    execFileSync("ssh-keygen", ["-H", "-f", file], { stdio: "ignore" });
    const hashed = readFileSync(file, "utf8");
    expect(hashed).toMatch(/^\|1\|/);
    expect(hashed).not.toContain(target("t1").host);
    expect(await reach(target("t1", { knownHosts: hashed }))).toBe("t1");
  });

  it("accepts pinned SHA256 fingerprints", async () => {
    expect(await reach(target("t1", { knownHosts: undefined, fingerprints: t1Fingerprints() }))).toBe("t1");
    const wrong = target("t1", {
      knownHosts: undefined,
      fingerprints: ["SHA256:1uvNNSclQXkrFkaoTO2xnCkeuxa/8Svyd9h4x3dtC2k"],
    });
    await expect(reach(wrong)).rejects.toBeInstanceOf(HostKeyError);
  });

  it("trust-on-first-use needs its option, and then warns with the fingerprint to pin", async () => {
    const unpinned = target("t1", { knownHosts: "" });
    const error = await reach(unpinned).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HostKeyError);
    expect((error as HostKeyError).message).toMatch(/^no pinned host key for /);
    const warnings: string[] = [];
    expect(await reach({ ...unpinned, trustOnFirstUse: true }, (m) => warnings.push(m))).toBe("t1");
    expect(warnings).toHaveLength(1);
    const fingerprint = /host key is (SHA256:\S+)\./.exec(warnings[0] ?? "")?.[1];
    expect(t1Fingerprints()).toContain(fingerprint);
    expect(warnings[0]).toContain("WARNING: trusting t1");
  });
});
