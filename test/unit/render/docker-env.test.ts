import { describe, expect, it } from "vitest";
import { formatIssue } from "../../../src/config/issues.js";
import { validateConfigText } from "../../../src/config/load.js";
import { DOCKER_ENV_LINE_MAX, renderDockerEnvFile } from "../../../src/render/docker-env.js";

describe("renderDockerEnvFile (docker run --env-file)", () => {
  it("writes NAME=value literally: no quotes, escapes or interpolation", () => {
    expect(renderDockerEnvFile({ A: 'x "q" $HOME ${B} \\ y', B: "", C: "'lead" })).toBe(
      '# Managed by Slipway (docker --env-file: values are literal).\nA=x "q" $HOME ${B} \\ y\nB=\nC=\'lead\n',
    );
  });

  it("refuses a newline and a bad name, naming the field", () => {
    expect(() => renderDockerEnvFile({ A: "one\ntwo" }, "services.api.env")).toThrow("services.api.env.A");
    expect(() => renderDockerEnvFile({ "A-B": "x" }, "services.api.env")).toThrow("A-B");
  });

  it("takes a line of docker's 64 KiB limit and refuses one byte more, in bytes not characters", () => {
    expect(DOCKER_ENV_LINE_MAX).toBe(65535);
    const fits = "x".repeat(65535 - 4);
    expect(renderDockerEnvFile({ BIG: fits })).toContain(`\nBIG=${fits}\n`);
    expect(() => renderDockerEnvFile({ BIG: `${fits}y` }, "services.api.env")).toThrow(
      'services.api.env.BIG "65536 bytes" is too long: docker\'s env file holds at most 65535 bytes a line',
    );
    // "é" is two bytes in UTF-8: 32766 of them are 65532 bytes, plus "BIG=".
    expect(() => renderDockerEnvFile({ BIG: "é".repeat(32766) })).toThrow('"65536 bytes" is too long');
  });
});

describe("validate refuses an env value docker's env file cannot hold (runtime container)", () => {
  it("at the key's line, with the size, the limit and what to do; the value itself is never shown", () => {
    const text = [
      "app: shop",
      "runtime: container",
      "services:",
      "  api:",
      "    image: nginx@sha256:" + "0".repeat(64),
      "    port: 8000",
      "    env:",
      `      BIG: ${"v".repeat(100_000)}`,
      "inventory:",
      "  hosts:",
      "    t1: { address: 10.0.0.1 }",
      "proxy:",
      "  routes: [{ path: /, service: api }]",
      "",
    ].join("\n");
    const result = validateConfigText(text, "slipway.yml");
    expect(result.ok).toBe(false);
    expect(result.issues.map(formatIssue)).toEqual([
      'slipway.yml:8:12: services.api.env.BIG: cannot be written safely: "100004 bytes" is too long: docker\'s env ' +
        'file holds at most 65535 bytes a line (NAME=value) and docker run would fail with "bufio.Scanner: token too ' +
        'long"; put the value in a file (services.*.files) and pass its path',
    ]);
  });
});
