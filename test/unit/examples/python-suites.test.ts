// Runs each example service's Python unittest suite (Flask test clients and temp files: no network).
// Uses Debian's /usr/bin/python3 on purpose: python3-flask & co. are Debian packages, installed for that interpreter
// only (a pyenv or venv python3 earlier on PATH would not see them).
import { execFile } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { EXAMPLE_IMAGES } from "../../e2e/examples/example-images.js";

const execFileAsync = promisify(execFile);
const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const DEBIAN_PYTHON = "/usr/bin/python3";

describe("example Python test suites", () => {
  for (const example of EXAMPLE_IMAGES) {
    it(`${example.context} passes python3 -m unittest`, async () => {
      const { stderr } = await execFileAsync(DEBIAN_PYTHON, ["-m", "unittest", "discover", "-s", "tests"], {
        cwd: join(REPO_ROOT, example.context),
        // No __pycache__ left in the build contexts.
        env: { ...process.env, PYTHONDONTWRITEBYTECODE: "1" },
      }).catch((error: { stdout?: string; stderr?: string; message: string }) => {
        throw new Error(
          `unittest failed in ${example.context} (needs: apt-get install python3-flask python3-flask-sqlalchemy python3-fastapi):\n${error.stderr ?? error.message}`,
        );
      });
      expect(stderr).toMatch(/\nOK\s*$/);
    }, 60_000);
  }
});
