/** certbot inside a target obtains a certificate from pebble, answering HTTP-01 through the target's nginx. */
import { X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { get } from "node:https";
import { afterAll, describe, expect, it } from "vitest";
import { shJoin } from "../../../src/remote/quote.js";
import { loadSandbox, sandboxTarget } from "../support/sandbox.js";
import { ssh } from "./run.js";

const inventory = loadSandbox();
const target = sandboxTarget("t1", inventory);
const domain = `foundation-${Date.now().toString(36)}.e2e.test`;

/** Tells pebble's DNS (challtestsrv) where a name points. */
async function challtestsrv(path: string, body: object): Promise<void> {
  const response = await fetch(`${inventory.acme.managementUrl}${path}`, {
    method: "POST",
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`challtestsrv ${path}: HTTP ${response.status}`);
}

/** pebble's current issuing root (it makes a new one each time it starts), over TLS trusting its listener cert. */
function fetchRoot(): Promise<string> {
  const ca = readFileSync(inventory.acme.caCertPath);
  return new Promise((resolvePromise, reject) => {
    get(inventory.acme.rootsUrl, { ca }, (response) => {
      let text = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => {
        text += chunk;
      });
      response.on("end", () => resolvePromise(text));
    }).on("error", reject);
  });
}

function splitPem(bundle: string): X509Certificate[] {
  const blocks = bundle.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  return blocks.map((block) => new X509Certificate(block));
}

describe("sandbox ACME (pebble)", () => {
  afterAll(async () => {
    await ssh(target, `sudo ${shJoin(["certbot", "delete", "--non-interactive", "--cert-name", domain])}`);
    await challtestsrv("/clear-a", { host: domain });
  });

  it("issues a certificate to certbot --webroot through nginx", async () => {
    await challtestsrv("/add-a", { host: domain, addresses: [target.host] });
    const certbot = shJoin([
      "env",
      `REQUESTS_CA_BUNDLE=${inventory.acme.targetCaCertPath}`,
      "certbot",
      "certonly",
      "--webroot",
      "-w",
      "/var/www/html",
      "-d",
      domain,
      "--server",
      inventory.acme.directory,
      "--non-interactive",
      "--agree-tos",
      "--no-eff-email",
      "-m",
      "ops@e2e.test",
    ]);
    const issued = await ssh(target, `sudo ${certbot}`);
    expect(issued.stderr + issued.stdout).toMatch(/Successfully received certificate/);
    expect(issued.code).toBe(0);

    const fullchain = await ssh(target, `sudo cat ${shJoin([`/etc/letsencrypt/live/${domain}/fullchain.pem`])}`);
    expect(fullchain.code).toBe(0);
    const [leaf, intermediate] = splitPem(fullchain.stdout);
    const [root] = splitPem(await fetchRoot());
    if (!leaf || !intermediate || !root) throw new Error(`expected leaf, intermediate and root:\n${fullchain.stdout}`);
    expect(leaf.subjectAltName).toContain(`DNS:${domain}`);
    expect(leaf.verify(intermediate.publicKey)).toBe(true);
    expect(intermediate.verify(root.publicKey)).toBe(true);
  });
});
