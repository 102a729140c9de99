/**
 * The compose env_file writer against its real reader: docker-compose v1 (1.29, python-dotenv) on a sandbox target
 * reads the file and resolves every value (`docker-compose config` prints the environment the container would get,
 * with `$` written as `$$`). Every value must arrive exactly as written; systemd's writer, used for compose before,
 * must not (the bug this writer fixes).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { RemoteHost } from "../../../src/remote/types.js";
import { renderComposeEnvFile } from "../../../src/render/dotenv.js";
import { renderEnvironmentFile } from "../../../src/render/systemd.js";
import { connectRenderTarget, token } from "./sandbox.js";

// biome-ignore-start lint/suspicious/noTemplateCurlyInString: literal values users' secrets hold
const VALUES: Record<string, string> = {
  DOLLAR: "pa$word",
  BRACED: "x${HOME}y",
  DEFAULT_SYNTAX: "${NOPE:-fallback}",
  BACKQUOTE: "back`tick`",
  LEAD_SINGLE: "'lead",
  LEAD_DOUBLE: '"lead',
  HASH: "a #b",
  HASH_NOSPACE: "a#b",
  BACKSLASH: "a\\b",
  DOUBLE_BACKSLASH: "a\\\\b",
  TRAILING_BACKSLASH: "end\\",
  BACKSLASH_QUOTE: "x\\'y",
  NEWLINE: "line1\nline2",
  SPACES: "  padded  ",
  EMPTY: "",
  JSON: '{"k": "v", "n": [1, 2]}',
  VERSION: "3.10",
  MODE: "0755",
  URL: "postgres://u:p%40ss@db:5432/app?sslmode=require",
};
// biome-ignore-end lint/suspicious/noTemplateCurlyInString: literal values users' secrets hold

describe("compose v1 reads the dotenv writer's env_file back exactly", () => {
  let host: RemoteHost;
  const dir = `/tmp/slipway-dotenv-${token()}`;

  beforeAll(async () => {
    ({ host } = await connectRenderTarget());
    await host.exec(["mkdir", "-p", dir]);
    await host.putFile(`${dir}/compose.yml`, "services:\n  probe:\n    image: probe\n    env_file: [./probe.env]\n", {
      mode: 0o644,
    });
  });

  afterAll(async () => {
    await host?.exec(["rm", "-rf", "--", dir], { check: false });
    await host?.close();
  });

  async function composeEnvironment(content: string): Promise<Record<string, string>> {
    await host.putFile(`${dir}/probe.env`, content, { mode: 0o600 });
    const result = await host.exec(["docker-compose", "-p", "dotenvprobe", "-f", `${dir}/compose.yml`, "config"]);
    const environment = parse(result.stdout).services.probe.environment as Record<string, string | null>;
    // `config` prints a literal `$` as `$$`, and an empty value as ''.
    return Object.fromEntries(Object.entries(environment).map(([k, v]) => [k, (v ?? "").replaceAll("$$", "$")]));
  }

  it("every value, with $, ${...}, quotes, backquotes, ' #', backslashes and a newline", async () => {
    expect(await composeEnvironment(renderComposeEnvFile(VALUES, "v1"))).toEqual(VALUES);
  });

  it("systemd's EnvironmentFile quoting read by compose changes values (why compose has its own writer)", async () => {
    const read = await composeEnvironment(renderEnvironmentFile({ DOLLAR: "pa$word", BACKQUOTE: "back`tick`" }));
    expect(read).toEqual({ DOLLAR: "pa\\$word", BACKQUOTE: "back\\`tick\\`" });
  });
});
