import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import {
  containerCommandArgv as commandArgv,
  specStateArgv as inspectArgv,
  specHash,
} from "../../../src/commands/docker.js";
import { loadConfig } from "../../../src/config/index.js";
import {
  baseRunArgv,
  containerLabels,
  containerName,
  dockerRunArgv,
  hardeningArgs,
  releaseManifest,
  serviceImage,
} from "../../../src/deploy/container/run-spec.js";
import { configWithEnv } from "../../../src/deploy/runtime.js";
import { envFileFromConfig } from "../../../src/render/from-config/index.js";

const IMAGE = `10.213.0.1:5000/slipway/flask-docker-backend@sha256:${"a".repeat(64)}`;
const flask = () => loadConfig(resolve(import.meta.dirname, "../../../examples/flask-docker/slipway.yml"));

describe("container runtime builders", () => {
  it("names containers <app>-<service>-<color> and labels them", () => {
    expect(containerName("flask-docker", "backend", "green")).toBe("flask-docker-backend-green");
    expect(containerLabels("flask-docker", "blue", "abc1234-20261123000000")).toEqual({
      "slipway.app": "flask-docker",
      "slipway.color": "blue",
      "slipway.release": "abc1234-20261123000000",
    });
  });

  it("builds the docker run argv of flask-docker's backend (green: port + 10000, shared named volume)", async () => {
    const config = await flask();
    const input = {
      app: config.app,
      service: "backend",
      config: config.services.backend as NonNullable<(typeof config.services)["backend"]>,
      color: "green" as const,
      releaseId: "r1",
      image: IMAGE,
      envFile: "/opt/flask-docker/env/backend-green.env",
    };
    const base = [
      "docker",
      "run",
      "--detach",
      "--name",
      "flask-docker-backend-green",
      "--restart",
      "unless-stopped",
      "--cap-drop",
      "ALL",
      "--security-opt",
      "no-new-privileges",
      "--env-file",
      "/opt/flask-docker/env/backend-green.env",
      "--publish",
      "127.0.0.1:18887:8887",
      "--volume",
      "notes-instance:/app/instance",
      "--log-driver",
      "json-file",
      "--log-opt",
      "max-size=10m",
      "--log-opt",
      "max-file=5",
      "--label",
      "slipway.app=flask-docker",
      "--label",
      "slipway.color=green",
      "--label",
      "slipway.release=r1",
      IMAGE,
    ];
    expect(baseRunArgv(input)).toEqual(base);
    const run = dockerRunArgv(input);
    expect(run.spec).toBe(specHash(base));
    expect(run.argv).toEqual([...base.slice(0, -1), "--label", `slipway.spec=${run.spec}`, IMAGE]);
    // Blue binds the service's own port.
    expect(baseRunArgv({ ...input, color: "blue" })).toContain("127.0.0.1:8887:8887");
  });

  it("runs each instance of a load-balanced service as its own container on the next port", async () => {
    const config = await flask();
    const input = {
      app: config.app,
      service: "backend",
      config: config.services.backend as NonNullable<(typeof config.services)["backend"]>,
      color: "blue" as const,
      releaseId: "r1",
      image: IMAGE,
      envFile: "/opt/flask-docker/env/backend-blue.env",
    };
    expect(containerName("flask-docker", "backend", "blue", 0)).toBe("flask-docker-backend-blue");
    expect(containerName("flask-docker", "backend", "blue", 2)).toBe("flask-docker-backend-blue-3");
    const third = dockerRunArgv({ ...input, instance: 2 }).argv;
    expect(third.slice(third.indexOf("--name"), third.indexOf("--name") + 2)).toEqual([
      "--name",
      "flask-docker-backend-blue-3",
    ]);
    expect(third[third.indexOf("--publish") + 1]).toBe("127.0.0.1:8889:8887");
    expect(dockerRunArgv({ ...input, instance: 2 }).spec).not.toBe(dockerRunArgv(input).spec);
  });

  it("mounts the service's rendered config files read-only", async () => {
    const config = await flask();
    const argv = dockerRunArgv({
      app: config.app,
      service: "backend",
      config: config.services.backend as NonNullable<(typeof config.services)["backend"]>,
      color: "green",
      releaseId: "r1",
      image: IMAGE,
      envFile: "/opt/flask-docker/env/backend-green.env",
      files: [{ source: "/opt/flask-docker/files/backend-green/0-config.json", target: "/app/etc/config.json" }],
    }).argv;
    expect(argv).toContain("/opt/flask-docker/files/backend-green/0-config.json:/app/etc/config.json:ro");
  });

  it("drops every capability but the listed ones; non-root user and read-only root when configured", () => {
    expect(hardeningArgs(undefined)).toEqual(["--cap-drop", "ALL", "--security-opt", "no-new-privileges"]);
    expect(hardeningArgs({ user: "1000:1000", read_only: true, capabilities: ["NET_BIND_SERVICE"] })).toEqual([
      "--cap-drop",
      "ALL",
      "--cap-add",
      "NET_BIND_SERVICE",
      "--security-opt",
      "no-new-privileges",
      "--user",
      "1000:1000",
      "--read-only",
      "--tmpfs",
      "/tmp",
    ]);
  });

  it("adds limits, the configured log bound (D68) and the command after the image", () => {
    const argv = dockerRunArgv({
      app: "a",
      service: "worker",
      config: {
        port: 9000,
        ports: { blue: 9100, green: 9200 },
        volumes: ["/srv/data:/data:ro"],
        command: ["python3", "worker.py"],
        resources: { memory: "512M", cpus: 1.5, nofile: 4096 },
        logs: { max_size: "50M", max_files: 3 },
      },
      color: "blue",
      releaseId: "r2",
      image: "img:1",
      envFile: "/e",
    }).argv;
    expect(argv.slice(13)).toEqual([
      "--publish",
      "127.0.0.1:9100:9000",
      "--volume",
      "/srv/data:/data:ro",
      "--memory",
      "512M",
      "--cpus",
      "1.5",
      "--ulimit",
      "nofile=4096:4096",
      "--log-driver",
      "json-file",
      "--log-opt",
      "max-size=50m",
      "--log-opt",
      "max-file=3",
      "--label",
      "slipway.app=a",
      "--label",
      "slipway.color=blue",
      "--label",
      "slipway.release=r2",
      "--label",
      expect.stringMatching(/^slipway\.spec=[0-9a-f]{16}$/),
      "img:1",
      "python3",
      "worker.py",
    ]);
  });

  it("runs a string command through sh -c", () => {
    expect(commandArgv("gunicorn main:app")).toEqual(["sh", "-c", "gunicorn main:app"]);
    expect(commandArgv(undefined)).toEqual([]);
  });

  it("a different release, image or env file changes the spec", async () => {
    const config = await flask();
    const input = {
      app: config.app,
      service: "backend",
      config: config.services.backend as NonNullable<(typeof config.services)["backend"]>,
      color: "blue" as const,
      releaseId: "r1",
      image: IMAGE,
      envFile: "/e",
    };
    const spec = dockerRunArgv(input).spec;
    expect(dockerRunArgv(input).spec).toBe(spec);
    expect(dockerRunArgv({ ...input, releaseId: "r2" }).spec).not.toBe(spec);
    expect(dockerRunArgv({ ...input, image: "other@sha256:1" }).spec).not.toBe(spec);
  });

  it("inspects the spec label and running state", () => {
    expect(inspectArgv(["a-b-blue"])).toEqual([
      "docker",
      "inspect",
      "--format",
      '{{index .Config.Labels "slipway.spec"}} {{.State.Running}}',
      "a-b-blue",
    ]);
  });

  it("takes the image from the deploy's map, else image: from slipway.yml, else fails with a hint", async () => {
    const config = await flask();
    expect(serviceImage(config, "backend", { backend: IMAGE })).toBe(IMAGE);
    expect(() => serviceImage(config, "backend", {})).toThrow("no image for service backend");
  });

  it("writes the color's env file with PORT = the port the container listens on (not the color's host port)", async () => {
    const config = await flask();
    const colored = configWithEnv(config, { APP_VERSION: "v2" }, "green");
    const env = envFileFromConfig(colored, "backend", "green", { SECRET_KEY: "s3cret" }, { runtimeFormat: true });
    expect(env.path).toBe("/opt/flask-docker/env/backend-green.env");
    expect(env.content).toBe(
      "# Managed by Slipway (docker --env-file: values are literal).\nPORT=8887\nINSTANCE_PATH=/app/instance\nAPP_VERSION=v2\nSLIPWAY_COLOR=green\nSECRET_KEY=s3cret\n",
    );
  });

  it("records what a release ran", () => {
    expect(releaseManifest("r1", { backend: IMAGE })).toBe(
      `{\n  "release": "r1",\n  "images": {\n    "backend": "${IMAGE}"\n  }\n}\n`,
    );
  });
});
