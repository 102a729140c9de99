/**
 * D84: `proxy.api_subdomain.domain` equal to a `proxy.domains` entry gives two server blocks one name; nginx serves
 * one of them only. validate refuses it at the key with file:line:col.
 */
import { describe, expect, it } from "vitest";
import { parseConfigText } from "../../../src/config/load.js";

const TEXT = (apiDomain: string) =>
  [
    "app: shop",
    "runtime: compose",
    "services:",
    "  web: { build: { context: . }, port: 8000 }",
    "  api: { build: { context: . }, port: 9000 }",
    "inventory:",
    "  hosts: { a: { address: 10.213.0.11 } }",
    "proxy:",
    "  domains: [shop.example.com]",
    "  routes: [{ path: /, service: web }]",
    "  api_subdomain:",
    "    service: api",
    `    domain: ${apiDomain}`,
    "",
  ].join("\n");

function problems(text: string): string {
  try {
    parseConfigText(text, "/tmp/slipway.yml");
  } catch (e) {
    return String((e as Error).message);
  }
  return "";
}

describe("proxy.api_subdomain.domain", () => {
  it("a domain of its own is valid", () => {
    expect(problems(TEXT("api.shop.example.com"))).toBe("");
  });

  it("a proxy.domains entry is refused at the key", () => {
    expect(problems(TEXT("shop.example.com"))).toContain(
      "/tmp/slipway.yml:13:13: proxy.api_subdomain.domain: expected a domain other than the `proxy.domains` entries: nginx would serve only one of the two server blocks",
    );
  });
});
