/**
 * The injection corpus: values that would change a rendered file's meaning must be refused with a RenderError naming
 * the field, or come out inert (escaped so the file means exactly what the model says).
 */
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { renderCompose } from "../../../src/render/compose.js";
import { RenderError } from "../../../src/render/errors.js";
import type { ComposeModel, NginxSiteModel, SystemdUnitModel } from "../../../src/render/model.js";
import { renderNginxSite, renderNginxUpstream } from "../../../src/render/nginx.js";
import { renderSystemdUnit } from "../../../src/render/systemd.js";
import { composeScenarios } from "./compose-scenarios.js";
import { nginxScenarios } from "./scenarios.js";
import { systemdScenarios } from "./systemd-scenarios.js";

const site = (): NginxSiteModel => structuredClone(nginxScenarios["subpath-harvest"]!);
const unit = (): SystemdUnitModel => structuredClone(systemdScenarios["harvest-backend"]!);
const compose = (): ComposeModel => structuredClone(composeScenarios["fastapi-flask-duckdb"]!);

function expectRefused(render: () => unknown, field: string): void {
  let caught: unknown;
  try {
    render();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(RenderError);
  expect((caught as RenderError).field).toBe(field);
  expect((caught as RenderError).message).toContain(field);
  expect((caught as RenderError).hint).toBeTruthy();
}

describe("nginx injection corpus", () => {
  const serverNames = [
    "example.com; include /etc/passwd",
    "a.com\nserver_name evil",
    "a.com}",
    'a"b.com',
    "$host",
    "a b",
  ];
  for (const bad of serverNames) {
    it(`refuses server name ${JSON.stringify(bad)}`, () => {
      const m = site();
      m.servers[0]!.serverNames = [bad];
      expectRefused(() => renderNginxSite(m), "servers[0].serverNames[0]");
    });
  }

  const paths = ["/api/{", "/api;/", "/a/../etc/", "/a b/", "/$uri/", "/api", "api/", '/a"/', "/a\n/"];
  for (const bad of paths) {
    it(`refuses location path ${JSON.stringify(bad)}`, () => {
      const m = site();
      m.servers[0]!.routes[0]!.path = bad;
      expectRefused(() => renderNginxSite(m), "servers[0].routes[0].path");
    });
  }

  const headerValues = ["a\r\nSet-Cookie: x=1", 'nosniff" always; add_header X "y', "$http_cookie", "a}b", "a\\", ""];
  for (const bad of headerValues) {
    it(`refuses header value ${JSON.stringify(bad)}`, () => {
      const m = site();
      m.securityHeaders[0]!.value = bad;
      expectRefused(() => renderNginxSite(m), "securityHeaders[0].value");
    });
  }

  it("keeps ';' inside a quoted header value inert", () => {
    const m = site();
    m.securityHeaders = [{ name: "Content-Security-Policy", value: "default-src 'self'; img-src *" }];
    expect(renderNginxSite(m)).toContain(`add_header Content-Security-Policy "default-src 'self'; img-src *" always;`);
  });

  it("refuses a CORS origin with a path or wildcard", () => {
    const m = site();
    m.servers[0]!.routes[1]!.cors!.origins = ["*"];
    expectRefused(() => renderNginxSite(m), "servers[0].routes[1].cors.origins[0]");
  });

  it("refuses an upstream host with a directive after it", () => {
    expectRefused(
      () =>
        renderNginxUpstream("harvest", { service: "backend", servers: [{ host: "1.2.3.4; down", port: 80 }] }, "/x"),
      "upstreams[backend].servers[0].host",
    );
  });

  it("refuses a root path with a brace or ..", () => {
    const m = structuredClone(nginxScenarios["static-first"]!);
    m.servers[0]!.routes[0]!.static!.root = "/srv/{x}";
    expectRefused(() => renderNginxSite(m), "servers[0].routes[0].static.root");
  });

  it("refuses a rate limit zone that was not declared", () => {
    const m = site();
    m.servers[0]!.routes[1]!.rateLimit = { zone: "nope" };
    expectRefused(() => renderNginxSite(m), "servers[0].routes[1].rateLimit.zone");
  });
});

describe("systemd injection corpus", () => {
  it("renders an Environment value with quotes, $, %, backslashes and a newline inert", () => {
    const m = unit();
    m.environment = { TRICKY: 'a "b" $HOME %i \\n\nExecStartPre=/bin/rm -rf /' };
    const line = renderSystemdUnit(m)
      .split("\n")
      .find((l) => l.startsWith("Environment="));
    expect(line).toBe('Environment="TRICKY=a \\"b\\" $HOME %%i \\\\n\\nExecStartPre=/bin/rm -rf /"');
  });

  it("refuses an environment variable name with '='", () => {
    const m = unit();
    m.environment = { "A=B": "x" };
    expectRefused(() => renderSystemdUnit(m), "environment.A=B name");
  });

  it("quotes an extra ExecStart argument with spaces and makes $ and % literal", () => {
    const m = unit();
    m.server = { kind: "gunicorn", binary: "/usr/bin/gunicorn", app: "a:b", workers: 1, timeoutSeconds: 5 };
    m.server.extraArgs = ['--name=my "app" $USER 100%', "; /bin/sh"];
    expect(renderSystemdUnit(m)).toContain(' "--name=my \\"app\\" $$USER 100%%" "; /bin/sh" a:b\n');
  });

  const refusals: Array<[string, (m: SystemdUnitModel) => void]> = [
    ["user", (m) => (m.user = "root\nExecStartPre=/bin/sh")],
    ["workingDirectory", (m) => (m.workingDirectory = "/opt/a b")],
    ["readWritePaths[0]", (m) => (m.readWritePaths = ["/var/lib/%h"])],
    ["description", (m) => (m.description = "x\n[Service]")],
    ["bindHost", (m) => (m.bindHost = "127.0.0.1 --reload")],
    ["server.app", (m) => (m.server = { ...m.server, app: "app; rm" })],
    ["server.extraArgs[0]", (m) => (m.server = { ...m.server, extraArgs: ["a\nb"] })],
    ["memoryMax", (m) => (m.memoryMax = "2G\nUser=root")],
  ];
  for (const [field, mutate] of refusals) {
    it(`refuses a bad ${field}`, () => {
      const m = unit();
      mutate(m);
      expectRefused(() => renderSystemdUnit(m), field);
    });
  }
});

describe("compose injection corpus", () => {
  it("refuses an image without a digest or a commit tag", () => {
    for (const image of ["duckapp:latest", "duckapp:0123456", `duckapp:${"a".repeat(40)}-dirty`]) {
      const m = compose();
      m.services[0]!.image = image;
      expectRefused(() => renderCompose(m), "services.backend.image");
    }
  });

  it("runs the commit tag image.delivery ssh streams (D39: init's compose config could not deploy)", () => {
    for (const tag of ["a".repeat(40), `${"b".repeat(40)}-dirty.0123456789ab`]) {
      const m = compose();
      m.services[0]!.image = `nu-dk4-backend:${tag}`;
      expect(parse(renderCompose(m)).services.backend.image).toBe(`nu-dk4-backend:${tag}`);
    }
  });

  it("refuses an environment value with a newline", () => {
    const m = compose();
    m.services[0]!.environment = { A: "x\nB=y" };
    expectRefused(() => renderCompose(m), "services.backend.environment.A");
  });

  it("refuses a volume target that is not an absolute path", () => {
    const m = compose();
    m.services[0]!.volumes = [{ volume: "data", target: "../../etc" }];
    expectRefused(() => renderCompose(m), "services.backend.volumes[0].target");
  });

  it("makes ${VAR} in a command literal", () => {
    const m = compose();
    m.services[0]!.command = ["sh", "-c", "echo ${SECRET}"];
    expect(renderCompose(m)).toContain("- echo $${SECRET}\n");
  });
});
