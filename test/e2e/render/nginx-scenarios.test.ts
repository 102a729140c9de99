/**
 * Every golden nginx scenario passes a real `nginx -t` on a sandbox target: each is written into its own throwaway
 * prefix (main nginx.conf + site + upstream includes + a self-signed cert) so the host's live config is untouched.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RemoteHost } from "../../../src/remote/types.js";
import { nginxScenarios } from "../../unit/render/scenarios.js";
import { nginxTestArgv, scenarioPrefixFiles, selfSignedCertArgv } from "./nginx-prefix.js";
import { connectRenderTarget, token } from "./sandbox.js";

describe("rendered nginx scenarios pass nginx -t on a target", () => {
  let host: RemoteHost;
  const root = `/tmp/slipway-render-${token()}`;

  beforeAll(async () => {
    ({ host } = await connectRenderTarget());
  });

  afterAll(async () => {
    await host?.exec(["rm", "-rf", "--", root], { become: true, check: false });
    await host?.close();
  });

  for (const [name, model] of Object.entries(nginxScenarios)) {
    it(name, async () => {
      const prefix = `${root}/${name}`;
      await host.exec(["mkdir", "-p", `${prefix}/slipway`], { become: true });
      for (const file of scenarioPrefixFiles(model, prefix)) {
        await host.putFile(file.path, file.content, { become: true, mode: 0o644 });
      }
      await host.exec(selfSignedCertArgv(prefix), { become: true });
      const result = await host.exec(nginxTestArgv(prefix), { become: true, check: false });
      expect(result.stderr).toContain("test is successful");
      expect(result.code).toBe(0);
    });
  }
});
