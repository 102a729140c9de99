import { describe, expect, it } from "vitest";
import { entriesFor, hashKnownHostName, parseKnownHosts } from "../../../src/remote/known-hosts.js";
import { ECDSA, ED25519, HASHED_KNOWN_HOSTS, RSA } from "./keys.js";

const matches = (text: string, host: string, port = 22) =>
  entriesFor(parseKnownHosts(text), host, port).map((entry) => entry.keyType);

describe("parseKnownHosts", () => {
  it("parses plain, marked, commented and blank lines", () => {
    const text = [
      "# a comment",
      "",
      `web1,10.0.0.5 ssh-ed25519 ${ED25519.base64} root@web1`,
      `@revoked * ssh-rsa ${RSA.base64}`,
      `@cert-authority *.example.com ecdsa-sha2-nistp256 ${ECDSA.base64}`,
      "@unknown-marker host ssh-ed25519 AAAA",
      "incomplete-line ssh-ed25519",
    ].join("\r\n");
    const entries = parseKnownHosts(text);
    expect(entries.map((e) => [e.line, e.marker, e.keyType])).toEqual([
      [3, null, "ssh-ed25519"],
      [4, "revoked", "ssh-rsa"],
      [5, "cert-authority", "ecdsa-sha2-nistp256"],
    ]);
    expect(entries[0]?.hosts).toEqual({ kind: "patterns", patterns: ["web1", "10.0.0.5"] });
    expect(entries[0]?.blob.equals(ED25519.blob)).toBe(true);
  });
});

describe("matching hosts", () => {
  const text = `web1,10.0.0.5 ssh-ed25519 ${ED25519.base64}\n[10.0.0.5]:2222 ssh-rsa ${RSA.base64}`;

  it("matches any name in the list, case-insensitively", () => {
    expect(matches(text, "web1")).toEqual(["ssh-ed25519"]);
    expect(matches(text, "WEB1")).toEqual(["ssh-ed25519"]);
    expect(matches(text, "10.0.0.5")).toEqual(["ssh-ed25519"]);
    expect(matches(text, "web2")).toEqual([]);
  });

  it("uses the [host]:port form for ports other than 22, and only that", () => {
    expect(matches(text, "10.0.0.5", 2222)).toEqual(["ssh-rsa"]);
    expect(matches(text, "web1", 2222)).toEqual([]);
  });

  it("supports * and ? wildcards and ! negation", () => {
    const wild = `*.example.com,!bad.example.com ssh-ed25519 ${ED25519.base64}\nweb? ssh-rsa ${RSA.base64}`;
    expect(matches(wild, "a.example.com")).toEqual(["ssh-ed25519"]);
    expect(matches(wild, "bad.example.com")).toEqual([]);
    expect(matches(wild, "example.com")).toEqual([]);
    expect(matches(wild, "web7")).toEqual(["ssh-rsa"]);
    expect(matches(wild, "web10")).toEqual([]);
  });

  it("treats regex metacharacters in names literally", () => {
    expect(matches(`a.b ssh-ed25519 ${ED25519.base64}`, "axb")).toEqual([]);
  });
});

describe("hashed entries", () => {
  it("match the names ssh-keygen -H hashed, including [host]:port", () => {
    expect(matches(HASHED_KNOWN_HOSTS, "10.213.0.11")).toEqual(["ssh-ed25519"]);
    expect(matches(HASHED_KNOWN_HOSTS, "10.213.0.12", 2222)).toEqual(["ecdsa-sha2-nistp256"]);
    expect(matches(HASHED_KNOWN_HOSTS, "10.213.0.12")).toEqual([]);
    expect(matches(HASHED_KNOWN_HOSTS, "10.213.0.11", 2222)).toEqual([]);
  });

  it("hashKnownHostName reproduces ssh-keygen's hash for the same salt", () => {
    const salt = Buffer.from("ybQcuEVqfllXdo72UKnz53vPrCg=", "base64");
    expect(hashKnownHostName("10.213.0.11", 22, salt)).toBe(
      "|1|ybQcuEVqfllXdo72UKnz53vPrCg=|FpHUCg5i1MOWuKfgRdWVL8tM1uE=",
    );
  });
});

describe("names are lowercased before matching and hashing, as ssh does", () => {
  // Written by `ssh-keygen -H` from `web1.example.com ...` and `[web2.example.com]:2222 ...`.
  const hashed = [
    `|1|YCDh7TcPEqm2gBe4yfwvME+wxSs=|vwIHQbyBXPlP+7OPgBukehtiKGY= ssh-ed25519 ${ED25519.base64}`,
    `|1|vmdQVKmzMrb5tWT0X7/r7pyiQLQ=|TbYdJv9LEvBFXDDq6AaVY8C2ttU= ssh-ed25519 ${ED25519.base64}`,
  ].join("\n");

  it("a hashed entry matches an address written with capitals", () => {
    expect(matches(hashed, "Web1.Example.COM")).toEqual(["ssh-ed25519"]);
    expect(matches(hashed, "WEB2.example.com", 2222)).toEqual(["ssh-ed25519"]);
    expect(matches(hashed, "web3.example.com")).toEqual([]);
  });

  it("a plain entry too, and the pin line printed for a capitalised address is lowercase", () => {
    expect(matches(`web1.example.com ssh-ed25519 ${ED25519.base64}`, "WEB1.example.com")).toEqual(["ssh-ed25519"]);
    expect(hashKnownHostName("Web1.Example.COM", 22, Buffer.from("YCDh7TcPEqm2gBe4yfwvME+wxSs=", "base64"))).toBe(
      "|1|YCDh7TcPEqm2gBe4yfwvME+wxSs=|vwIHQbyBXPlP+7OPgBukehtiKGY=",
    );
  });
});
