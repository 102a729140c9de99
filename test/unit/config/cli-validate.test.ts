import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { EXIT } from "../../../src/cli/_exit.js";
import { INTERNAL_WITHOUT_PUBLIC_PORT, runValidate } from "../../../src/cli/validate.js";
import { project } from "../render/config-file-project.js";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const fixtures = `${root}test/fixtures/config/`;

describe("slipway validate", () => {
  it("exit 0 with the one-line summary", async () => {
    const output = await runValidate(`${fixtures}valid/minimal.yml`);
    expect(output).toEqual({
      exitCode: 0,
      stdout: [`${fixtures}valid/minimal.yml: valid (app shop, 1 service, 1 host, runtime container)`],
      stderr: [],
      report: { file: `${fixtures}valid/minimal.yml`, ok: true, environments: [], issues: [] },
    });
  });

  it("exit 4 (config error) with every problem and a count", async () => {
    const output = await runValidate(`${fixtures}invalid/many-errors-at-once.yml`);
    expect(output.exitCode).toBe(4);
    expect(output.report.ok).toBe(false);
    expect(output.report.issues).toHaveLength(7);
    expect(output.stderr).toHaveLength(8);
    expect(output.stderr[7]).toBe(`${fixtures}invalid/many-errors-at-once.yml: 7 problems`);
  });

  it("refuses a hook the deploy would refuse (the deploy's own parser), exit 4 with its position", async () => {
    const file = `${fixtures}hooks/unknown-module.yml`;
    const output = await runValidate(file);
    expect(output.exitCode).toBe(4);
    expect(output.report.ok).toBe(false);
    expect(output.report.issues).toEqual([
      expect.objectContaining({ line: 18, col: 15, key: "hooks.before_switch[0]" }),
    ]);
    expect(output.stderr[0]).toMatch(/unknown-module\.yml:18:15: hooks\.before_switch\[0\]: unknown module "shel"/);
  });

  it("refuses a files template plan would refuse (missing, or an unlisted secret), exit 4 at files[i].template", async () => {
    const typo = project("[DB_PASSWORD, VAULT_SECRET]", "etc/instance-config.json.tpl");
    const missing = await runValidate(typo.file);
    expect(missing.exitCode).toBe(EXIT.config);
    expect(missing.stdout).toEqual([]);
    expect(missing.stderr).toEqual([
      `${typo.file}:17:19: services.worker.files[0].template: ${typo.dir}/etc/instance-config.json.tpl does not exist (the template path is relative to slipway.yml)`,
      `${typo.file}: 1 problem`,
    ]);
    const unlisted = project("[DB_PASSWORD]");
    const output = await runValidate(unlisted.file);
    expect(output.exitCode).toBe(EXIT.config);
    expect(output.report.issues).toEqual([
      {
        file: unlisted.file,
        line: 17,
        col: 19,
        key: "services.worker.files[0].template",
        message:
          "services.worker.files[0] (etc/instance_config.json.tpl):3 \"VAULT_SECRET\" is not in the service's `secrets`: add VAULT_SECRET to the service's secrets",
      },
    ]);
    expect((await runValidate(project("[DB_PASSWORD, VAULT_SECRET]").file)).exitCode).toBe(EXIT.ok);
  });

  it("accepts a hook's renamed module argument (exit 0) and warns on stderr with its position and the new name", async () => {
    const output = await runValidate(`${fixtures}hooks/renamed-argument.yml`);
    expect(output.exitCode).toBe(0);
    expect(output.stderr).toEqual([
      expect.stringMatching(
        /^warning: .*renamed-argument\.yml:22:7: hooks\.before_switch\[0\]\.backup\.keep: `keep` is deprecated: write `backups\.keep`$/,
      ),
    ]);
  });

  it("internal mode: SSH port as public_port refused at the key; no public_port at all valid with a warning", async () => {
    const ssh = await runValidate(`${fixtures}invalid/public-port-ssh.yml`);
    expect(ssh.exitCode).toBe(EXIT.config);
    expect(ssh.report.issues.map((i) => `${i.line}:${i.col} ${i.key}`)).toEqual(["8:18 services.frontend.public_port"]);
    const dir = mkdtempSync(join(tmpdir(), "slipway-validate-"));
    const text = readFileSync(`${fixtures}invalid/public-port-ssh.yml`, "utf8").replace("    public_port: 22\n", "");
    writeFileSync(join(dir, "slipway.yml"), text);
    const none = await runValidate(join(dir, "slipway.yml"));
    expect(none.exitCode).toBe(EXIT.ok);
    expect(none.stderr).toEqual([`warning: ${INTERNAL_WITHOUT_PUBLIC_PORT}`]);
  });

  it("drain: 0s: valid (a choice for speed) with a warning that in-flight requests are cut; not under stop-first", async () => {
    const dir = mkdtempSync(join(tmpdir(), "slipway-validate-"));
    const minimal = readFileSync(`${fixtures}valid/minimal.yml`, "utf8");
    writeFileSync(join(dir, "slipway.yml"), `${minimal}drain: 0s\n`);
    const zero = await runValidate(join(dir, "slipway.yml"));
    expect(zero.exitCode).toBe(EXIT.ok);
    expect(zero.stderr).toEqual([
      "warning: drain is 0s: the old color stops right after the switch, cutting the requests still in flight to it (502s and connection errors under load); a drain of a few seconds lets them finish (it ends as soon as no connection is left; default 5s)",
    ]);
    writeFileSync(join(dir, "slipway.yml"), `${minimal}drain: 0s\nstrategy: stop-first\n`);
    expect((await runValidate(join(dir, "slipway.yml"))).stderr).toEqual([]);
    writeFileSync(join(dir, "slipway.yml"), `${minimal}drain: 1s\n`);
    expect((await runValidate(join(dir, "slipway.yml"))).stderr).toEqual([]);
  });

  it("runtime swarm: valid (exit 0) without a warning (the deploy runs stacks)", async () => {
    const output = await runValidate(`${fixtures}valid/swarm.yml`);
    expect(output.exitCode).toBe(0);
    expect(output.stderr).toEqual([]);
  });

  it("runtime swarm with secrets: valid (exit 0), warned that each is a file, not an env var (D49)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "slipway-validate-"));
    const text = readFileSync(`${fixtures}valid/swarm.yml`, "utf8").replace(
      "    port: 8000\n",
      "    port: 8000\n    secrets: [SECRET_KEY]\n",
    );
    writeFileSync(join(dir, "slipway.yml"), text);
    const output = await runValidate(join(dir, "slipway.yml"));
    expect(output.exitCode).toBe(0);
    expect(output.stderr).toEqual([
      "warning: services.web.secrets: runtime swarm gives the app each secret as a file, not as an environment variable as the other runtimes do: SECRET_KEY as /run/secrets/SECRET_KEY (SECRET_KEY_FILE); an app that reads only the variable runs without it, so read the file (or the _FILE variable) in the app",
    ]);
  });

  it("--env checks that environment only; an unknown one fails", async () => {
    expect((await runValidate(`${fixtures}valid/overlays.yml`, { env: "staging" })).stdout).toEqual([
      `${fixtures}valid/overlays.yml [staging]: valid (app shop, 1 service, 1 host, runtime container)`,
    ]);
    expect((await runValidate(`${fixtures}valid/overlays.yml`, { env: "qa" })).exitCode).toBe(4);
  });

  it("a missing file is exit 1 (a local file that cannot be read, docs/cli.md), not 4 (invalid config)", async () => {
    const file = `${fixtures}nope.yml`;
    expect(await runValidate(file)).toEqual({
      exitCode: 1,
      stdout: [],
      stderr: [`${file}: file not found`],
      report: { file, ok: false, issues: [{ file, line: 0, col: 0, key: "", message: "file not found" }] },
    });
  });

  it("bin/slipway.js runs the CLI from source (through tsx) and sets the exit code", async () => {
    const run = promisify(execFile);
    const ok = await run(process.execPath, ["bin/slipway.js", "validate", "-c", "examples/harvest/slipway.yml"], {
      cwd: root,
    });
    expect(ok.stdout).toBe(
      "examples/harvest/slipway.yml: valid (app harvest, 2 services, 2 hosts, runtime systemd; environments staging)\n",
    );
    const bad = await run(
      process.execPath,
      ["bin/slipway.js", "validate", "-c", "test/fixtures/config/invalid/port-string.yml"],
      {
        cwd: root,
      },
    ).catch((error: { code: number; stderr: string }) => error);
    expect("code" in bad && bad.code).toBe(4);
    expect(bad.stderr).toContain(
      'port-string.yml:7:11: services.web.port: expected a port number (1-65535), found "8000"',
    );
  }, 30_000);
});
