import { describe, expect, it } from "vitest";
import { ConfigError } from "../../../src/errors.js";
import { checkConfigFiles, configFileProblems } from "../../../src/render/config-file-check.js";
import { project } from "./config-file-project.js";

/** The problems without the deploy's error object (checked on its own below). */
function found(config: Parameters<typeof configFileProblems>[0], releaseDir?: string) {
  return configFileProblems(config, releaseDir).map(({ path, message, error }) => ({
    path,
    message,
    error: { message: error.message, step: error.step, hint: error.hint },
  }));
}

describe("configFileProblems: what plan refuses about services.*.files, found without a host", () => {
  it("every template present and every placeholder listed: none", () => {
    expect(configFileProblems(project("[DB_PASSWORD, VAULT_SECRET]").config)).toEqual([]);
  });

  it("a placeholder the service does not list: plan's RenderError message and hint, at files[i].template", () => {
    expect(found(project("[DB_PASSWORD]").config)).toEqual([
      {
        path: ["services", "worker", "files", 0, "template"],
        message:
          "services.worker.files[0] (etc/instance_config.json.tpl):3 \"VAULT_SECRET\" is not in the service's `secrets`: add VAULT_SECRET to the service's secrets",
        error: {
          message:
            'services.worker.files[0] (etc/instance_config.json.tpl):3 "VAULT_SECRET" is not in the service\'s `secrets`',
          step: "render",
          hint: "add VAULT_SECRET to the service's secrets",
        },
      },
    ]);
  });

  it("a template that is not there (a typo in its name): its resolved path, relative to slipway.yml", () => {
    const { dir, config } = project("[DB_PASSWORD, VAULT_SECRET]", "etc/instance-config.json.tpl");
    expect(found(config)).toEqual([
      {
        path: ["services", "worker", "files", 0, "template"],
        message: `${dir}/etc/instance-config.json.tpl does not exist (the template path is relative to slipway.yml)`,
        error: {
          message: `services.worker.files[0].template: ${dir}/etc/instance-config.json.tpl does not exist (the template path is relative to slipway.yml)`,
          step: "config files",
          hint: "the template path is relative to slipway.yml (or to --release-dir)",
        },
      },
    ]);
  });

  it("with a release directory: the templates are read there (as the deploy reads them)", () => {
    const { dir, config } = project("[DB_PASSWORD, VAULT_SECRET]");
    expect(configFileProblems(config, dir)).toEqual([]);
    expect(found(config, "/nonexistent/release").map((p) => p.message)).toEqual([
      "/nonexistent/release/etc/instance_config.json.tpl does not exist (the template path is relative to slipway.yml)",
      "/nonexistent/release/etc/instance_config.json.tpl does not exist (the template path is relative to slipway.yml)",
    ]);
  });
});

describe("checkConfigFiles: the deploy's check before any host is connected", () => {
  it("throws plan's message and hint for the first problem as a ConfigError (exit 4); nothing when all render", () => {
    expect(() => checkConfigFiles(project("[DB_PASSWORD, VAULT_SECRET]").config)).not.toThrow();
    const thrown = (() => {
      try {
        checkConfigFiles(project("[DB_PASSWORD]").config);
      } catch (error) {
        return error;
      }
    })();
    expect(thrown).toBeInstanceOf(ConfigError);
    const { message, step, hint } = thrown as ConfigError;
    expect({ message, step, hint }).toEqual({
      message:
        'services.worker.files[0] (etc/instance_config.json.tpl):3 "VAULT_SECRET" is not in the service\'s `secrets`',
      step: "config files",
      hint: "add VAULT_SECRET to the service's secrets",
    });
  });
});
