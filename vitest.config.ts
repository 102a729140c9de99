import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["test/unit/**/*.test.ts"],
          // A few tests run real sh, sqlite3 or git: 4-5 s of vitest's default 5 s on a loaded 2-core machine.
          testTimeout: 15_000,
          // One module graph for all unit files: 86 s against 317 s for the suite on the 2-core machine (importing
          // src/ again for each of 249 files took 111 s of CPU). Unit tests keep no state between files.
          isolate: false,
        },
      },
      {
        test: {
          name: "e2e",
          include: ["test/e2e/**/*.test.ts"],
          // e2e tests share the sandbox's targets; one file at a time keeps them from racing on the same host.
          fileParallelism: false,
          // A test of two or three deploys with image builds took 180-200 s in CI with two lanes on two cores.
          testTimeout: 300_000,
          hookTimeout: 600_000,
        },
      },
    ],
  },
});
