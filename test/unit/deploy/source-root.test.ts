/**
 * Config and code in two repositories (D54, D57): which directory a release's commit comes from, and where an
 * absolute build.context is read with --release-dir. Real git repositories in a temporary directory (git is the reader).
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { serviceSources } from "../../../src/deploy/ship.js";
import { releaseSourceDir, sourceRootOf } from "../../../src/deploy/source-root.js";
import { SlipwayError } from "../../../src/errors.js";
import { loadConfigText } from "../../support/config-text.js";

const root = realpathSync(mkdtempSync(join(tmpdir(), "slipway-src-")));
const code = join(root, "code");
const other = join(root, "other");
function repo(dir: string, file: string): void {
  mkdirSync(join(dir, "app"), { recursive: true });
  writeFileSync(join(dir, "app", file), "x\n");
  const git = (...args: string[]) =>
    execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@t", ...args], { cwd: dir, stdio: "pipe" });
  git("init", "-q");
  git("add", "-A");
  git("commit", "-q", "-m", "one");
}
repo(code, "main.py");
repo(other, "db.py");
afterAll(() => rmSync(root, { recursive: true, force: true }));

function config(contexts: Record<string, string>): string {
  const services = Object.entries(contexts)
    .map(([name, context], i) => `  ${name}:\n    build: { context: "${context}" }\n    port: ${5001 + i}\n`)
    .join("");
  return `app: shop
runtime: container
image: { registry: "10.0.0.9:5000" }
services:
${services}inventory:
  ssh: { user: deploy }
  hosts:
    h1: { address: 10.0.0.1 }
proxy:
  routes:
    - { path: /, service: web }
`;
}

describe("where a release's code and commit come from (D54, D57)", () => {
  it("an absolute context stays where it is with --release-dir; a relative one is re-based", async () => {
    const c = await loadConfigText(config({ web: join(code, "app"), worker: "worker" }));
    expect(c.source.absoluteContexts).toEqual(["web"]);
    expect(serviceSources(c, "/srv/checkout")).toEqual({ web: join(code, "app"), worker: "/srv/checkout/worker" });
    expect(serviceSources(c)).toEqual({ web: join(code, "app"), worker: join(c.source.dir, "worker") });
  });

  it("a config without absolute contexts records none (the source stays file and dir)", async () => {
    const c = await loadConfigText(config({ web: "app" }));
    expect(Object.keys(c.source).sort()).toEqual(["dir", "file"]);
  });

  it("contexts under the release directory: its own directory, no git asked", async () => {
    expect(sourceRootOf("/cfg", [{ service: "web", dir: "/cfg/app", toplevel: null }], null)).toBe("/cfg");
    const c = await loadConfigText(config({ web: "app" }));
    expect(await releaseSourceDir(c)).toBe(c.source.dir);
    expect(await releaseSourceDir(c, "/srv/checkout")).toBe("/srv/checkout");
  });

  it("code in another repository: that repository's work tree, not the config's", async () => {
    const c = await loadConfigText(config({ web: join(code, "app") }));
    expect(await releaseSourceDir(c)).toBe(code);
    // --release-dir does not move an absolute context: still the code's repository.
    expect(await releaseSourceDir(c, "/srv/checkout")).toBe(code);
  });

  it("an accessory built from another repository does not count (D57's database image)", async () => {
    const text = config({ web: "app", db: join(other, "app") }).replace(
      `    build: { context: "${join(other, "app")}" }\n`,
      `    build: { context: "${join(other, "app")}" }\n    accessory: true\n`,
    );
    const c = await loadConfigText(text.replace("runtime: container", "runtime: compose"));
    expect(await releaseSourceDir(c, "/srv/checkout")).toBe("/srv/checkout");
  });

  it("two services in the same other repository: that one work tree", () => {
    const roots = [
      { service: "web", dir: "/code/web", toplevel: "/code" },
      { service: "api", dir: "/code/api", toplevel: "/code" },
    ];
    expect(sourceRootOf("/cfg", roots, null)).toBe("/code");
  });

  it("code from two repositories: refused, naming each key, its directory and repository", async () => {
    const c = await loadConfigText(config({ web: join(code, "app"), db: join(other, "app") }));
    const error = await releaseSourceDir(c).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SlipwayError);
    expect((error as SlipwayError).message).toBe(
      "the services' code comes from 2 repositories; a release records one commit",
    );
    expect((error as SlipwayError).hint).toBe(
      `services.web.build.context ${code}/app (repository ${code}); services.db.build.context ${other}/app (repository ${other}): build every service from one repository (a submodule or a copy), or deploy them as separate apps`,
    );
    expect((error as SlipwayError).step).toBe("release id");
  });

  it("one context under the config's directory, one in another repository: two repositories", () => {
    const roots = [
      { service: "web", dir: "/cfg/web", toplevel: null },
      { service: "db", dir: "/code/db", toplevel: "/code" },
    ];
    expect(() => sourceRootOf("/cfg", roots, "/cfg-repo")).toThrow(/comes from 2 repositories/);
    // The config's repository holds the other context too: one.
    const same = [roots[0] as (typeof roots)[0], { service: "db", dir: "/code/db", toplevel: "/cfg-repo" }];
    expect(sourceRootOf("/cfg", same, "/cfg-repo")).toBe("/cfg-repo");
  });
});
