import { describe, expect, it } from "vitest";
import { nginxReload } from "../../../src/commands/nginx.js";
import { identityRedactor, type ModuleContext } from "../../../src/engine/types.js";
import { applyNginxSite, applyNginxUpstream } from "../../../src/install/apply.js";
import { nginxSiteModule } from "../../../src/modules/nginx_site.js";
import { FakeHost } from "../engine/fake-host.js";

const RELOAD = nginxReload().argv.join(" ");

import { nginxScenarios } from "../render/scenarios.js";

const model = nginxScenarios["same-domain-api"]!;

function context(host: FakeHost, check: boolean): ModuleContext {
  return {
    host,
    check,
    diff: true,
    become: true,
    facts: undefined,
    vars: {},
    redactor: identityRedactor,
    baseDir: "/",
    step: "nginx site",
  };
}

describe("applyNginxSite", () => {
  it("writes the upstream includes before the site, then runs nginx -t and reloads", async () => {
    const host = new FakeHost();
    const result = await applyNginxSite(host, model, { become: true });
    expect(result.files.map((f) => f.path)).toEqual([
      "/etc/nginx/slipway/harvest-frontend.upstream.conf",
      "/etc/nginx/slipway/harvest-backend.upstream.conf",
      "/etc/nginx/conf.d/slipway-harvest.conf",
    ]);
    expect(host.ran).toEqual([
      "mkdir -p -- /etc/nginx/slipway /var/www/slipway-acme",
      "<putFile> /etc/nginx/slipway/harvest-frontend.upstream.conf",
      "<putFile> /etc/nginx/slipway/harvest-backend.upstream.conf",
      "<putFile> /etc/nginx/conf.d/slipway-harvest.conf",
      "nginx -t",
      RELOAD,
    ]);
  });

  it("switches an upstream to the other color's port with only that file changing", async () => {
    const host = new FakeHost();
    await applyNginxSite(host, model, { become: true });
    host.commands.length = 0;
    const result = await applyNginxUpstream(
      host,
      "harvest",
      { service: "backend", servers: [{ host: "127.0.0.1", port: 5002 }] },
      "/etc/nginx/slipway",
      { become: true },
    );
    expect(result.diff).toContain("-    server 127.0.0.1:5001;\n+    server 127.0.0.1:5002;");
    expect(host.ran).toEqual([
      "<putFile> /etc/nginx/slipway/harvest-backend.upstream.conf.slipway-prev",
      "<putFile> /etc/nginx/slipway/harvest-backend.upstream.conf",
      "nginx -t",
      RELOAD,
    ]);
  });
});

describe("nginx_site module", () => {
  it("in check mode reports the change and its diff without touching the host", async () => {
    const host = new FakeHost();
    const result = await nginxSiteModule.run(context(host, true), { site: model });
    expect(result.status).toBe("changed");
    expect(result.diff?.path).toBe("/etc/nginx/conf.d/slipway-harvest.conf");
    expect(String(result.data?.diff)).toContain("+upstream harvest_backend {");
    expect(host.ran).toEqual([]);
  });

  it("is ok (unchanged) the second time", async () => {
    const host = new FakeHost();
    await nginxSiteModule.run(context(host, false), { site: model });
    expect((await nginxSiteModule.run(context(host, false), { site: model })).status).toBe("ok");
  });
});
