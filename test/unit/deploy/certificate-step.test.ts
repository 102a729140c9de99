/**
 * The deploy's certificate step on the in-memory host: certbot runs only when the certificate is missing, lacks a
 * name or is due; before it runs, the site with this config's names is in place (upstreams on the live color, the
 * idle one on a first deploy); a failure puts the site files back as they were.
 */
import { describe, expect, it } from "vitest";
import { CertificateError } from "../../../src/certs/index.js";
import type { Color, SlipwayConfig } from "../../../src/config/index.js";
import { certificateStep } from "../../../src/deploy/steps/certificate.js";
import type { FlowState } from "../../../src/deploy/steps/types.js";
import { loadConfigText } from "../../support/config-text.js";
import { selfSigned } from "../certs/self-signed.js";
import { FakeHost } from "../engine/fake-host.js";

const SITE = "/etc/nginx/conf.d/slipway-shop.conf";
const UPSTREAM = "/etc/nginx/slipway/shop-web.upstream.conf";
const CERT = "/etc/letsencrypt/live/shop.example/fullchain.pem";

async function config(
  domains: string[],
  tls = "tls: { enabled: true, email: ops@shop.example }",
): Promise<SlipwayConfig> {
  return loadConfigText(
    `app: shop
runtime: systemd
deploy_dir: /opt/shop
services:
  web:
    build: { context: web }
    port: 5001
    systemd: { app_module: "shop:app" }
inventory:
  ssh: { user: deploy }
  hosts:
    h1: { address: 10.0.0.1 }
proxy:
  domains: [${domains.join(", ")}]
  switch: reload
  routes:
    - { path: /, service: web }
${tls}
`,
  );
}

/** A host whose certbot issues a 90-day certificate for the `-d` names; certbot.timer exists and runs. */
function hostWithCertbot(exitCode = 0): FakeHost {
  const host = new FakeHost("h1");
  host.handlers.set("certbot", (argv) => {
    if (exitCode !== 0) return { code: exitCode, stderr: "Challenge failed for domain shop.example" };
    const names = argv.flatMap((a, i) => (argv[i - 1] === "-d" ? [a] : []));
    host.writeFile(CERT, selfSigned(names, 90));
    return { stdout: "Successfully received certificate." };
  });
  host.handlers.set("systemctl", (argv) => {
    const answers: Record<string, string> = { show: "loaded", "is-enabled": "enabled", "is-active": "active" };
    return { stdout: `${answers[argv[1] as string] ?? ""}\n` };
  });
  return host;
}

function flowState(host: FakeHost, cfg: SlipwayConfig, liveColor: Color | null, lines: string[] = []): FlowState {
  return {
    run: { host, config: cfg },
    liveColor,
    idle: liveColor === "blue" ? "green" : "blue",
    role: { switches: true, services: Object.keys(cfg.services) },
    say: (line: string) => lines.push(line),
  } as unknown as FlowState;
}

const certbotRuns = (host: FakeHost) => host.commands.filter((c) => c.argv[0] === "certbot");

describe("the deploy's certificate step", () => {
  it("a first deploy with no certificate puts the site in for the challenge, then gets one for every name", async () => {
    const host = hostWithCertbot();
    const cfg = await config(["shop.example", "api.shop.example"]);
    const result = await certificateStep.run(flowState(host, cfg, null));
    expect(result).toMatchObject({
      status: "changed",
      data: { requested: true, names: ["shop.example", "api.shop.example"] },
    });
    const [certbot] = certbotRuns(host);
    expect(certbot?.argv.slice(0, 9)).toEqual([
      "certbot",
      "certonly",
      "--webroot",
      "-w",
      "/var/www/slipway-acme",
      "-d",
      "shop.example",
      "-d",
      "api.shop.example",
    ]);
    // The site (HTTP only: no certificate yet) was in place before certbot ran, its upstream on the idle color.
    const sitePut = host.ran.indexOf(`<putFile> ${SITE}`);
    expect(sitePut).toBeGreaterThanOrEqual(0);
    expect(sitePut).toBeLessThan(host.ran.findIndex((c) => c.startsWith("certbot ")));
    expect(host.files.get(SITE)?.content).toContain("server_name shop.example api.shop.example;");
    expect(host.files.get(SITE)?.content).not.toContain("ssl_certificate");
    expect(host.files.get(UPSTREAM)?.content).toContain("server 127.0.0.1:5001;");
  });

  it("an app host of a load-balancer layout (no nginx site there) gets no certificate and no site", async () => {
    const host = hostWithCertbot();
    const cfg = await config(["shop.example"]);
    const state = { ...flowState(host, cfg, null), role: { switches: false, services: ["web"] } } as FlowState;
    expect(await certificateStep.run(state)).toEqual({ status: "skipped", message: "no nginx site on this host" });
    expect(host.ran).toEqual([]);
  });

  it("a certificate that covers every name and is not due: no certbot, no site change", async () => {
    const host = hostWithCertbot();
    host.writeFile(CERT, selfSigned(["shop.example", "api.shop.example"], 90));
    const cfg = await config(["shop.example", "api.shop.example"]);
    await certificateStep.run(flowState(host, cfg, "green"));
    const second = await certificateStep.run(flowState(host, cfg, "green"));
    expect(second).toMatchObject({ status: "ok", data: { requested: false } });
    expect(certbotRuns(host)).toEqual([]);
    expect(host.files.has(SITE)).toBe(false);
  });

  it("a certificate lacking a new name: the site with the new name goes in on the live color, then certbot", async () => {
    const host = hostWithCertbot();
    host.writeFile(CERT, selfSigned(["shop.example"], 90));
    const cfg = await config(["shop.example", "www.shop.example"]);
    const result = await certificateStep.run(flowState(host, cfg, "green"));
    expect(result.data).toEqual({ requested: true, names: ["shop.example", "www.shop.example"] });
    expect(host.files.get(UPSTREAM)?.content).toContain("server 127.0.0.1:15001;");
    // The old certificate still serves the HTTPS block until the switch.
    expect(host.files.get(SITE)?.content).toContain(`ssl_certificate ${CERT};`);
  });

  it("a certificate due for renewal is renewed through the site already there (no site install)", async () => {
    const host = hostWithCertbot();
    host.writeFile(CERT, selfSigned(["shop.example"], 10));
    const result = await certificateStep.run(flowState(host, await config(["shop.example"]), "green"));
    expect(result.data).toEqual({ requested: true, names: ["shop.example"] });
    expect(host.files.has(SITE)).toBe(false);
  });

  it("certbot failing stops the step; undo takes out the site it put in (first deploy) and reloads nginx", async () => {
    const host = hostWithCertbot(1);
    const state = flowState(host, await config(["shop.example"]), null);
    const error = await certificateStep.run(state).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CertificateError);
    expect((error as CertificateError).message).toBe("certbot could not get a certificate for shop.example");
    expect(host.files.has(SITE)).toBe(true);
    expect(await certificateStep.undo?.(state)).toBeUndefined();
    expect(host.files.has(SITE)).toBe(false);
    expect(host.files.has(UPSTREAM)).toBe(false);
    expect(host.ran.at(-1)).toMatch(/nginx\.pid$/);
  });

  it("undo after a names change puts the previous site file back", async () => {
    const host = hostWithCertbot(1);
    host.writeFile(CERT, selfSigned(["shop.example"], 90));
    host.writeFile(SITE, "# the site before\n");
    const state = flowState(host, await config(["shop.example", "www.shop.example"]), "green");
    await certificateStep.run(state).catch(() => undefined);
    await certificateStep.undo?.(state);
    expect(host.files.get(SITE)?.content).toBe("# the site before\n");
  });

  it("skipped when TLS is off or the certificate is provided", async () => {
    const host = hostWithCertbot();
    const off = await certificateStep.run(flowState(host, await config(["shop.example"], ""), null));
    expect(off.status).toBe("skipped");
    const provided = "tls: { enabled: true, certificate_path: /etc/ssl/shop.pem, key_path: /etc/ssl/shop.key }";
    const given = await certificateStep.run(flowState(host, await config(["shop.example"], provided), null));
    expect(given.status).toBe("skipped");
    expect(host.commands).toEqual([]);
  });

  it("plan says certbot would run and changes nothing", async () => {
    const host = hostWithCertbot();
    const lines: string[] = [];
    await certificateStep.plan?.(flowState(host, await config(["shop.example"]), null, lines));
    expect(lines).toEqual(["  certificate for shop.example: no certificate yet: would run certbot"]);
    expect(host.ran.filter((c) => c.startsWith("<putFile>") || c.startsWith("certbot"))).toEqual([]);
  });
});
