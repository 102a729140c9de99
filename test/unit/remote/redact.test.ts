import { describe, expect, it } from "vitest";
import { MASK, Redactor } from "../../../src/remote/redact.js";

describe("Redactor", () => {
  it("masks every occurrence of every secret", () => {
    const redactor = new Redactor(["hunter22", "s3cr3t-token"]);
    expect(redactor.redact("password=hunter22 token=s3cr3t-token again hunter22")).toBe(
      `password=${MASK} token=${MASK} again ${MASK}`,
    );
  });

  it("masks a longer secret whole when it contains a shorter one", () => {
    const redactor = new Redactor(["abc", "abcdef"]);
    expect(redactor.redact("x abcdef y abc")).toBe(`x ${MASK} y ${MASK}`);
  });

  it("masks the shell-quoted, JSON, URL-encoded and base64 forms", () => {
    const redactor = new Redactor(['it\'s "x"/y']);
    expect(redactor.redact("echo 'it'\\''s \"x\"/y'")).toBe(`echo '${MASK}'`);
    expect(redactor.redact('{"p":"it\'s \\"x\\"/y"}')).toBe(`{"p":"${MASK}"}`);
    expect(redactor.redact("https://u:it's%20%22x%22%2Fy@h")).toBe(`https://u:${MASK}@h`);
    const b64 = Buffer.from('it\'s "x"/y').toString("base64").replace(/=+$/, "");
    expect(redactor.redact(`auth ${b64}`)).toBe(`auth ${MASK}`);
  });

  it("masks each line of a multi-line secret (output is logged line by line)", () => {
    const redactor = new Redactor(["-----BEGIN KEY-----\nMIIEvQIBADANBg\n-----END KEY-----"]);
    expect(redactor.redact("MIIEvQIBADANBg")).toBe(MASK);
  });

  it("ignores empty and very short values instead of garbling output", () => {
    const redactor = new Redactor(["", "ab"]);
    expect(redactor.size).toBe(0);
    expect(redactor.redact("about abba")).toBe("about abba");
  });

  it("redacts error messages", () => {
    const redactor = new Redactor().add("topsecret");
    expect(redactor.redactError(new Error("login failed for topsecret"))).toBe(`login failed for ${MASK}`);
    expect(redactor.redactError("topsecret")).toBe(MASK);
  });

  it("handles regex metacharacters in secrets literally", () => {
    expect(new Redactor(["a.*b$"]).redact("xa.*b$y axxb")).toBe(`x${MASK}y axxb`);
  });
});
