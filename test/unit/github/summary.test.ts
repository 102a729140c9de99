import { describe, expect, it } from "vitest";
import type { SlipwayConfig } from "../../../src/config/schema.js";
import type { DeployResult } from "../../../src/deploy/types.js";
import { actionOutputs, environmentUrl } from "../../../src/github/outputs.js";
import { summaryMarkdown } from "../../../src/github/summary.js";

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

  it("per-step times per host and each diff in a fenced block that a backtick run inside cannot close", () => {
    const md = summaryMarkdown({
      command: "plan",
      app: "shop",
      steps: [
        { host: "web1", step: "stage", status: "changed", ms: 1250 },
        { host: "web1", step: "gate", status: "failed", ms: 65_000, message: "health 503" },
      ],
      diffs: [{ host: "web1", step: "switch", path: "/etc/nginx/sites-enabled/shop.conf", diff: "-a ```\n+b\n" }],
    });
    expect(md).toBe(
      [
        "### Slipway plan (check mode: nothing changed): shop: ok",
        "",
        "| host | step | result | time |",
        "| --- | --- | --- | --- |",
        "| web1 | stage | changed | 1.3s |",
        "| web1 | gate | failed: health 503 | 1m05s |",
        "",
        "<details><summary>web1: /etc/nginx/sites-enabled/shop.conf (switch)</summary>",
        "",
        "````diff",
        "-a ```",
        "+b",
        "````",
        "",
        "</details>",
        "",
      ].join("\n"),
    );
  });

  it("a failed gate's log lines: one collapsed block per process, titled with the service key and its unit", () => {
    const logs = [
      { service: "frontend", name: "shop-frontend@green.service", lines: ["Booting worker", "boom <3"] },
      { service: "frontend", name: "shop-frontend@green-2.service", lines: [] },
    ];
    const md = summaryMarkdown({
      command: "deploy",
      app: "shop",
      steps: [{ host: "t1", step: "gate", status: "failed", ms: 900, message: "frontend unhealthy", logs }],
    });
    expect(md).toBe(
      [
        "### Slipway deploy: shop: ok",
        "",
        "| host | step | result | time |",
        "| --- | --- | --- | --- |",
        "| t1 | gate | failed: frontend unhealthy | 900ms |",
        "",
        "<details><summary>t1: gate failed: services.frontend (shop-frontend@green.service), last 2 lines</summary>",
        "",
        "```",
        "Booting worker",
        "boom <3",
        "```",
        "",
        "</details>",
        "",
        "<details><summary>t1: gate failed: services.frontend (shop-frontend@green-2.service), no output</summary>",
        "",
        "```",
        "",
        "```",
        "",
        "</details>",
        "",
      ].join("\n"),
    );
  });

  it("the release before this run next to the new one", () => {
    expect(summaryMarkdown({ command: "deploy", app: "shop", result, previousRelease: "old-1" })).toContain(
      "Release: `abc1234-20260101120000` (before: `old-1`)",
    );
  });
});

describe("outputs", () => {
  it("release, URL and images JSON", () => {
    expect(actionOutputs(config(true), result)).toEqual({
      release: "abc1234-20260101120000",
      "previous-release": "",
      url: "https://shop.example/",
      images: '{"api":"registry.example/shop/api@sha256:1111"}',
      backups: "{}",
      "deployment-id": "",
    });
    expect(
      actionOutputs(config(true), result, { previousRelease: "old-1", backups: { web1: "b-1" }, deployment: 42 }),
    ).toMatchObject({ "previous-release": "old-1", backups: '{"web1":"b-1"}', "deployment-id": "42" });
  });

  it("URL from the config when no host reports one", () => {
    expect(environmentUrl(config(true))).toBe("https://shop.example/");
    expect(environmentUrl(config(false))).toBe("http://shop.example/");
    expect(environmentUrl(config(false, []))).toBeUndefined();
  });
});
