import { describe, expect, it } from "vitest";
import {
  composeBase,
  composeBinary,
  composeConfigCheck,
  composeContainerArgv,
  composeDownArgv,
  composeLogsArgv,
  composeProjectBase,
  composePsArgv,
  composeStopArgv,
  composeUpArgv,
  composeUpKeepArgv,
  runningContainersArgv,
} from "../../../src/commands/compose.js";

describe("compose builders", () => {
  it("v1 is docker-compose; v2 and an unknown flavour are the plugin", () => {
    expect(composeBinary("v1")).toEqual(["docker-compose"]);
    expect(composeBinary("v2")).toEqual(["docker", "compose"]);
    expect(composeBinary(null)).toEqual(["docker", "compose"]);
  });

  it("the deploy's short flags and the module's long ones", () => {
    const base = composeBase("v2", "shop-blue", "/opt/shop/compose/blue/compose.yml");
    expect(base).toEqual(["docker", "compose", "-p", "shop-blue", "-f", "/opt/shop/compose/blue/compose.yml"]);
    expect(composeUpArgv(base).slice(6)).toEqual(["up", "--detach", "--remove-orphans"]);
    expect(composeStopArgv(base, 30).slice(6)).toEqual(["stop", "--timeout", "30"]);
    expect(composeStopArgv(base).slice(6)).toEqual(["stop", "--timeout", "10"]);
    expect(composeLogsArgv(base, 20).slice(6)).toEqual(["logs", "--no-color", "--tail", "20"]);
    expect(composeProjectBase("v1", "app", ["a.yml", "b.yml"])).toEqual([
      "docker-compose",
      "--project-name",
      "app",
      "--file",
      "a.yml",
      "--file",
      "b.yml",
    ]);
    expect(composeProjectBase(null, "app", [])).toEqual(["docker", "compose", "--project-name", "app"]);
  });

  it("containers by project and service labels; the config check", () => {
    expect(runningContainersArgv("shop-blue")).toEqual([
      "docker",
      "ps",
      "--quiet",
      "--filter",
      "label=com.docker.compose.project=shop-blue",
    ]);
    expect(composeContainerArgv(undefined, "db")).toEqual([
      "docker",
      "ps",
      "-q",
      "--filter",
      "label=com.docker.compose.service=db",
    ]);
    expect(composeContainerArgv("shop-accessories", "db").slice(3, 5)).toEqual([
      "--filter",
      "label=com.docker.compose.project=shop-accessories",
    ]);
    expect(composeConfigCheck("v1", "shop-green", "/c.yml")).toEqual({
      argv: ["docker-compose", "-p", "shop-green", "-f", "/c.yml", "config", "-q"],
      what: "docker-compose config",
    });
  });
});

describe("compose verbs on a base", () => {
  it("up keeping running containers, ps, down", () => {
    const base = ["docker", "compose", "-p", "p"];
    expect(composeUpKeepArgv(base)).toEqual([...base, "up", "--detach", "--no-recreate"]);
    expect(composePsArgv(base)).toEqual([...base, "ps", "--quiet"]);
    expect(composeDownArgv(base)).toEqual([...base, "down", "--remove-orphans"]);
    expect(composeDownArgv(base, false)).toEqual([...base, "down"]);
  });
});
