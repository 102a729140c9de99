import { describe, expect, it } from "vitest";
import { listenersArgv, parseListeners } from "../../../src/commands/sockets.js";

describe("ss listeners", () => {
  it("lists the listening TCP sockets on the given ports with their process", () => {
    expect(listenersArgv([15001, 18050])).toEqual([
      "ss",
      "-Hltnp",
      "(",
      "sport",
      "=",
      ":15001",
      "or",
      "sport",
      "=",
      ":18050",
      ")",
    ]);
    expect(listenersArgv([])).toEqual(["ss", "-Hltnp"]);
  });

  it("parses IPv4, IPv6 and wildcard addresses, with and without the process", () => {
    const out = [
      'LISTEN 0      5          127.0.0.1:18070      0.0.0.0:*    users:(("python3",pid=1234,fd=3))',
      "LISTEN 0      4096            [::]:8050          [::]:*",
      'LISTEN 0      511                *:80               *:*    users:(("nginx",pid=9,fd=6),("nginx",pid=10,fd=6))',
      "",
      "garbage",
    ].join("\n");
    expect(parseListeners(out)).toEqual([
      { port: 18070, address: "127.0.0.1", process: "python3 (pid 1234)" },
      { port: 8050, address: "[::]", process: null },
      { port: 80, address: "*", process: "nginx (pid 9)" },
    ]);
  });
});
