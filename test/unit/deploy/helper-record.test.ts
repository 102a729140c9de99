/**
 * D47: in helper mode the plan reads the helper's world-readable record of the app (`/etc/slipway/apps/<app>.conf`)
 * and says what the helper would refuse (a certificate name bootstrap never recorded, another deploy_dir) before
 * anything changes, with bootstrap as the fix; certbot refused by the helper gets the helper's hint, not DNS advice.
 */
import { describe, expect, it } from "vitest";
import { CertificateError, ensureCertificate } from "../../../src/certs/index.js";
import type { SlipwayConfig } from "../../../src/config/index.js";
import { checkHelperRecord, helperRecordProblems, parseHelperRecord } from "../../../src/deploy/helper-record.js";
import { certificateStep } from "../../../src/deploy/steps/certificate.js";
import type { FlowState } from "../../../src/deploy/steps/types.js";
import { SlipwayError } from "../../../src/errors.js";
import { helperRefusalHint } from "../../../src/remote/privilege.js";
import { loadConfigText } from "../../support/config-text.js";
import { FakeHost } from "../engine/fake-host.js";

const RECORD = "/etc/slipway/apps/shop.conf";
const PEBBLE = "https://10.213.0.1:14000/dir";
const BUNDLE = "/etc/slipway/pebble-ca.pem";
const HINT =
  "bootstrap records what the helper allows: run it again for shop with this slipway.yml as an admin user (slipway run playbooks/bootstrap.yml -c slipway.yml -l h1 -e app_name=shop), then deploy again";

/** bootstrap's record (playbooks/files/helper-app.conf.tpl) with `domains`. */
function record(domains: string, over: Record<string, string> = {}): string {
  const values: Record<string, string> = {
    deploy_dir: "/opt/shop",
    data_dir: "/var/lib/shop",
    acme_webroot: "/var/www/slipway-acme",
    domains,
    acme_server: PEBBLE,
    acme_email: "ops@shop.example",
    acme_ca_bundle: BUNDLE,
    ...over,
  };
  const lines = Object.entries(values).map(([k, v]) => `${k}=${v}`);
  return `# Managed by Slipway (playbooks/bootstrap.yml): what the privilege helper lets the deploy user touch for shop.\n# key=value lines, read as data (never sourced).\n${lines.join("\n")}\n`;
}

function config(domains: string[], privilege = "helper"): Promise<SlipwayConfig> {
  return loadConfigText(`app: shop
runtime: systemd
deploy_dir: /opt/shop
services:
  web:
    build: { context: web }
    port: 5001
    systemd: { app_module: "shop:app" }
inventory:
  ssh: { user: deploy, privilege: ${privilege} }
  hosts:
    h1: { address: 10.0.0.1 }
proxy:
  domains: [${domains.join(", ")}]
  routes:
    - { path: /, service: web }
tls: { enabled: true, email: ops@shop.example, acme_server: "${PEBBLE}", ca_bundle: ${BUNDLE} }
`);
}

function flowState(host: FakeHost, cfg: SlipwayConfig, lines: string[] = []): FlowState {
  return {
    run: { host, config: cfg },
    liveColor: "blue",
    idle: "green",
    role: { switches: true, services: ["web"] },
    say: (line: string) => lines.push(line),
  } as unknown as FlowState;
}

/** A helper-mode host: the record world-readable, the CA bundle there, no certificate yet. */
function helperHost(text?: string): FakeHost {
  const host = new FakeHost("h1");
  if (text !== undefined) host.writeFile(RECORD, text);
  host.writeFile(BUNDLE, "-----BEGIN CERTIFICATE-----\n");
  return host;
}

describe("the helper's record", () => {
  it("is read as data: the first line of a key wins, comments and blank lines are no keys", () => {
    expect(parseHelperRecord("# c\ndomains=a.example b.example\ndomains=x\n\nacme_server=\n")).toEqual({
      domains: "a.example b.example",
      acme_server: "",
    });
  });

  it("names each field the helper would apply instead of the config's, by exact words", () => {
    const cfg = { app: "shop", deploy_dir: "/srv/shop" };
    const rec = parseHelperRecord(record("shop.example", { acme_server: "", acme_webroot: "", acme_ca_bundle: "" }));
    const cert = {
      domains: ["shop.example", "www.shop.example"],
      webroot: "/var/www/acme",
      acmeServer: PEBBLE,
      caBundle: BUNDLE,
    };
    expect(helperRecordProblems(cfg, rec, cert)).toEqual([
      "deploy_dir is /srv/shop, the helper's record says /opt/shop",
      "the certificate needs www.shop.example, not among the names recorded for shop (shop.example): the helper's certbot refuses it",
      "tls.webroot is /var/www/acme, the helper's certbot writes challenges to /var/www/slipway-acme",
      `tls.acme_server is ${PEBBLE}, the helper's certbot asks https://acme-v02.api.letsencrypt.org/directory`,
      `tls.ca_bundle is ${BUNDLE}, the helper's certbot trusts the system's store`,
    ]);
    // Without a certbot run only the deploy dir matters.
    expect(helperRecordProblems({ app: "shop", deploy_dir: "/opt/shop" }, rec)).toEqual([]);
  });

  it("a missing record stops with bootstrap as the next step", async () => {
    const error = await checkHelperRecord(helperHost(), await config(["shop.example"]), { step: "preflight" }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SlipwayError);
    expect((error as SlipwayError).message).toBe(
      "shop is not registered with the privilege helper on h1 (/etc/slipway/apps/shop.conf is missing)",
    );
    expect((error as SlipwayError).hint).toBe(HINT);
  });
});

describe("D47: a domain added in helper mode", () => {
  it("the plan refuses before anything changes, naming the name and bootstrap (not DNS)", async () => {
    const host = helperHost(record("shop.example"));
    const lines: string[] = [];
    const state = flowState(host, await config(["shop.example", "www.shop.example"]), lines);
    const error = await certificateStep.plan?.(state).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SlipwayError);
    expect((error as SlipwayError).message).toBe(
      "the privilege helper would refuse this deploy (/etc/slipway/apps/shop.conf): the certificate needs www.shop.example, not among the names recorded for shop (shop.example): the helper's certbot refuses it",
    );
    expect((error as SlipwayError).hint).toBe(HINT);
    expect((error as SlipwayError).step).toBe("certificate");
    expect(host.ran.filter((c) => c.startsWith("<putFile>") || c.startsWith("certbot"))).toEqual([]);
  });

  it("the run refuses the same before it installs the site for the challenge", async () => {
    const host = helperHost(record("shop.example"));
    const state = flowState(host, await config(["shop.example", "www.shop.example"]));
    await expect(certificateStep.run(state)).rejects.toThrow("not among the names recorded for shop");
    expect(host.ran.filter((c) => c.startsWith("<putFile>") || c.startsWith("certbot"))).toEqual([]);
  });

  it("every name recorded: the plan says certbot would run", async () => {
    const host = helperHost(record("shop.example www.shop.example"));
    const lines: string[] = [];
    await certificateStep.plan?.(flowState(host, await config(["shop.example", "www.shop.example"]), lines));
    expect(lines).toEqual(["  certificate for shop.example, www.shop.example: no certificate yet: would run certbot"]);
  });

  it("root mode reads no record", async () => {
    const host = helperHost();
    const lines: string[] = [];
    await certificateStep.plan?.(flowState(host, await config(["shop.example"], "root"), lines));
    expect(lines).toEqual(["  certificate for shop.example: no certificate yet: would run certbot"]);
  });

  it("certbot refused by the helper itself: the helper's words and hint, not DNS advice", async () => {
    const host = helperHost();
    host.handlers.set("certbot", () => ({
      code: 64,
      stderr:
        "slipway-helper: refused: 'www.shop.example' is not one of the names recorded for shop (shop.example): run playbooks/bootstrap.yml with app_domains\n",
    }));
    const spec = {
      domains: ["shop.example", "www.shop.example"],
      webroot: "/var/www/slipway-acme",
      email: "ops@shop.example",
      acmeServer: PEBBLE,
      staging: false,
      caBundle: BUNDLE,
      certName: "shop.example",
      renewBeforeDays: 30,
    };
    const error = await ensureCertificate(host, spec, { become: true, check: false, app: "shop" }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CertificateError);
    expect((error as CertificateError).message).toBe(
      "the privilege helper refused: 'www.shop.example' is not one of the names recorded for shop (shop.example): run playbooks/bootstrap.yml with app_domains",
    );
    expect((error as CertificateError).hint).toBe(helperRefusalHint("shop"));
  });
});
