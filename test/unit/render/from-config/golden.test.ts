/**
 * Golden output for every examples/* config: every file Slipway would install, both colors, blue live. A config with
 * TLS is rendered before and after its certificate exists. UPDATE_GOLDEN=1 rewrites the fixtures (review the diff).
 */
import { describe, it } from "vitest";
import { loadConfig } from "../../../../src/config/load.js";
import { renderFromConfig } from "../../../../src/render/from-config/index.js";
import { expectGolden } from "../golden.js";
import { EXAMPLES } from "./examples.js";

const digest = (n: string) => `sha256:${n.repeat(64).slice(0, 64)}`;

const CASES: Array<{ name: string; file: string; environment?: string; tlsReady: boolean; color: "blue" | "green" }> = [
  ...Object.entries(EXAMPLES).map(([name, file]) => ({ name, file, tlsReady: false, color: "blue" as const })),
  { name: "flask-docker.tls", file: EXAMPLES["flask-docker"], tlsReady: true, color: "blue" },
  {
    name: "flask-docker.production.tls",
    file: EXAMPLES["flask-docker"],
    environment: "production",
    tlsReady: true,
    color: "green",
  },
  { name: "harvest.staging", file: EXAMPLES.harvest, environment: "staging", tlsReady: false, color: "green" },
];

describe("files rendered from examples/*/slipway*.yml", () => {
  for (const { name, file, environment, tlsReady, color } of CASES) {
    it(`${name} renders exactly`, async () => {
      const config = await loadConfig(file, { environment });
      const images = Object.fromEntries(
        Object.keys(config.services).map((s, i) => [
          s,
          `10.213.0.1:5000/slipway/${config.app}-${s}@${digest(`${i + 1}f`)}`,
        ]),
      );
      const files = renderFromConfig(config, { color, tlsReady, images, secrets: {} });
      const text = files
        .map(
          (f) =>
            `### ${f.path} (${f.kind}, ${f.mode.toString(8)}${f.redacted?.length ? `, redacted ${f.redacted.join(" ")}` : ""})\n${f.content}`,
        )
        .join("\n");
      expectGolden(`from-config/${name}.txt`, text);
    });
  }
});
