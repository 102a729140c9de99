import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
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

async function reach(spec: Parameters<typeof connect>[0], warn?: (m: string) => void, ci = false) {
  const host = await connect(spec, { warn: warn ?? (() => {}), retries: 0, ci });
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

  it("trust-on-first-use records the learned key in known_hosts; the next run checks it instead of trusting", async () => {
    const file = join(scratch, "tofu", "known_hosts");
    const first = target("t1", { knownHosts: "", trustOnFirstUse: true, knownHostsFile: file });
    const warnings: string[] = [];
    expect(await reach(first, (m) => warnings.push(m))).toBe("t1");
    expect(warnings[0]).toContain(`(recorded in ${file})`);
    const recorded = readFileSync(file, "utf8");
    expect(recorded.trim().split("\n")).toHaveLength(1);
    expect(t1Lines()).toContain(recorded.trim());
    expect(statSync(file).mode & 0o777).toBe(0o600);

    // Next run: the file is read back; the key is now pinned (no warning, nothing appended).
    const later: string[] = [];
    expect(await reach({ ...first, knownHosts: readFileSync(file, "utf8") }, (m) => later.push(m))).toBe("t1");
    expect(later).toEqual([]);
    expect(readFileSync(file, "utf8")).toBe(recorded);

    // A different key recorded for the host (what an attacker's server would present) is refused despite the option.
    const swapped = `${target("t1").host} ssh-ed25519 ${ED25519.base64}\n`;
    const error = await reach({ ...first, knownHosts: swapped }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HostKeyError);
    expect((error as HostKeyError).message).toMatch(/^host key mismatch/);
  });

  it("trust-on-first-use is refused in CI and records nothing", async () => {
    const file = join(scratch, "ci", "known_hosts");
    const spec = target("t1", { knownHosts: "", trustOnFirstUse: true, knownHostsFile: file });
    const error = await reach(spec, undefined, true).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HostKeyError);
    expect((error as HostKeyError).message).toMatch(/^trust_on_first_use is refused in CI \(CI=true\)/);
    expect(existsSync(file)).toBe(false);
  });
});
