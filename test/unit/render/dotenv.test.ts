/** Exact values of the compose env_file writer; the real docker-compose v1 reads them back in test/e2e/render/dotenv-compose.test.ts. */
import { describe, expect, it } from "vitest";
import { renderDockerEnvFile } from "../../../src/render/docker-env.js";
import { dotenvValue, renderComposeEnvFile } from "../../../src/render/dotenv.js";
import { RenderError } from "../../../src/render/errors.js";

describe("compose env_file (dotenv) writer", () => {
  it("v1: backslashes and ${ go through an unset empty name's default; quotes escaped; newline kept", () => {
    expect(dotenvValue("pa$word", "v1", "f")).toBe("pa$word");
    expect(dotenvValue("x${HOME}y", "v1", "f")).toBe("x${:-$}{HOME}y");
    expect(dotenvValue("back`tick", "v1", "f")).toBe("back`tick");
    expect(dotenvValue("'lead", "v1", "f")).toBe("\\'lead");
    expect(dotenvValue('"lead', "v1", "f")).toBe('"lead');
    expect(dotenvValue("a #b", "v1", "f")).toBe("a #b");
    expect(dotenvValue("end\\", "v1", "f")).toBe("end${:-\\}");
    expect(dotenvValue("a\\\\b", "v1", "f")).toBe("a${:-\\}${:-\\}b");
    expect(dotenvValue("l1\nl2", "v1", "f")).toBe("l1\nl2");
  });

  it("v2 and any: single quotes, \\' for a quote; what has no documented form is refused, value masked", () => {
    expect(dotenvValue("it's $HOME ${HOME} #x", "v2", "f")).toBe("it\\'s $HOME ${HOME} #x");
    expect(dotenvValue("it's a #b", "any", "f")).toBe("it\\'s a #b");
    expect(() => dotenvValue("l1\nl2", "v2", "env.X")).toThrow(
      'env.X "**\\n**" has a newline; compose v2 would read it differently',
    );
    expect(() => dotenvValue("end\\", "v2", "f")).toThrow("has a backslash before a quote or at the end");
    expect(() => dotenvValue("x${HOME}", "any", "f")).toThrow("has ${ (compose v1 interpolates it, v2 does not)");
    expect(() => dotenvValue("a\rb", "v1", "f")).toThrow(RenderError);
  });

  it("a whole file: one quoted line per variable, names checked", () => {
    expect(renderComposeEnvFile({ A: "1", B: "x y" }, "v1")).toBe("# Managed by Slipway.\nA='1'\nB='x y'\n");
    expect(() => renderComposeEnvFile({ "A-B": "1" }, "v1")).toThrow("is not a variable name");
  });
});

describe("docker --env-file writer", () => {
  it("literal NAME=value lines; a newline is refused", () => {
    expect(renderDockerEnvFile({ A: 'it\'s "$HOME" #x' })).toBe(
      '# Managed by Slipway (docker --env-file: values are literal).\nA=it\'s "$HOME" #x\n',
    );
    expect(() => renderDockerEnvFile({ A: "l1\nl2" })).toThrow("has a newline, which docker env files cannot hold");
  });
});
