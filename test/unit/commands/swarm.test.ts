/** Docker Swarm argv (src/commands/swarm.ts), by exact value. */
import { describe, expect, it } from "vitest";
import { swarmStackWriters } from "../../../src/backup/writers.js";
import {
  NODE_STATUS_FORMAT,
  nodeAvailabilityArgv,
  nodeLabelArgv,
  nodesInspectArgv,
  serviceConstraintsArgv,
  serviceConstraintsUpdateArgv,
  serviceScaleArgv,
  serviceTasksArgv,
  stackContainersArgv,
  stackDeployArgv,
  stackNetworksArgv,
  stackTasksArgv,
  swarmInitArgv,
  swarmJoinArgv,
  swarmObjectCreateArgv,
} from "../../../src/commands/swarm.js";

describe("swarm argv", () => {
  it("initialises on the inventory address and joins with the token from stdin, never in argv", () => {
    expect(swarmInitArgv("10.213.0.14")).toEqual([
      "docker",
      "swarm",
      "init",
      "--advertise-addr",
      "10.213.0.14",
      "--listen-addr",
      "10.213.0.14:2377",
    ]);
    const join = swarmJoinArgv("10.213.0.15", "10.213.0.14");
    expect(join).toEqual([
      "sh",
      "-c",
      'read -r token && exec docker swarm join --advertise-addr "$1" --token "$token" "$2:2377"',
      "sh",
      "10.213.0.15",
      "10.213.0.14",
    ]);
    expect(join.join(" ")).not.toContain("SWMTKN");
  });

  it("labels and drains nodes", () => {
    expect(nodeLabelArgv("t4", { db: "true", zone: "a" })).toEqual([
      "docker",
      "node",
      "update",
      "--label-add",
      "db=true",
      "--label-add",
      "zone=a",
      "--",
      "t4",
    ]);
    expect(nodeAvailabilityArgv("t5", "drain")).toEqual([
      "docker",
      "node",
      "update",
      "--availability",
      "drain",
      "--",
      "t5",
    ]);
  });

  it("deploys a stack pinned to digests and lists its tasks", () => {
    expect(stackDeployArgv("shop-blue", "/opt/shop/swarm/blue/stack.yml")).toEqual([
      "docker",
      "stack",
      "deploy",
      "--compose-file",
      "/opt/shop/swarm/blue/stack.yml",
      "--with-registry-auth",
      "--prune",
      "--resolve-image",
      "always",
      "shop-blue",
    ]);
    expect(stackTasksArgv("shop-blue")).toEqual([
      "docker",
      "stack",
      "ps",
      "--filter",
      "desired-state=running",
      "--format",
      "{{.Name}} {{.Node}} {{.CurrentState}}",
      "shop-blue",
    ]);
  });

  it("creates secrets from stdin and stops a color's writers by scaling to 0", () => {
    expect(swarmObjectCreateArgv("secret", "shop_api_KEY_1a2b", { "slipway.app": "shop" })).toEqual([
      "docker",
      "secret",
      "create",
      "--label",
      "slipway.app=shop",
      "shop_api_KEY_1a2b",
      "-",
    ]);
    expect(swarmStackWriters("shop-blue", ["api"])).toEqual({
      stop: [serviceScaleArgv("shop-blue_api", 0)],
      start: [["docker", "service", "scale", "--detach=false", "shop-blue_api=1"]],
    });
  });

  it("reads a service's placement constraints as the engine holds them", () => {
    expect(serviceConstraintsArgv("shop-accessories_db")).toEqual([
      "docker",
      "service",
      "inspect",
      "--format",
      "{{json .Spec.TaskTemplate.Placement.Constraints}}",
      "shop-accessories_db",
    ]);
    expect(
      serviceConstraintsUpdateArgv("shop-accessories_db", ["node.labels.db == true"], ["node.hostname == t5"]),
    ).toEqual([
      "docker",
      "service",
      "update",
      "--constraint-rm",
      "node.labels.db == true",
      "--constraint-add",
      "node.hostname == t5",
      "shop-accessories_db",
    ]);
  });

  it("reads where tasks run, why they do not, and what a removed stack left", () => {
    expect(nodesInspectArgv()).toEqual([
      "sh",
      "-c",
      'ids=$(docker node ls -q) && exec docker node inspect --format "$1" $ids',
      "sh",
      NODE_STATUS_FORMAT,
    ]);
    expect(serviceTasksArgv("shop-blue_api")).toEqual([
      "docker",
      "service",
      "ps",
      "--no-trunc",
      "--format",
      "{{.Name}}|{{.Node}}|{{.DesiredState}}|{{.CurrentState}}|{{.Error}}",
      "shop-blue_api",
    ]);
    expect(stackNetworksArgv("shop-blue")).toEqual([
      "docker",
      "network",
      "ls",
      "-q",
      "--filter",
      "label=com.docker.stack.namespace=shop-blue",
    ]);
    expect(stackContainersArgv("shop-blue")).toEqual([
      "docker",
      "ps",
      "-aq",
      "--filter",
      "label=com.docker.stack.namespace=shop-blue",
    ]);
  });
});
