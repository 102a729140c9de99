/**
 * The `docker run --env-file` writer (runtime container) against its real reader: dockerd on a sandbox target creates
 * a container from the file and `docker inspect` prints the environment it would start with. Every value a user's
 * secret may hold must arrive exactly as written; the systemd quoting the runtime used before must not.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RemoteHost } from "../../../src/remote/types.js";
import { renderDockerEnvFile } from "../../../src/render/docker-env.js";
import { connectRenderTarget, token } from "./sandbox.js";

// biome-ignore-start lint/suspicious/noTemplateCurlyInString: literal values users' secrets hold
const VALUES: Record<string, string> = {
  DOLLAR: "pa$word",
  BRACED: "x${HOME}y",
  BACKQUOTE: "back`tick`",
  LEAD_SINGLE: "'lead",
  LEAD_DOUBLE: '"lead',
  QUOTED: '"both"',
  HASH: "a #b",
  BACKSLASH: "a\\b",
  TRAILING_BACKSLASH: "end\\",
  SPACES: "  padded  ",
  EMPTY: "",
  EQUALS: "a=b=c",
  JSON: '{"k": "v", "n": [1, 2]}',
  VERSION: "3.10",
  URL: "postgres://u:p%40ss@db:5432/app?sslmode=require",
};
// biome-ignore-end lint/suspicious/noTemplateCurlyInString: literal values users' secrets hold

describe("docker --env-file reads the docker writer's file back exactly", () => {
  let host: RemoteHost;
  const id = token();
  const dir = `/tmp/slipway-dockerenv-${id}`;
  const image = `slipway-envprobe-${id}`;
  const container = `slipway-envprobe-${id}`;
  const sudo = { become: true };

  beforeAll(async () => {
    ({ host } = await connectRenderTarget());
    await host.exec(["mkdir", "-p", dir]);
    // An empty image: `docker create` only needs one to exist (nothing is run).
    await host.exec(["sh", "-c", `tar -cf - -T /dev/null | docker import - ${image}`], sudo);
  });

  afterAll(async () => {
    await host?.exec(["docker", "rm", "--force", container], { ...sudo, check: false });
    await host?.exec(["docker", "image", "rm", "--force", image], { ...sudo, check: false });
    await host?.exec(["rm", "-rf", "--", dir], { check: false });
    await host?.close();
  });

  async function dockerEnvironment(content: string): Promise<Record<string, string>> {
    await host.putFile(`${dir}/probe.env`, content, { mode: 0o600 });
    await host.exec(["docker", "rm", "--force", container], { ...sudo, check: false });
    await host.exec(["docker", "create", "--name", container, "--env-file", `${dir}/probe.env`, image, "/none"], sudo);
    const out = await host.exec(["docker", "inspect", "--format", "{{json .Config.Env}}", container], sudo);
    const env = JSON.parse(out.stdout) as string[];
    return Object.fromEntries(env.map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]));
  }

  it("every value, with $, ${...}, quotes, backquotes, ' #', backslashes, '=' and spaces", async () => {
    expect(await dockerEnvironment(renderDockerEnvFile(VALUES))).toEqual(VALUES);
  });

  it("a value with a newline is refused with the variable's name (docker would split it)", () => {
    expect(() => renderDockerEnvFile({ KEY: "line1\nline2" }, "services.api.env")).toThrow("services.api.env.KEY");
  });
});
