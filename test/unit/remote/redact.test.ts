import { describe, expect, it } from "vitest";
import { MASK, Redactor } from "../../../src/remote/redact.js";
import { renderEnvironmentFile } from "../../../src/render/systemd.js";
import { environmentAssignment } from "../../../src/render/systemd-values.js";

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

describe("Redactor: the encodings real outputs use", () => {
  const secret = 'p@ss w0rd/"$x`%\\y';
  const redactor = new Redactor([secret]);
  const clean = (text: string) => expect(redactor.redact(text)).not.toMatch(/w0rd|dzByZ|77307264|p%40ss|p%40ss/i);

  it("masks the password inside an HTTP Basic header and a docker auth entry (base64 of user:password)", () => {
    for (const user of ["u", "us", "use", "deploy-bot"]) {
      const basic = Buffer.from(`${user}:${secret}`).toString("base64");
      const out = redactor.redact(`Authorization: Basic ${basic}`);
      expect(out).toContain(MASK);
      expect(out.length).toBeLessThan(`Authorization: Basic ${basic}`.length);
      // What is left of the encoded value cannot be decoded back to the password.
      const left = out.replace("Authorization: Basic ", "").split(MASK).join("");
      expect(Buffer.from(left, "base64").toString("latin1")).not.toContain("w0rd");
    }
    const docker = JSON.stringify({
      auths: { "r.example": { auth: Buffer.from(`bot:${secret}`).toString("base64") } },
    });
    expect(redactor.redact(docker)).toMatch(/"auth":"[A-Za-z0-9+/=]{0,8}\*\*\*[A-Za-z0-9+/=]{0,4}"/);
  });

  it("masks hex (both cases) and percent-encoding with upper- or lowercase escapes", () => {
    const hex = Buffer.from(secret).toString("hex");
    expect(redactor.redact(`k=${hex}`)).toBe(`k=${MASK}`);
    expect(redactor.redact(`k=${hex.toUpperCase()}`)).toBe(`k=${MASK}`);
    const upper = encodeURIComponent(secret);
    const lower = upper.replace(/%[0-9A-F]{2}/g, (e) => e.toLowerCase());
    expect(redactor.redact(`postgres://app:${upper}@db/x`)).toBe(`postgres://app:${MASK}@db/x`);
    expect(redactor.redact(`postgres://app:${lower}@db/x`)).toBe(`postgres://app:${MASK}@db/x`);
  });

  it("masks the escaped forms our env-file, unit and compose writers produce", () => {
    const envFile = renderEnvironmentFile({ DB_PASSWORD: secret });
    expect(redactor.redact(envFile)).toBe(`# Managed by Slipway.\nDB_PASSWORD="${MASK}"\n`);
    const unitLine = `Environment=${environmentAssignment("DB_PASSWORD", secret, "env")}`;
    expect(redactor.redact(unitLine)).toBe(`Environment="DB_PASSWORD=${MASK}"`);
    expect(redactor.redact(`x: ${secret.replaceAll("$", "$$$$")}`)).toBe(`x: ${MASK}`);
    clean(JSON.stringify({ env: { DB_PASSWORD: secret } }));
  });

  it("masks each line of a multi-line key but not its PEM frame lines", () => {
    const key =
      "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\nQyNTUxOQAAACBm\n-----END OPENSSH PRIVATE KEY-----";
    const r = new Redactor([key]);
    expect(r.redact("line b3BlbnNzaC1rZXktdjEAAAAA")).toBe(`line ${MASK}`);
    expect(r.redact("-----END OPENSSH PRIVATE KEY-----")).toBe("-----END OPENSSH PRIVATE KEY-----");
    expect(r.redact(JSON.stringify({ key }))).toBe(`{"key":"${MASK}"}`);
  });

  it("redacts every string of a JSON value, keys included", () => {
    expect(new Redactor(["hunter22"]).redactValue({ a: ["x hunter22"], hunter22: 1, n: null })).toEqual({
      a: [`x ${MASK}`],
      [MASK]: 1,
      n: null,
    });
  });
});

describe("Redactor: percent-encoders that escape more than encodeURIComponent", () => {
  it("masks RFC 3986 strict encoding (Python quote), upper- or lowercase, and form encoding", () => {
    const r = new Redactor([`pw-"q'uo\`te $d (x)!`]);
    // urllib.parse.quote(value, safe="") and quote_plus, as Python writes them.
    expect(r.redact("url pw-%22q%27uo%60te%20%24d%20%28x%29%21")).toBe(`url ${MASK}`);
    expect(new Redactor(["a\\b/c"]).redact("x a%5cb%2fc")).toBe(`x ${MASK}`);
    expect(r.redact("q=pw-%22q%27uo%60te+%24d+%28x%29%21")).toBe(`q=${MASK}`);
  });
});
