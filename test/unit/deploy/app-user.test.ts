import { describe, expect, it } from "vitest";
import { ensureUserArgv } from "../../../src/commands/users.js";
import type { SlipwayConfig } from "../../../src/config/index.js";
import { prepareDatabaseDir } from "../../../src/deploy/backup-step.js";
import { appUser } from "../../../src/render/from-config/systemd.js";
import { FakeHost } from "../engine/fake-host.js";

describe("the app's dedicated user", () => {
  it("is app-<app>, cut to useradd's 32 characters without a trailing dash", () => {
    expect(appUser("harvest")).toBe("app-harvest");
    expect(appUser("a-very-long-application-name-that-goes-on")).toBe("app-a-very-long-application-name");
    expect(appUser("abcdefghijklmnopqrstuvwxyzab-cd")).toBe("app-abcdefghijklmnopqrstuvwxyzab");
  });

  it("is created as a system user with its own group only, no home and no shell, the name passed as an argument", () => {
    expect(ensureUserArgv("app-harvest")).toEqual([
      "sh",
      "-c",
      'getent passwd "$1" >/dev/null && exit 0; useradd --system --user-group --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin -- "$1"',
      "sh",
      "app-harvest",
    ]);
  });
});

describe("the database directory under runtime systemd", () => {
  const config = {
    app: "harvest",
    runtime: "systemd",
    services: { backend: {} },
    database: { engine: "sqlite", path: "/var/lib/harvest/harvest.db", create_dir: true },
  } as unknown as SlipwayConfig;

  it("creates the app user when missing, then hands the directory to it (not to the SSH user)", async () => {
    const host = new FakeHost("t1", (argv) => (argv[0] === "getent" ? { code: 2 } : {}));
    await prepareDatabaseDir(host, config, "deploy");
    expect(host.commands.map((c) => c.argv)).toEqual([
      ["getent", "passwd", "app-harvest"],
      ensureUserArgv("app-harvest"),
      [
        "sh",
        "-c",
        'test -d "$1" || mkdir -p -- "$1"; [ "$(stat -c %U -- "$1")" = "$2" ] || chown -R -- "$2" "$1"',
        "sh",
        "/var/lib/harvest",
        "app-harvest",
      ],
    ]);
  });

  it("database.create_dir false: a missing directory stops the deploy, naming it; an existing one is handed over", async () => {
    const missing = new FakeHost("t1", (argv) => (argv[0] === "test" ? { code: 1 } : {}));
    const manual = { ...config, database: { ...config.database, create_dir: false } } as SlipwayConfig;
    await expect(prepareDatabaseDir(missing, manual, "deploy")).rejects.toThrow(
      "the database directory /var/lib/harvest is missing and database.create_dir is false",
    );
    expect(missing.commands.map((c) => c.argv)).toEqual([["test", "-d", "/var/lib/harvest"]]);
    const present = new FakeHost("t1", () => ({}));
    await prepareDatabaseDir(present, manual, "deploy");
    expect(present.commands.map((c) => c.argv[0])).toEqual(["test", "getent", "sh"]);
  });

  it("database.owner wins and no user is created", async () => {
    const host = new FakeHost("t1", () => ({}));
    const owned = { ...config, database: { ...config.database, owner: "www-data" } } as SlipwayConfig;
    await prepareDatabaseDir(host, owned, "deploy");
    expect(host.commands.map((c) => c.argv.at(-1))).toEqual(["www-data"]);
  });
});
