import { readFileSync } from "node:fs";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { markUnpinned, runRender, writeRendered } from "../../../../src/cli/render.js";
import { parseConfigText } from "../../../../src/config/load.js";
import { placeholderImage } from "../../../../src/render/from-config/compose.js";
import { expectGolden } from "../golden.js";
import { EXAMPLES } from "./examples.js";

const digest = `sha256:${"c".repeat(64)}`;
const SWARM = "test/fixtures/config/valid/swarm-accessory-secrets.yml";

/** The swarm fixture with the accessory's `image:` replaced. */
function swarmWithImage(image: string) {
  return parseConfigText(readFileSync(SWARM, "utf8").replace("image: postgres:16", `image: ${image}`), SWARM);
}

describe("slipway render", () => {
  it("prints every file with a header; secrets by name only", async () => {
    const { text, files } = await runRender(EXAMPLES["flask-docker"]);
    expect(files.map((f) => f.path)).toEqual([
      "/etc/nginx/slipway/flask-docker-backend.upstream.conf",
      "/etc/nginx/slipway/flask-docker-backend.preview.upstream.conf",
      "/etc/nginx/slipway/flask-docker-backend.blue.upstream.conf",
      "/etc/nginx/slipway/flask-docker-backend.green.upstream.conf",
      "/etc/nginx/conf.d/slipway-flask-docker.conf",
      "/opt/flask-docker/env/backend-blue.env",
      "/opt/flask-docker/env/backend-green.env",
    ]);
    expect(text).toContain(
      "### /opt/flask-docker/env/backend-blue.env (env-file, mode 0600, secrets redacted: SECRET_KEY)\n",
    );
    expect(text).toContain("SECRET_KEY=<secret SECRET_KEY: redacted>");
    expect(text).not.toContain("listen 443");
  });

  it("never reads secret values from the environment", async () => {
    process.env.SECRET_KEY = "do-not-print-me";
    try {
      const { text } = await runRender(EXAMPLES["flask-docker"]);
      expect(text).not.toContain("do-not-print-me");
    } finally {
      delete process.env.SECRET_KEY;
    }
  });

  it("--color, --env and --tls-ready", async () => {
    const { files, text } = await runRender(EXAMPLES["flask-docker"], {
      color: "green",
      env: "production",
      tlsReady: true,
    });
    expect(files.filter((f) => f.kind === "env-file").map((f) => f.color)).toEqual(["green"]);
    expect(text).toContain("server 127.0.0.1:18887;");
    expect(text).toContain("server_name notes.example.com;");
    expect(text).toContain("listen 443 ssl;");
    await expect(runRender(EXAMPLES["flask-docker"], { color: "red" })).rejects.toThrow(/--color "red"/);
  });

  it("compose images: --image pins one, the others are marked NOT PINNED", async () => {
    const { files } = await runRender(EXAMPLES["duckdb-compose"], {
      color: "blue",
      image: [`backend=10.213.0.1:5000/slipway/duckdb-compose-backend@${digest}`],
    });
    const compose = files.find((f) => f.kind === "compose")?.content ?? "";
    expect(compose).toContain(`    image: 10.213.0.1:5000/slipway/duckdb-compose-backend@${digest}\n`);
    expect(compose).toContain(
      "    image: 10.213.0.1:5000/slipway/duckdb-compose-frontend:<tag> # NOT PINNED: digest unknown until the build; pass --image SERVICE=REF@sha256:...\n",
    );
    await expect(runRender(EXAMPLES["duckdb-compose"], { image: ["nope=x"] })).rejects.toThrow(/--image "nope=x"/);
    expect(markUnpinned("image: a@sha256:abc\n")).toBe("image: a@sha256:abc\n");
  });

  it("runtime swarm: each color's stack file and the accessories' one, exactly (no env file: secrets are swarm's)", async () => {
    const { files, text } = await runRender(SWARM);
    expect(files.filter((f) => !f.kind.startsWith("nginx-")).map((f) => [f.path, f.kind, f.mode, f.redacted])).toEqual([
      ["/opt/shop/swarm/blue.yml", "swarm-stack", 0o644, ["KEY"]],
      ["/opt/shop/swarm/green.yml", "swarm-stack", 0o644, ["KEY"]],
      ["/opt/shop/swarm/accessories.yml", "swarm-stack", 0o644, ["PGPASS"]],
    ]);
    expectGolden("swarm/render.txt", text);
  });

  it("runtime swarm: --color and --image pin the stack's images; a pinned `image:` stays as written", async () => {
    const web = `10.213.0.1:5000/shop-web@${digest}`;
    const { files } = await runRender(SWARM, { color: "green", image: [`web=${web}`] });
    expect(files.filter((f) => f.kind === "swarm-stack").map((f) => f.path)).toEqual([
      "/opt/shop/swarm/green.yml",
      "/opt/shop/swarm/accessories.yml",
    ]);
    expect(files[files.length - 2]?.content).toContain(`    image: ${web}\n`);
    expect(files.at(-1)?.content).toContain(
      "    image: postgres:<tag> # NOT PINNED: digest unknown until the build; pass --image SERVICE=REF@sha256:...\n",
    );
    const pinned = `postgres:16@sha256:${"d".repeat(64)}`;
    expect(placeholderImage(swarmWithImage(pinned), "db", `sha256:${"0".repeat(64)}`)).toBe(pinned);
    expect(placeholderImage(swarmWithImage("postgres:16"), "db", `sha256:${"0".repeat(64)}`)).toBe(
      `postgres@sha256:${"0".repeat(64)}`,
    );
  });

  it("internal mode renders no nginx files", async () => {
    const dir = await mkdtemp(join(tmpdir(), "slipway-render-"));
    try {
      const source = await readFile(EXAMPLES.harvest, "utf8");
      const file = join(dir, "slipway.yml");
      // Internal mode has no routes (validate refuses them: nothing routes or verifies without nginx).
      const internal = source.replace("  mode: nginx\n", "  mode: internal\n").replace(/ {2}routes:\n( {4}.*\n)+/, "");
      await writeFile(file, internal);
      const { files } = await runRender(file);
      expect(files.map((f) => f.kind)).not.toContain("nginx-site");
      expect(files.find((f) => f.kind === "systemd-unit")?.content).toContain("--bind 127.0.0.1:${PORT}");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("--out writes each file at its host path with its mode", async () => {
    const dir = await mkdtemp(join(tmpdir(), "slipway-render-"));
    try {
      const { files } = await runRender(EXAMPLES.harvest, { color: "blue" });
      const written = await writeRendered(dir, files);
      expect(written).toContain(join(dir, "etc/systemd/system/harvest-backend@.service"));
      expect((await stat(join(dir, "opt/harvest/env/backend-blue.env"))).mode & 0o777).toBe(0o600);
      expect(await readFile(join(dir, "etc/nginx/conf.d/slipway-harvest.conf"), "utf8")).toContain("location /api/ {");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
