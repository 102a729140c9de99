import { describe, expect, it } from "vitest";
import {
  containerCommandArgv,
  containerLogsArgv,
  containerRunArgv,
  containerStateArgv,
  containersArgv,
  dockerInspectArgv,
  execInContainerPrefix,
  exitCodeOf,
  exitStateArgv,
  REPLACE_CONTAINER,
  removeContainersArgv,
  removeVolumesArgv,
  replaceContainerArgv,
  specHash,
  specStateArgv,
  stopContainersArgv,
  volumeHasPathArgv,
  volumeMountpointArgv,
} from "../../../src/commands/docker.js";

describe("docker container builders", () => {
  it("docker run: flags in field order, the spec label before the image, the hash of the rest", () => {
    const run = containerRunArgv({
      name: "shop-web-blue",
      restart: "unless-stopped",
      envFile: "/opt/shop/env/web-blue.env",
      publish: ["127.0.0.1:8001:8000"],
      labels: { "slipway.app": "shop" },
      image: "reg/shop@sha256:abc",
      command: ["gunicorn", "app:app"],
    });
    const base = [
      "docker",
      "run",
      "--detach",
      "--name",
      "shop-web-blue",
      "--restart",
      "unless-stopped",
      "--env-file",
      "/opt/shop/env/web-blue.env",
      "--publish",
      "127.0.0.1:8001:8000",
      "--label",
      "slipway.app=shop",
    ];
    expect(run.spec).toBe(specHash([...base, "reg/shop@sha256:abc", "gunicorn", "app:app"]));
    expect(run.argv).toEqual([
      ...base,
      "--label",
      `slipway.spec=${run.spec}`,
      "reg/shop@sha256:abc",
      "gunicorn",
      "app:app",
    ]);
  });

  it("a string command runs through sh -c, a list as it is", () => {
    expect(containerCommandArgv("gunicorn main:app")).toEqual(["sh", "-c", "gunicorn main:app"]);
    expect(containerCommandArgv(["a", "b"])).toEqual(["a", "b"]);
    expect(containerCommandArgv(undefined)).toEqual([]);
  });

  it("replace: removes the old container by name, then execs the run argv, in one round trip", () => {
    expect(replaceContainerArgv("a-web-blue", ["docker", "run", "img"])).toEqual([
      "sh",
      "-c",
      REPLACE_CONTAINER,
      "sh",
      "a-web-blue",
      "docker",
      "run",
      "img",
    ]);
    expect(REPLACE_CONTAINER).toBe('docker rm --force -- "$1" >/dev/null 2>&1; shift; exec "$@"');
  });

  it("start, stop, remove, inspect, logs", () => {
    expect(containersArgv("start", ["a", "b"])).toEqual(["docker", "start", "a", "b"]);
    expect(containersArgv("stop", ["a"], ["--"])).toEqual(["docker", "stop", "--", "a"]);
    expect(stopContainersArgv(["a", "b"], 30)).toEqual(["docker", "stop", "--time", "30", "--", "a", "b"]);
    expect(removeContainersArgv(["a"])).toEqual(["docker", "rm", "--force", "--", "a"]);
    expect(dockerInspectArgv("{{.Name}}", ["a", "b"])).toEqual([
      "docker",
      "inspect",
      "--format",
      "{{.Name}}",
      "a",
      "b",
    ]);
    expect(specStateArgv(["a"])).toEqual([
      "docker",
      "inspect",
      "--format",
      '{{index .Config.Labels "slipway.spec"}} {{.State.Running}}',
      "a",
    ]);
    expect(containerStateArgv("web")).toEqual([
      "docker",
      "container",
      "inspect",
      "--format",
      '{{.Image}}|{{.State.Running}}|{{index .Config.Labels "slipway.spec"}}',
      "--",
      "web",
    ]);
    expect(containerLogsArgv("a-web-blue", { lines: 50 })).toEqual([
      "sh",
      "-c",
      'exec docker logs "$@" 2>&1',
      "sh",
      "--tail",
      "50",
      "--",
      "a-web-blue",
    ]);
  });

  it("exec prefix, volumes", () => {
    expect(execInContainerPrefix("db")).toEqual(["docker", "exec", "-i", "db"]);
    expect(execInContainerPrefix("db", "postgres", ["PGPASSFILE=/tmp/p"])).toEqual([
      "docker",
      "exec",
      "-i",
      "-u",
      "postgres",
      "-e",
      "PGPASSFILE=/tmp/p",
      "db",
    ]);
    expect(volumeMountpointArgv("data")).toEqual([
      "docker",
      "volume",
      "inspect",
      "--format",
      "{{ .Mountpoint }}",
      "data",
    ]);
    expect(volumeHasPathArgv("data", "app.db")).toEqual([
      "sh",
      "-c",
      'm=$(docker volume inspect --format "{{ .Mountpoint }}" -- "$1" 2>/dev/null) && test -e "$m/$2"',
      "sh",
      "data",
      "app.db",
    ]);
    expect(removeVolumesArgv(["a", "b"])).toEqual(["docker", "volume", "rm", "--force", "--", "a", "b"]);
  });
});

describe("a container's exit state (the gate's crash hint, D65)", () => {
  it("inspects status and exit code; an exit code only when the container is not running", () => {
    expect(exitStateArgv("shop-web-blue")).toEqual([
      "docker",
      "container",
      "inspect",
      "--format",
      "{{.State.Status}} {{.State.ExitCode}}",
      "--",
      "shop-web-blue",
    ]);
    expect(["exited 1\n", "restarting 3", "dead 137", "running 0", "created 0", ""].map(exitCodeOf)).toEqual([
      1,
      3,
      137,
      undefined,
      undefined,
      undefined,
    ]);
  });
});
