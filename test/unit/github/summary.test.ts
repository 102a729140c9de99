import { describe, expect, it } from "vitest";
import type { SlipwayConfig } from "../../../src/config/schema.js";
import type { DeployResult } from "../../../src/deploy/types.js";
import { actionOutputs, environmentUrl } from "../../../src/github/outputs.js";
import { backupsFromProgress, backupsTaken, summaryMarkdown } from "../../../src/github/summary.js";

const result: DeployResult = {
  ok: true,
  release: "abc1234-20260101120000",
  hosts: [
    { name: "web1", status: "changed", color: "green", url: "https://shop.example/" },
    { name: "web2", status: "failed", color: "blue", error: "health | timeout" },
  ],
  images: { api: "registry.example/shop/api@sha256:1111" },
  recap: "",
};

const config = (tls: boolean, domains = ["shop.example"]) =>
  ({
    app: "shop",
    proxy: { mode: "nginx", domains, base_path: "/" },
    tls: { enabled: tls },
  }) as unknown as SlipwayConfig;

describe("job summary", () => {
  it("per-host table, images with digests, backups; pipes escaped", () => {
    expect(
      summaryMarkdown({
        command: "deploy",
        app: "shop",
        environment: "production",
        result,
        backups: { web1: "20260101T120000Z-abc" },
      }),
    ).toBe(
      [
        "### Slipway deploy: shop (production): ok",
        "",
        "Release: `abc1234-20260101120000`",
        "",
        "| host | result | color | url |",
        "| --- | --- | --- | --- |",
        "| web1 | changed | green | https://shop.example/ |",
        "| web2 | failed: health \\| timeout | blue |  |",
        "",
        "| service | image (digest) |",
        "| --- | --- |",
        "| api | `registry.example/shop/api@sha256:1111` |",
        "",
        "Database backup taken before the change:",
        "",
        "- web1: `20260101T120000Z-abc`",
        "",
      ].join("\n"),
    );
  });

  it("redacts everything it writes", () => {
    const md = summaryMarkdown({
      command: "deploy",
      app: "shop",
      error: "token hunter22 refused",
      redact: (t) => t.replaceAll("hunter22", "***"),
    });
    expect(md).toBe("### Slipway deploy: shop: failed\n\n**Error:** token *** refused\n");
  });

  it("backup ids from the deploy's progress lines", () => {
    expect(
      backupsFromProgress([
        "[web1] backed up the database: b-1",
        "[web2] switching",
        "[web2] backed up the database: b-2",
      ]),
    ).toEqual({ web1: "b-1", web2: "b-2" });
  });
});

describe("outputs", () => {
  it("release, URL and images JSON", () => {
    expect(actionOutputs(config(true), result)).toEqual({
      release: "abc1234-20260101120000",
      url: "https://shop.example/",
      images: '{"api":"registry.example/shop/api@sha256:1111"}',
    });
  });

  it("URL from the config when no host reports one", () => {
    expect(environmentUrl(config(true))).toBe("https://shop.example/");
    expect(environmentUrl(config(false))).toBe("http://shop.example/");
    expect(environmentUrl(config(false, []))).toBeUndefined();
  });
});

describe("backupsTaken", () => {
  it("prefers each host's result and falls back to the progress line of a host that failed after its backup", () => {
    const result = {
      ok: false,
      release: "abc1234-20261123000000",
      images: {},
      recap: "",
      hosts: [
        { name: "t1", status: "changed" as const, backup: "abc1234-20261123000000-t1" },
        { name: "t2", status: "failed" as const, error: "verify failed" },
      ],
    };
    expect(
      backupsTaken(result, [
        "[t1] backed up the database: old-id",
        "[t2] backed up the database: abc1234-20261123000000-t2",
      ]),
    ).toEqual({ t1: "abc1234-20261123000000-t1", t2: "abc1234-20261123000000-t2" });
  });
});
