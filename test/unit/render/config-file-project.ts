/** A project on disk for the `services.*.files` checks (render/config-file-check, cli validate). */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { validateConfigText } from "../../../src/config/load.js";

/** A seed-004 shaped config (api + worker, one JSON config file each) in a fresh directory with its template. */
export function project(workerSecrets: string, template = "etc/instance_config.json.tpl") {
  const dir = mkdtempSync(join(tmpdir(), "slipway-files-"));
  mkdirSync(join(dir, "etc"));
  writeFileSync(
    join(dir, "etc/instance_config.json.tpl"),
    '{\n  "db": "${secret:DB_PASSWORD}",\n  "vault": "${secret:VAULT_SECRET}"\n}\n',
  );
  const text = [
    "app: cv",
    "runtime: container",
    "services:",
    "  api:",
    "    image: cv:1",
    "    port: 8000",
    "    secrets: [DB_PASSWORD, VAULT_SECRET]",
    "    files:",
    "      - path: /app/etc/instance_config.json",
    "        template: etc/instance_config.json.tpl",
    "  worker:",
    "    image: cv:1",
    "    port: 8001",
    `    secrets: ${workerSecrets}`,
    "    files:",
    "      - path: /app/etc/instance_config.json",
    `        template: ${template}`,
    "inventory:",
    "  hosts:",
    "    t1: { address: 10.213.0.11 }",
    "proxy:",
    "  routes:",
    "    - { path: /, service: api }",
    "",
  ].join("\n");
  const file = join(dir, "slipway.yml");
  writeFileSync(file, text);
  const result = validateConfigText(text, file);
  const config = result.configs[0];
  if (!config) throw new Error(JSON.stringify(result.issues));
  return { dir, file, config };
}
