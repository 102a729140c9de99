// e2e-targets: none
/**
 * `slipway config` through the real program on a sandbox config (examples/flask-docker with its production overlay):
 * the merged YAML and --json carry the overlay and the defaults, a secret set in the environment shows by name and
 * never by value, --help, and its errors with their exit codes. It reads no server.
 */
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { REPO_ROOT } from "../support/sandbox.js";
import { slipway } from "./cli.js";

const CONFIG = `${REPO_ROOT}/examples/flask-docker/slipway.yml`;
const SECRET = "config-e2e-4b1d9c";

describe("slipway config (examples/flask-docker)", () => {
  it("prints the merged production config: overlay applied, defaults filled in, the secret by name only", async () => {
    process.env.SECRET_KEY = SECRET;
    const ran = await slipway("config", "-c", CONFIG, "--env", "production");
    expect(ran.code, ran.stderr).toBe(0);
    expect(ran.stdout).toContain("# secret SECRET_KEY: set here; used by services.backend.secrets\n");
    expect(ran.stdout).not.toContain(SECRET);
    const merged = parse(ran.stdout);
    expect(merged.proxy.domains).toEqual(["notes.example.com"]);
    expect(merged.tls.acme_server).toBe("https://acme-v02.api.letsencrypt.org/directory");
    expect(merged.services.backend.secrets).toEqual(["SECRET_KEY"]);
    expect(merged.services.backend.health.interval).toBe("2s");
    expect(merged.inventory.ssh.port).toBe(22);
  });

  it("--json: one document with the secrets' names and whether each is set", async () => {
    delete process.env.SECRET_KEY;
    const ran = await slipway("config", "-c", CONFIG, "--json");
    expect(ran.code, ran.stderr).toBe(0);
    const out = JSON.parse(ran.stdout);
    expect(out.secrets).toEqual([{ name: "SECRET_KEY", usedBy: ["services.backend.secrets"], set: false }]);
    expect(out.config.proxy.domains).toEqual(["notes.e2e.test"]);
  });

  it("--help and the errors: unknown --env (4), missing file (1), -e (5)", async () => {
    const help = await slipway("config", "--help");
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("--env <name>");
    const unknown = await slipway("config", "-c", CONFIG, "--env", "prod");
    expect(unknown.code).toBe(4);
    expect(unknown.stderr).toContain("did you mean `production`?");
    const missing = await slipway("config", "-c", `${REPO_ROOT}/nope/slipway.yml`);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("file not found");
    expect((await slipway("config", "-c", CONFIG, "-e", "production")).code).toBe(5);
  });
});
