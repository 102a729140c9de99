// Static checks on examples/: the rules every example must keep so the sandbox can build it offline.
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { shippedPaths } from "../../../src/deploy/ship-files.js";
import { EXAMPLE_IMAGES } from "../../e2e/examples/example-images.js";

const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const EXAMPLES = join(REPO_ROOT, "examples");

function filesNamed(dir: string, name: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return entry === "node_modules" ? [] : filesNamed(path, name);
    return entry === name ? [path] : [];
  });
}

const dockerfiles = filesNamed(EXAMPLES, "Dockerfile");

describe("example Dockerfiles", () => {
  it("exist for every image the e2e test builds, and no others", () => {
    const contexts = dockerfiles.map((path) => relative(REPO_ROOT, path).replace(/\/Dockerfile$/, "")).sort();
    expect(contexts).toEqual(EXAMPLE_IMAGES.map((example) => example.context).sort());
  });

  for (const path of dockerfiles) {
    const name = relative(REPO_ROOT, path);
    const text = readFileSync(path, "utf8");
    const instructions = text.split("\n").filter((line) => line.trim() && !line.trim().startsWith("#"));

    it(`${name} builds from the local base image only, with no network`, () => {
      expect(instructions.filter((line) => /^FROM\s/i.test(line))).toEqual(["FROM slipway-base:latest"]);
      expect(instructions.join("\n")).not.toMatch(/apt-get|apt |pip3? |pip install|curl |wget /);
    });

    it(`${name} takes APP_VERSION and BROKEN build args and declares a HEALTHCHECK`, () => {
      expect(instructions).toContain('ARG APP_VERSION=""');
      expect(instructions).toContain('ARG BROKEN=""');
      expect(instructions.some((line) => line.startsWith("HEALTHCHECK"))).toBe(true);
      expect(instructions.some((line) => line.startsWith("CMD ["))).toBe(true);
    });
  }
});

describe("release_info.py", () => {
  it("is the same file in every service (each build context carries its own copy)", () => {
    const copies = filesNamed(EXAMPLES, "release_info.py");
    expect(copies).toHaveLength(EXAMPLE_IMAGES.length);
    const distinct = new Set(copies.map((path) => readFileSync(path, "utf8")));
    expect(distinct.size).toBe(1);
  });
});

describe("example READMEs", () => {
  for (const example of ["harvest", "duckdb-compose", "flask-docker"]) {
    it(`${example}/README.md documents running it, its routes and the broken builds`, () => {
      const readme = readFileSync(join(EXAMPLES, example, "README.md"), "utf8");
      expect(readme).toContain("## Run locally");
      expect(readme).toContain("## Routes");
      for (const mode of ["unhealthy", "after-switch", "crash"]) expect(readme).toContain(`\`${mode}\``);
      expect(readme).toContain("--build-arg BROKEN=");
    });
  }
});

describe("the BROKEN switch file", () => {
  it("is never shipped from a source directory, as each README says (.dockerignore, read by the code upload)", () => {
    for (const dockerfile of dockerfiles) {
      const dir = mkdtempSync(join(tmpdir(), "slipway-broken-"));
      copyFileSync(join(dirname(dockerfile), ".dockerignore"), join(dir, ".dockerignore"));
      writeFileSync(join(dir, "BROKEN"), "after-switch\n");
      writeFileSync(join(dir, "main.py"), "");
      expect(shippedPaths(dir), relative(REPO_ROOT, dockerfile)).toEqual(["main.py"]);
    }
    for (const example of ["harvest", "duckdb-compose", "flask-docker"]) {
      const readme = readFileSync(join(EXAMPLES, example, "README.md"), "utf8").replace(/\s+/g, " ");
      expect(readme).toContain(
        "A `BROKEN` file in your source directory is never shipped: `.dockerignore` excludes it",
      );
    }
  });
});
