/**
 * The nginx site rendered from each example's slipway.yml passes a real `nginx -t` on a sandbox target, before and
 * after its certificate exists, for either live color. Each runs in its own throwaway prefix (see nginx-prefix.ts),
 * so the host's live nginx config is untouched.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config/load.js";
import type { RemoteHost } from "../../../src/remote/types.js";
import { nginxSiteFromConfig } from "../../../src/render/from-config/index.js";
import { COLOR_SOCKET_DIR } from "../../../src/render/from-config/nginx.js";
import { EXAMPLES } from "../../unit/render/from-config/examples.js";
import { nginxTestArgv, scenarioPrefixFiles, selfSignedCertArgv } from "./nginx-prefix.js";
import { connectRenderTarget, token } from "./sandbox.js";

const CASES = Object.entries(EXAMPLES).flatMap(([name, file]) => [
  { name: `${name} (blue, no certificate yet)`, file, color: "blue" as const, tlsReady: false },
  { name: `${name} (green, certificate in place)`, file, color: "green" as const, tlsReady: true },
]);

describe("nginx sites rendered from examples/*/slipway*.yml pass nginx -t on a target", () => {
  let host: RemoteHost;
  const root = `/tmp/slipway-from-config-${token()}`;

  beforeAll(async () => {
    ({ host } = await connectRenderTarget());
    // The color listeners bind unix sockets there; a deploy makes it (tmpfiles), a target never deployed to has none.
    await host.exec(["mkdir", "-p", "--", COLOR_SOCKET_DIR], { become: true });
  });

  afterAll(async () => {
    await host?.exec(["rm", "-rf", "--", root], { become: true, check: false });
    await host?.close();
  });

  CASES.forEach(({ name, file, color, tlsReady }, i) => {
    it(name, async () => {
      const config = await loadConfig(file);
      const model = nginxSiteFromConfig(config, { color, tlsReady });
      if (!model) throw new Error(`${file} has no nginx site (proxy.mode internal)`);
      const prefix = `${root}/${i}`;
      await host.exec(["mkdir", "-p", `${prefix}/slipway`], { become: true });
      for (const f of scenarioPrefixFiles(model, prefix)) {
        await host.putFile(f.path, f.content, { become: true, mode: 0o644 });
      }
      await host.exec(selfSignedCertArgv(prefix), { become: true });
      const result = await host.exec(nginxTestArgv(prefix), { become: true, check: false });
      expect(result.stderr).toContain("test is successful");
      expect(result.code).toBe(0);
    });
  });
});
