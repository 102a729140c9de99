import { describe, expect, it } from "vitest";
import { renderDockerEnvFile } from "../../../src/render/docker-env.js";

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

  it("refuses a line docker's reader cannot take (over 65535 bytes, D59), saying the size, not the value", () => {
    expect(() => renderDockerEnvFile({ BIG: "x".repeat(100_000) }, "services.api.env")).toThrow(
      'services.api.env.BIG "100004 bytes" is too long: docker env files hold at most 65535 bytes a line',
    );
    expect(renderDockerEnvFile({ BIG: "x".repeat(65_531) })).toContain(`BIG=${"x".repeat(65_531)}\n`);
  });
});
