/** D77: which container of the app publishes a host port (docker's userland proxy listens there for it). */
import { describe, expect, it } from "vitest";
import { appPortsArgv, parsePublishedPorts } from "../../../src/commands/docker.js";

describe("the app's published ports", () => {
  it("lists the app's running containers with color label and ports", () => {
    expect(appPortsArgv("nu-dk7")).toEqual([
      "docker",
      "ps",
      "--filter",
      "label=slipway.app=nu-dk7",
      "--format",
      '{{.Names}}\t{{.Label "slipway.color"}}\t{{.Ports}}',
    ]);
  });

  it("parses each published host port (IPv4, IPv6, ranges), skipping unpublished ones and blank lines", () => {
    const stdout = [
      "nu-dk7-backend-blue\tblue\t127.0.0.1:12015->12015/tcp",
      "shop-web-green\tgreen\t0.0.0.0:8080->80/tcp, :::8080->80/tcp, 0.0.0.0:9000-9001->9000-9001/tcp",
      "shop-worker-green\tgreen\t8000/tcp",
      "",
    ].join("\n");
    expect(parsePublishedPorts(stdout)).toEqual([
      { port: 12015, name: "nu-dk7-backend-blue", color: "blue" },
      { port: 8080, name: "shop-web-green", color: "green" },
      { port: 9000, name: "shop-web-green", color: "green" },
      { port: 9001, name: "shop-web-green", color: "green" },
    ]);
  });
});
