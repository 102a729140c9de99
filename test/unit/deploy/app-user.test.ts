import { describe, expect, it } from "vitest";
import { ensureUserArgv } from "../../../src/deploy/app-user.js";
import { appUser } from "../../../src/render/from-config/systemd.js";

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
