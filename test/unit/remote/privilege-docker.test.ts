import { describe, expect, it } from "vitest";
import { composeBase, composeContainerArgv, composeUpArgv } from "../../../src/commands/compose.js";
import {
  containerLogsArgv,
  removeContainersArgv,
  replaceContainerArgv,
  volumeHasPathArgv,
} from "../../../src/commands/docker.js";
import { loadArgv, pullArgv } from "../../../src/commands/docker-image.js";
import { SlipwayError } from "../../../src/errors.js";
import { HELPER_PATH as H, type PrivilegeContext, planCommand } from "../../../src/remote/privilege.js";
import { dockerGateArgs } from "../../../src/remote/privilege-docker.js";

const ctx: PrivilegeContext = { mode: "helper", app: "shop", deployDir: "/opt/shop", dataDirs: ["/var/lib/shop"] };
const DIGEST = `reg/shop@sha256:${"b".repeat(64)}`;

describe("helper mode's docker goes to the gate", () => {
  it("docker argv, with become or without, becomes `helper docker APP <docker arguments>` under sudo", () => {
    expect(planCommand(pullArgv(DIGEST), false, ctx)).toEqual({
      argv: [H, "docker", "shop", "pull", DIGEST],
      sudo: true,
    });
    expect(planCommand(loadArgv(), false, ctx)).toEqual({ argv: [H, "docker", "shop", "image", "load"], sudo: true });
    expect(planCommand(removeContainersArgv(["shop-web-blue"]), true, ctx)).toEqual({
      argv: [H, "docker", "shop", "rm", "--force", "--", "shop-web-blue"],
      sudo: true,
    });
    expect(planCommand(composeContainerArgv("shop-blue", "db"), true, ctx).argv).toEqual([
      H,
      "docker",
      "shop",
      "ps",
      "-q",
      "--filter",
      "label=com.docker.compose.project=shop-blue",
      "--filter",
      "label=com.docker.compose.service=db",
    ]);
  });

  it("compose v1 and v2 name their flavour; the gate runs the binary itself", () => {
    const v1 = composeUpArgv(composeBase("v1", "shop-blue", "/opt/shop/compose/blue.yml"));
    expect(dockerGateArgs(v1, "shop")).toEqual([
      "docker",
      "shop",
      "compose",
      "v1",
      "-p",
      "shop-blue",
      "-f",
      "/opt/shop/compose/blue.yml",
      "up",
      "--detach",
      "--remove-orphans",
    ]);
    const v2 = composeUpArgv(composeBase("v2", "shop-blue", "/opt/shop/c.yml"));
    expect(dockerGateArgs(v2, "shop")?.slice(0, 4)).toEqual(["docker", "shop", "compose", "v2"]);
  });

  it("the builders' sh scripts become the gate's own verbs (no shell runs as root)", () => {
    const run = ["docker", "run", "--detach", "--name", "shop-web-blue", "img"];
    expect(dockerGateArgs(replaceContainerArgv("shop-web-blue", run), "shop")).toEqual([
      "docker",
      "shop",
      "@replace",
      "shop-web-blue",
      ...run,
    ]);
    expect(dockerGateArgs(containerLogsArgv("shop-web-blue", { lines: 30 }), "shop")).toEqual([
      "docker",
      "shop",
      "@logs",
      "30",
      "shop-web-blue",
    ]);
    // slipway logs (D35): its flags as the gate's `@logs` grammar reads them.
    const query = { lines: 5, sinceSeconds: 120, follow: true, timestamps: true };
    expect(dockerGateArgs(containerLogsArgv("shop-web-blue", query), "shop")).toEqual([
      "docker",
      "shop",
      "@logs",
      "--timestamps",
      "--tail",
      "5",
      "--since",
      "120s",
      "--follow",
      "--",
      "shop-web-blue",
    ]);
    expect(dockerGateArgs(volumeHasPathArgv("shop-data", "app.db"), "shop")).toEqual([
      "docker",
      "shop",
      "@volume-has",
      "shop-data",
      "app.db",
    ]);
  });

  it("root mode keeps docker as it was; other commands are not docker's", () => {
    expect(planCommand(pullArgv(DIGEST), false, { mode: "root" })).toEqual({ argv: pullArgv(DIGEST), sudo: false });
    expect(dockerGateArgs(["sh", "-c", "docker ps", "sh"], "shop")).toBeUndefined();
    expect(dockerGateArgs(["id"], "shop")).toBeUndefined();
  });

  it("without an app there is nothing to check the docker call against: refused", () => {
    expect(() => dockerGateArgs(["docker", "ps"], undefined)).toThrow(SlipwayError);
  });

  it("a file database in a volume: its file operations go to `@volume`, its copies stream through the gate", () => {
    const db = "/var/lib/docker/volumes/shop-data/_data/app.db";
    expect(planCommand(["test", "-f", db], true, ctx)).toEqual({
      argv: [H, "docker", "shop", "@volume", "shop-data", "test", "-f", db],
      sudo: true,
    });
    const part = "/opt/shop/backups/x.sqlite3.part";
    expect(
      planCommand(["sqlite3", "-bail", "-cmd", ".timeout 30000", db, `VACUUM INTO '${part}';`], true, ctx),
    ).toEqual({
      argv: [
        "sh",
        "-c",
        `sudo -n -- ${H} docker "$1" @volume-sqlite-copy "$2" "$3" > "$4"`,
        "sh",
        "shop",
        "shop-data",
        db,
        part,
      ],
      sudo: false,
    });
    expect(planCommand(["cp", "--", "/opt/shop/backups/x.sqlite3", `${db}.slipway-restore`], true, ctx)).toEqual({
      argv: [
        "sh",
        "-c",
        `sudo -n -- ${H} docker "$1" @volume-put "$2" "$3" < "$4"`,
        "sh",
        "shop",
        "shop-data",
        `${db}.slipway-restore`,
        "/opt/shop/backups/x.sqlite3",
      ],
      sudo: false,
    });
    // A path in the volume and one elsewhere (not the two copies above): no translation, refused later.
    expect(() => planCommand(["mv", "-f", "--", db, "/etc/x"], true, ctx)).toThrow(SlipwayError);
  });

  it("`sudo -n docker ...` (restore stops writers that way) is the same gate call", () => {
    expect(planCommand(["sudo", "-n", "docker", "stop", "shop-web-blue"], false, ctx)).toEqual({
      argv: [H, "docker", "shop", "stop", "shop-web-blue"],
      sudo: true,
    });
  });
});
