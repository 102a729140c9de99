import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { shippedPaths } from "../../../src/deploy/ship-files.js";

/** A service directory with the files a developer's checkout really holds. */
function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "slipway-ship-"));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

const CHECKOUT = {
  "app.py": "",
  "static/site.css": "",
  ".env": "SECRET_KEY=dev",
  ".env.production": "SECRET_KEY=prod",
  "app.db": "",
  "harvest.sqlite3": "",
  "harvest.sqlite3-journal": "",
  "sub/cache.sqlite": "",
  "instance/config.py": "SECRET_KEY='x'",
  "__pycache__/app.cpython-311.pyc": "",
  "lib/__pycache__/x.pyc": "",
  ".git/config": "",
  "node_modules/x/index.js": "",
  ".venv/bin/python": "",
  "tests/test_app.py": "",
  "data/harvest.db": "",
  "envelope.py": "",
  "database.py": "",
};

describe("shippedPaths", () => {
  it("leaves out secrets, local databases, instance/, VCS data and caches at any depth by default", () => {
    expect(shippedPaths(tree(CHECKOUT))).toEqual([
      "app.py",
      "database.py",
      "envelope.py",
      "lib",
      "static",
      "static/site.css",
      "sub",
    ]);
  });

  it("honours .dockerignore, then .slipwayignore (last match wins, ! re-includes)", () => {
    const dir = tree({
      ...CHECKOUT,
      ".dockerignore": "# images need no docs\ndocs\n*.md\n",
      ".slipwayignore": "!README.md\nstatic/*.css\n",
      "docs/index.html": "",
      "README.md": "",
      "CHANGES.md": "",
    });
    expect(shippedPaths(dir)).toEqual([
      ".dockerignore",
      ".slipwayignore",
      "README.md",
      "app.py",
      "database.py",
      "envelope.py",
      "lib",
      "static",
      "sub",
    ]);
  });

  it("a developer can explicitly ship an excluded file back with !", () => {
    const dir = tree({ ...CHECKOUT, ".slipwayignore": "!instance/config.py\n" });
    expect(shippedPaths(dir)).toContain("instance/config.py");
    expect(shippedPaths(dir)).not.toContain(".env");
  });
});
