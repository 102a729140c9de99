import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config/index.js";
import { containerRuntime } from "../../../src/deploy/container-runtime.js";
import { settleAll } from "../../../src/deploy/settle.js";
import { FakeHost } from "../engine/fake-host.js";
import { WaveHost } from "./wave-host.js";

const IMAGE = `10.213.0.1:5000/slipway/flask-docker-backend@sha256:${"a".repeat(64)}`;
const input = (check: boolean) => ({
  releaseId: "r2",
  env: { APP_VERSION: "2" },
  images: { backend: IMAGE },
  secrets: { SECRET_KEY: "s3cret" },
  check,
});

async function staging(check: boolean, envBefore?: string) {
  const config = await loadConfig(resolve(import.meta.dirname, "../../../examples/flask-docker/slipway.yml"));
  const fake = new FakeHost("t1");
  if (envBefore !== undefined) fake.writeFile(ENV, envBefore, "0600");
  // The image is on the host already; no container of the color exists yet.
  fake.handlers.set("docker", (argv) => dockerWithout(argv));
  const host = new WaveHost(fake);
  const runtime = containerRuntime(config, host);
  const result = await host.run(() => runtime.stage("green", input(check)));
  return { result, host, fake, runtime };
}
const ENV = "/opt/flask-docker/env/backend-green.env";

/** The host's docker: the image there, `docker run` starts, no container (`looks`: `<spec> <running>` lines). */
function dockerWithout(argv: readonly string[], looks = "") {
  if (argv.includes("image")) return { stdout: `sha256:${"b".repeat(64)}\n` };
  if (argv[1] === "run" || argv[1] === "rm") return { stdout: "" };
  return looks ? { stdout: looks } : { code: 1, stderr: `Error: No such object: ${argv.at(-1)}` };
}

describe("container stage round trips", () => {
  it("stages in 3 waves: inspect, image check, env file and release manifest at once (was 8 in a row)", async () => {
    const { result, host } = await staging(false);
    expect(result.actions).toEqual([
      "wrote /opt/flask-docker/env/backend-green.env",
      `run flask-docker-backend-green from ${IMAGE}`,
    ]);
    expect(host.waves).toBe(3);
    // The release manifest is written without an inspect first (a new release's directory is empty); the port
    // squatter check's `ss` (judged by start()) rides in the first wave.
    expect(host.log.map((wave) => wave.length)).toEqual([5, 1, 1]);
    expect(host.log[0]).toContain("exec ss -Hltnp ( sport = :18887 )");
  });

  it("reports an image it pulled (retire's image prune then reads the host), not one the host had", async () => {
    expect((await staging(false)).result.delivered).toBe(false);
    const config = await loadConfig(resolve(import.meta.dirname, "../../../examples/flask-docker/slipway.yml"));
    const fake = new FakeHost("t1");
    let pulled = false;
    fake.handlers.set("docker", (argv) => {
      if (argv[1] === "pull") pulled = true;
      if (argv[1] === "pull" || (argv.includes("image") && pulled)) return { stdout: `sha256:${"b".repeat(64)}\n` };
      return { code: 1, stderr: "No such object" };
    });
    const staged = await containerRuntime(config, fake).stage("green", input(false));
    expect(staged.actions).toContain(`pull ${IMAGE}`);
    expect(staged.delivered).toBe(true);
    expect((await containerRuntime(config, fake).stage("green", input(true))).delivered).toBe(false);
  });

  it("after the plan: no docker call (containers and image as the plan saw them), the env file and the manifest (its directory made by the same command) in 1 wave", async () => {
    const { host, fake, runtime } = await staging(true, "APP_VERSION=1\n");
    host.log.length = 0;
    host.waves = 0;
    const result = await host.run(() => runtime.stage("green", input(false)));
    expect(result.actions).toEqual([`wrote ${ENV}`, `run flask-docker-backend-green from ${IMAGE}`]);
    expect(host.log).toEqual([
      [
        "exec ss -Hltnp ( sport = :18887 )",
        `putFile ${ENV}`,
        expect.stringMatching(
          /^exec \/bin\/sh -c set -e\nmkdir -p -- [\s\S]* \/opt\/flask-docker\/releases\/r2\/images.json 0644 {3}\d+$/,
        ),
      ],
    ]);
    // start() judges the listeners read in the stage: no command of its own before `docker run`.
    const started = host.waves;
    await host.run(() => runtime.start("green"));
    expect(host.waves - started).toBe(1);
    expect(host.log.at(-1)?.[0]).toMatch(/^exec docker run --detach --name flask-docker-backend-green /);
    expect(fake.files.get(ENV)?.content).toContain("APP_VERSION=2");
  });

  it("after the plan, an env file that already holds the content is not touched", async () => {
    // A first run wrote the env file; a new run plans (reads it: the same) and then stages.
    const { fake } = await staging(false);
    const config = await loadConfig(resolve(import.meta.dirname, "../../../examples/flask-docker/slipway.yml"));
    const host = new WaveHost(fake);
    const runtime = containerRuntime(config, host);
    const planned = await host.run(() => runtime.stage("green", input(true)));
    expect(planned.actions).not.toContain(`write ${ENV}`);
    host.log.length = 0;
    await host.run(() => runtime.stage("green", input(false)));
    expect(host.log.flat().filter((call) => call.includes(ENV))).toEqual([]);
  });

  it("plans in 1 wave: inspect, image check and the env file read at once", async () => {
    const { result, host } = await staging(true);
    expect(result.actions).toEqual([
      "write /opt/flask-docker/env/backend-green.env",
      `would run flask-docker-backend-green from ${IMAGE}`,
    ]);
    expect(host.waves).toBe(1);
  });

  it("a missing secret refuses before any round trip", async () => {
    const config = await loadConfig(resolve(import.meta.dirname, "../../../examples/flask-docker/slipway.yml"));
    const host = new WaveHost(new FakeHost("t1"));
    const staged = host.run(() => containerRuntime(config, host).stage("green", { ...input(false), secrets: {} }));
    await expect(staged).rejects.toThrow("needs secrets that are not set: SECRET_KEY");
    expect(host.waves).toBe(0);
  });
});

describe("settleAll", () => {
  it("waits for every promise, then throws the first failure in argument order", async () => {
    const finished: string[] = [];
    const slow = new Promise<string>((r) => setTimeout(() => r(finished.push("slow") ? "slow" : ""), 20));
    const failing = Promise.reject(new Error("first"));
    const later = Promise.reject(new Error("second"));
    await expect(settleAll([failing, slow, later])).rejects.toThrow("first");
    expect(finished).toEqual(["slow"]);
    expect(await settleAll([Promise.resolve(1), "two", null])).toEqual([1, "two", null]);
  });
});

describe("container prepare(): what the plan's stage reads, read with the flow's first reads", () => {
  async function prepared() {
    const config = await loadConfig(resolve(import.meta.dirname, "../../../examples/flask-docker/slipway.yml"));
    const fake = new FakeHost("t1");
    fake.writeFile(ENV, "APP_VERSION=1\n", "0600");
    fake.handlers.set("docker", (argv) => dockerWithout(argv));
    const host = new WaveHost(fake);
    const runtime = containerRuntime(config, host);
    await host.run(() => runtime.prepare?.({ images: { backend: IMAGE } }) ?? Promise.resolve());
    return { host, runtime };
  }

  it("both colors' containers and the image in 1 wave; the plan's stage then calls no docker", async () => {
    const { host, runtime } = await prepared();
    expect(host.log).toEqual([
      [
        `exec docker inspect --format {{index .Config.Labels "slipway.spec"}} {{.State.Running}} flask-docker-backend-blue flask-docker-backend-green`,
        `exec docker image inspect --format {{.Id}} ${IMAGE}`,
      ],
    ]);
    host.log.length = 0;
    const plan = await host.run(() => runtime.stage("green", input(true)));
    expect(plan.actions).toEqual([`write ${ENV}`, `would run flask-docker-backend-green from ${IMAGE}`]);
    expect(host.log.flat().filter((c) => c.startsWith("exec docker"))).toEqual([]);
    // The run uses what the plan saw: still no docker call before `docker run`.
    host.log.length = 0;
    await host.run(() => runtime.stage("green", input(false)));
    expect(host.log.flat().filter((c) => c.startsWith("exec docker"))).toEqual([]);
  });

  it("isRunning as planned (alreadyLive's look) asks no docker; asked plainly (the run's reconcile), it inspects", async () => {
    const { host, runtime } = await prepared();
    host.log.length = 0;
    expect(await host.run(() => runtime.isRunning("green", { planned: true }))).toBe(false);
    expect(host.log).toEqual([]);
    await host.run(() => runtime.isRunning("green"));
    expect(host.log.flat()).toEqual([
      `exec docker inspect --format {{index .Config.Labels "slipway.spec"}} {{.State.Running}} flask-docker-backend-green`,
    ]);
    runtime.forget?.();
    host.log.length = 0;
    await host.run(() => runtime.isRunning("green", { planned: true }));
    expect(host.log.flat()).toHaveLength(1);
  });

  it("forget() (another run changed the host): the run inspects the color and the image again", async () => {
    const { host, runtime } = await prepared();
    await host.run(() => runtime.stage("green", input(true)));
    runtime.forget?.();
    host.log.length = 0;
    await host.run(() => runtime.stage("green", input(false)));
    expect(host.log.flat().filter((c) => c.startsWith("exec docker"))).toEqual([
      `exec docker inspect --format {{index .Config.Labels "slipway.spec"}} {{.State.Running}} flask-docker-backend-green`,
      `exec docker image inspect --format {{.Id}} ${IMAGE}`,
    ]);
  });
});

describe("container stage: the color's old containers go with the stage's commands", () => {
  const GREEN = "flask-docker-backend-green";
  /** Blue runs; green is `green` (`<spec> <running>`, "" for no container). */
  async function planned(green: string, run?: (argv: readonly string[]) => object | undefined) {
    const config = await loadConfig(resolve(import.meta.dirname, "../../../examples/flask-docker/slipway.yml"));
    const fake = new FakeHost("t1");
    fake.writeFile(ENV, "APP_VERSION=1\n", "0600");
    fake.handlers.set("docker", (argv) => {
      if (argv[1] === "inspect" && argv.length > 5) {
        return green
          ? { stdout: `live true\n${green}\n` }
          : { code: 1, stdout: "live true\n", stderr: `Error: No such object: ${GREEN}\n` };
      }
      return run?.(argv) ?? dockerWithout(argv);
    });
    const host = new WaveHost(fake);
    const runtime = containerRuntime(config, host);
    await runtime.prepare?.({ images: { backend: IMAGE } });
    await host.run(() => runtime.stage("green", input(true)));
    host.log.length = 0;
    host.waves = 0;
    return { host, runtime, fake };
  }

  it("prepare() resolves before its reads answer: the plan's env file read goes out in the same wave", async () => {
    const config = await loadConfig(resolve(import.meta.dirname, "../../../examples/flask-docker/slipway.yml"));
    const fake = new FakeHost("t1");
    fake.handlers.set("docker", (argv) => dockerWithout(argv));
    const host = new WaveHost(fake);
    const runtime = containerRuntime(config, host);
    await runtime.prepare?.({ images: { backend: IMAGE } });
    expect(host.waves).toBe(0);
    await host.run(() => runtime.stage("green", input(true)));
    expect(host.waves).toBe(1);
    expect(host.log[0]).toEqual([
      `exec docker inspect --format {{index .Config.Labels "slipway.spec"}} {{.State.Running}} flask-docker-backend-blue ${GREEN}`,
      `exec docker image inspect --format {{.Id}} ${IMAGE}`,
      `readFile ${ENV}`,
    ]);
  });

  it("a stopped container from two deploys ago: `docker rm` in the stage's one wave, then a bare `docker run`", async () => {
    const { host, runtime } = await planned("old false");
    await host.run(() => runtime.stage("green", input(false)));
    expect(host.waves).toBe(1);
    expect(host.log[0]).toContain(`exec docker rm --force -- ${GREEN}`);
    expect(host.log[0]?.filter((c) => c.startsWith("exec ss "))).toHaveLength(1);
    host.log.length = 0;
    await host.run(() => runtime.start("green"));
    expect(host.log).toHaveLength(1);
    expect(host.log[0]?.[0]).toMatch(new RegExp(`^exec docker run --detach --name ${GREEN} `));
  });

  it("no container of the color: no `docker rm` at all", async () => {
    const { host, runtime } = await planned("");
    await host.run(() => runtime.stage("green", input(false)));
    expect(host.log.flat().filter((c) => c.includes("docker rm"))).toEqual([]);
  });

  it("a running leftover of the color: its port is read again once it is removed", async () => {
    const { host, runtime } = await planned("old true");
    await host.run(() => runtime.stage("green", input(false)));
    expect(host.waves).toBe(2);
    expect(host.log[0]).toContain(`exec docker rm --force -- ${GREEN}`);
    expect(host.log[1]).toEqual(["exec ss -Hltnp ( sport = :18887 )"]);
  });

  it("a name taken at the start (a container the stage did not see): replaced in one round trip", async () => {
    const taken = `docker: Error response from daemon: Conflict. The container name "/${GREEN}" is already in use by container "0123abcd". You have to remove (or rename) that container to be able to reuse that name.`;
    const { host, runtime, fake } = await planned("", (argv) =>
      argv[1] === "run" ? { code: 125, stderr: taken } : undefined,
    );
    await host.run(() => runtime.stage("green", input(false)));
    host.log.length = 0;
    await host.run(() => runtime.start("green"));
    expect(host.log.map((wave) => wave[0]?.split(" ").slice(0, 6).join(" "))).toEqual([
      `exec docker run --detach --name ${GREEN}`,
      "exec sh -c docker rm --force",
    ]);
    expect(fake.ran.at(-1)).toContain(`sh ${GREEN} docker run --detach --name ${GREEN} `);
  });

  it("another failure of `docker run` fails the start as it was", async () => {
    const { host, runtime } = await planned("", (argv) =>
      argv[1] === "run" ? { code: 125, stderr: "docker: invalid reference format." } : undefined,
    );
    await host.run(() => runtime.stage("green", input(false)));
    await expect(host.run(() => runtime.start("green"))).rejects.toThrow(/command failed: docker run/);
  });
});
