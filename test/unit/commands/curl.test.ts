import { describe, expect, it } from "vitest";
import { curlArgv } from "../../../src/commands/curl.js";

describe("curl builder", () => {
  it("a probe: status marker after the body, Host header, `--` before the URL", () => {
    expect(
      curlArgv({
        url: "http://127.0.0.1:8001/up",
        maxTimeSeconds: 2.5,
        writeOut: "\nM:%{http_code}",
        hostHeader: "a.example",
      }),
    ).toEqual([
      "curl",
      "--silent",
      "--show-error",
      "--max-time",
      "2.5",
      "--output",
      "-",
      "--write-out",
      "\nM:%{http_code}",
      "--header",
      "Host: a.example",
      "--",
      "http://127.0.0.1:8001/up",
    ]);
  });

  it("a route check over HTTPS: headers dumped, the name resolved to loopback, the chain not checked", () => {
    expect(
      curlArgv({
        url: "https://a.example/",
        maxTimeSeconds: 10,
        writeOut: "M",
        dumpHeaders: true,
        resolve: "a.example:443:127.0.0.1",
        insecure: true,
      }),
    ).toEqual([
      "curl",
      "--silent",
      "--show-error",
      "--max-time",
      "10",
      "--dump-header",
      "-",
      "--output",
      "-",
      "--write-out",
      "M",
      "--resolve",
      "a.example:443:127.0.0.1",
      "--insecure",
      "--",
      "https://a.example/",
    ]);
  });
});
