/**
 * The docker gate (playbooks/files/slipway-docker, python3: docs/security.md "The docker gate") by exact value: each
 * argv shape Slipway's builders send and the argv the gate rebuilds from it, and each kind of refusal with its message.
 * The gate runs as a python module under gate_harness.py, which stands in for the host: the app's record, the docker
 * daemon's answers (containers, volumes) and every exec (reported, not run). The e2e suite
 * (test/e2e/security/helper-*.test.ts) runs the real gate as root on t7.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writersForRuntime } from "../../../src/backup/writers.js";
import { composeContainerArgv } from "../../../src/commands/compose.js";
import {
  containerLogsArgv,
  containerNamesArgv,
  containerStateArgv,
  exitStateArgv,
  processStateArgv,
  removeContainersArgv,
  removeVolumesArgv,
  SERVICE_STATE_FORMAT,
  serviceStatesArgv,
  specStateArgv,
  stopContainersArgv,
  volumeMountpointArgv,
} from "../../../src/commands/docker.js";
import {
  containerImageArgv,
  imageContentArgv,
  imageIdArgv,
  inspectImagesArgv,
  listContainersArgv,
  loadArgv,
  pullArgv,
  registryLoginArgv,
  removeImageArgv,
  tagArgv,
} from "../../../src/commands/docker-image.js";
import { COMPOSE_PS_FORMAT, CONTAINER_STATE_FORMAT } from "../../../src/commands/status.js";
import { dockerGateArgs } from "../../../src/remote/privilege-docker.js";
import { type GateCase, type GateResult, runGate } from "./gate-run.js";

const WORK = mkdtempSync(join(tmpdir(), "slipway-gate-"));
const DEPLOY = `${WORK}/opt/shop`;
const IMG = `10.213.0.1:5000/shop-web@sha256:${"a".repeat(64)}`;
const PROJECT = "label=com.docker.compose.project=shop-blue";

type Case = GateCase;
type Result = GateResult;

/** Runs every case through the gate in one python process (one start-up for the whole file). */
const gate = (cases: readonly Case[]): Result[] => runGate(cases, WORK);

const key = (c: Case) => JSON.stringify([c.app ?? "shop", c.argv, c.doc ?? null]);
const results = new Map<string, Result>();
/** Every case of the file, gathered while the tables below are built and run in one python process (first use). */
const declared: Case[] = [];
/** An it.each table, its cases declared: a row's first array is the argv, a non-empty object its compose document. */
function rows<T extends readonly unknown[]>(table: T[]): T[] {
  for (const row of table) {
    const argv = row.find(Array.isArray) as string[];
    const doc = row.find((x) => x !== null && typeof x === "object" && !Array.isArray(x) && Object.keys(x).length > 0);
    declared.push({ argv, ...(doc ? { doc } : {}) });
  }
  return table;
}
function one(argv: string[], extra: Omit<Case, "argv"> = {}): Result | undefined {
  const wanted = { argv, ...extra };
  if (!results.has(key(wanted))) {
    const batch = [...declared.filter((d) => !results.has(key(d))), wanted];
    for (const [i, result] of gate(batch).entries()) results.set(key(batch[i] as Case), result);
  }
  return results.get(key(wanted));
}
const refused = (stderr: string) => ({ exit: 64, stderr: `slipway-docker: ${stderr}` });

/** A `docker run` the container runtime builds (commands/docker.ts containerRunArgv), flags in its order. */
const RUN = [
  "run",
  "--detach",
  "--name",
  "shop-web-blue",
  "--restart",
  "unless-stopped",
  "--cap-drop",
  "ALL",
  "--cap-add",
  "NET_BIND_SERVICE",
  "--security-opt",
  "no-new-privileges",
  "--user",
  "app",
  "--read-only",
  "--tmpfs",
  "/tmp",
  "--env",
  "A=1",
  "--publish",
  "127.0.0.1:5001:5000",
  "--volume",
  "shop-data:/data",
  "--memory",
  "512m",
  "--network",
  "shop-net",
  "--label",
  "slipway.spec=abc",
  IMG,
];
/** RUN with `flag value` put before the image. */
const runWith = (...extra: string[]) => [...RUN.slice(0, -1), ...extra, IMG];

describe("the docker gate: docker run", () => {
  it("rebuilds an accepted run with its own flags: cap-drop ALL, no-new-privileges, the app's label", () => {
    expect(one(RUN)).toEqual({
      exec: ["docker", ...RUN.slice(0, -1), "--label", "slipway.app=shop", IMG],
    });
    // @replace (commands/docker.ts replaceContainerArgv): the same run, for the container it names only.
    expect(one(["@replace", "shop-web-blue", "docker", ...RUN])).toEqual(one(RUN));
  });

  it.each(
    rows([
      ["an unknown flag", runWith("--privileged"), "refused: docker run flag '--privileged'"],
      [
        "host networking",
        runWith("--network", "host"),
        "refused: --network host (only the app's own networks, shop-...)",
      ],
      [
        "another app's name",
        ["run", "--detach", "--name", "other-web-blue", IMG],
        "refused: container name 'other-web-blue' (must start with shop-)",
      ],
      ["a restart policy", runWith("--restart", "sometimes"), "refused: --restart sometimes"],
      [
        "a log driver that ships logs off the host",
        runWith("--log-driver", "syslog"),
        "refused: --log-driver syslog (only json-file local: logs stay on the host)",
      ],
      [
        "a log option beyond the bounds",
        runWith("--log-opt", "syslog-address=udp://1.2.3.4:514"),
        "refused: --log-opt syslog-address=udp://1.2.3.4:514 (only max-size=N[kmg], max-file=N)",
      ],
      [
        "a capability off the list",
        runWith("--cap-add", "SYS_ADMIN"),
        "refused: capability SYS_ADMIN (allowed: AUDIT_WRITE CHOWN DAC_OVERRIDE FOWNER FSETID KILL NET_BIND_SERVICE SETFCAP SETGID SETPCAP SETUID SYS_CHROOT)",
      ],
      [
        "a security option",
        runWith("--security-opt", "seccomp=unconfined"),
        "refused: --security-opt seccomp=unconfined",
      ],
      ["a user with a space", runWith("--user", "a b"), "refused: --user a b"],
      ["a tmpfs elsewhere", runWith("--tmpfs", "/run"), "refused: --tmpfs /run"],
      [
        "an env file outside env/",
        runWith("--env-file", "/etc/shadow"),
        `refused: env '/etc/shadow' is not under ${DEPLOY}/env`,
      ],
      ["an env entry without =", runWith("--env", "A"), "refused: --env must be KEY=value"],
      ["a newline in a value", runWith("--env", "A=1\nB=2"), "refused: a newline in --env"],
      [
        "a host port below 1024",
        runWith("--publish", "80:80"),
        "refused: --publish 80:80 (ADDRESS:PORT:PORT, host port 1024 or above)",
      ],
      [
        "a bind of /etc",
        runWith("--volume", "/etc:/host-etc"),
        `refused: bind mount of '/etc' (only ${WORK}/data/shop and read-only files from ${DEPLOY}; named volumes of the app)`,
      ],
      [
        "another app's volume",
        runWith("--volume", "other-data:/x"),
        "refused: volume 'other-data' exists and is not shop's (no label slipway.app=shop); remove or relabel it as root once",
      ],
      [
        "volume options",
        runWith("--volume", "shop-data:/x:z"),
        "refused: volume 'shop-data:/x:z' (SOURCE:TARGET[:ro|rw])",
      ],
      ["a relative volume target", runWith("--volume", "shop-data:../x"), "refused: volume target '../x'"],
      ["a memory limit of another shape", runWith("--memory", "1tb"), "refused: --memory 1tb"],
      ["another app's label", runWith("--label", "slipway.app=other"), "refused: label slipway.app names another app"],
      ["compose's labels", runWith("--label", "com.docker.compose.project=x"), "refused: compose's labels"],
      ["no --detach", ["run", "--name", "shop-x", IMG], "refused: docker run needs --detach and --name"],
      [
        "no cap-drop",
        ["run", "--detach", "--name", "shop-x", "--security-opt", "no-new-privileges", IMG],
        "refused: containers run with --cap-drop ALL and --security-opt no-new-privileges",
      ],
      ["no image", RUN.slice(0, -1), "refused: no valid image reference"],
      [
        "@replace of another name",
        ["@replace", "shop-other-blue", "docker", ...RUN],
        "refused: @replace runs a container of another name",
      ],
      [
        "@replace without a run",
        ["@replace", "shop-web-blue", "docker", "stop"],
        "usage: @replace NAME docker run ...",
      ],
    ]),
  )("refuses %s", (_what, argv, stderr) => {
    expect(one(argv)).toEqual(refused(stderr));
  });
});

describe("the docker gate: reading and managing the app's containers", () => {
  it.each(
    rows([
      [
        ["@logs", "30", "shop-web-blue"],
        ["docker", "logs", "--tail", "30", "--", "shop-web-blue"],
      ],
      [
        ["@logs", "--timestamps", "--tail", "5", "--since", "120s", "--follow", "--", "shop-web-blue"],
        ["docker", "logs", "--timestamps", "--tail", "5", "--since", "120s", "--follow", "--", "shop-web-blue"],
      ],
      [
        ["logs", "--tail", "10", "--", "shop-web-blue"],
        ["docker", "logs", "--tail", "10", "--", "shop-web-blue"],
      ],
      [
        ["stop", "--time", "30", "--", "shop-web-blue"],
        ["docker", "stop", "--time", "30", "--", "shop-web-blue"],
      ],
      [
        ["rm", "--force", "--", "shop-web-blue"],
        ["docker", "rm", "--force", "--", "shop-web-blue"],
      ],
      [
        ["start", "shop-web-blue"],
        ["docker", "start", "--", "shop-web-blue"],
      ],
      [
        ["inspect", "--format", "{{json .State}}", "--", "shop-web-blue"],
        ["docker", "inspect", "--format", "{{json .State}}", "--", "shop-web-blue"],
      ],
      [
        ["container", "inspect", "--format", "{{.Image}}", "--", "0123456789ab"],
        ["docker", "container", "inspect", "--format", "{{.Image}}", "--", "0123456789ab"],
      ],
      [
        ["container", "ls", "--all", "--quiet", "--no-trunc"],
        ["docker", "container", "ls", "--all", "--quiet", "--no-trunc"],
      ],
      [
        ["exec", "-i", "-u", "postgres", "-e", "PGPASSFILE=/tmp/p", "shop-db", "pg_dump", "shop"],
        ["docker", "exec", "-i", "-u", "postgres", "-e", "PGPASSFILE=/tmp/p", "shop-db", "pg_dump", "shop"],
      ],
      [
        ["ps", "--all", "--filter", PROJECT, "--format", "{{.Names}} {{.State}} {{.Status}}"],
        ["docker", "ps", "--all", "--filter", PROJECT, "--format", "{{.Names}} {{.State}} {{.Status}}"],
      ],
      [
        ["ps", "-a", "-q", "--filter", PROJECT, "--filter", "label=com.docker.compose.service=web"],
        ["docker", "ps", "--all", "--quiet", "--filter", PROJECT, "--filter", "label=com.docker.compose.service=web"],
      ],
    ]),
  )("%j -> %j", (argv, exec) => {
    expect(one(argv)).toEqual({ exec });
  });

  it.each(
    rows([
      [["@logs", "--details", "--", "shop-web-blue"], "refused: docker logs --details"],
      [["@logs", "--since", "1h", "--", "shop-web-blue"], "refused: docker logs --since"],
      [["@logs", "--tail", "5", "shop-web-blue"], "refused: docker logs shop-web-blue"],
      [["@logs", "--tail", "5", "--"], "usage: @logs [--timestamps] [--tail N] [--since Ns] [--follow] -- NAME"],
      [
        ["@logs", "30", "other-web-blue"],
        "refused: container 'other-web-blue' is not one of shop's (labels slipway.app / compose project)",
      ],
      [["@logs", "30", "web;id"], "refused: 'web;id' is not a container name or id"],
      [["stop", "--force", "shop-web-blue"], "refused: docker stop --force"],
      [["start"], "usage: docker start NAME..."],
      [
        ["inspect", "--format", "{{json .Config.Env}}", "shop-web-blue"],
        "refused: docker inspect takes --format with one of Slipway's formats",
      ],
      [["container", "ls", "-a"], "refused: docker container ls flags"],
      [["container", "prune"], "refused: docker container prune"],
      [["exec", "--privileged", "shop-db", "sh"], "refused: docker exec --privileged"],
      [
        ["exec", "-i", "other-web-blue", "id"],
        "refused: container 'other-web-blue' is not one of shop's (labels slipway.app / compose project)",
      ],
      [["exec", "-i", "shop-db"], "usage: docker exec [-i] [-u USER] [-e K=V] CONTAINER PROGRAM..."],
      [["ps", "--format", "{{json .}}", "--filter", PROJECT], "refused: docker ps --format"],
      [
        ["ps", "--filter", "label=com.docker.compose.project=other-blue"],
        "refused: docker ps lists one of shop's compose projects only",
      ],
      [["ps"], "refused: docker ps lists one of shop's compose projects only"],
      [["system", "prune", "-af"], "refused: docker system (see docs/security.md, 'The docker gate')"],
    ]),
  )("refuses %j", (argv, stderr) => {
    expect(one(argv)).toEqual(refused(stderr));
  });

  it("refuses an app name that is not one", () => {
    expect(one(["ps"], { app: "Shop" })).toEqual(refused("invalid app name: 'Shop'"));
  });
});

describe("the docker gate: images and volumes", () => {
  it.each(
    rows([
      [
        ["pull", "--quiet", IMG],
        ["docker", "pull", "--quiet", "--", IMG],
      ],
      // delivery/login.ts registryLoginArgv: refused before (the gate counted one argument too many).
      [
        ["login", "--username", "ci", "--password-stdin", "10.213.0.1:5000"],
        ["docker", "login", "--username", "ci", "--password-stdin", "10.213.0.1:5000"],
      ],
      [
        ["logout", "10.213.0.1:5000"],
        ["docker", "logout", "10.213.0.1:5000"],
      ],
      [
        ["image", "load"],
        ["docker", "image", "load"],
      ],
      [
        ["image", "tag", IMG, "shop-web:abc"],
        ["docker", "image", "tag", IMG, "shop-web:abc"],
      ],
      [
        ["image", "inspect", "--format", "{{.Id}}", IMG],
        ["docker", "image", "inspect", "--format", "{{.Id}}", "--", IMG],
      ],
      [
        ["image", "rm", IMG],
        ["docker", "image", "rm", "--", IMG],
      ],
      [
        ["volume", "inspect", "--format", "{{ .Mountpoint }}", "shop-data"],
        ["docker", "volume", "inspect", "--format", "{{ .Mountpoint }}", "--", "shop-data"],
      ],
      [
        ["volume", "rm", "--force", "--", "shop-data"],
        ["docker", "volume", "rm", "--force", "--", "shop-data"],
      ],
    ]),
  )("%j -> %j", (argv, exec) => {
    expect(one(argv)).toEqual({ exec });
  });

  it.each(
    rows([
      [["pull", IMG, "busybox"], "usage: docker pull [--quiet] IMAGE"],
      [["pull", "bad ref"], "refused: image reference 'bad ref'"],
      [["image", "rm", "--force", IMG], "refused: docker image rm"],
      [["image", "save", IMG], "refused: docker image save"],
      [
        ["volume", "rm", "--force", "--", "other-data"],
        "refused: volume 'other-data' exists and is not shop's (no label slipway.app=shop); remove or relabel it as root once",
      ],
      [["volume", "create", "x"], "refused: docker volume create"],
      [["@volume-has", "shop-data", "../etc/passwd"], "usage: @volume-has VOLUME PATH"],
      [
        ["@volume", "shop-data", "rm", "-f", "--", "/etc/passwd"],
        `refused: '/etc/passwd' is not a path inside the volume (${WORK}/volumes/shop-data/_data)`,
      ],
      [
        ["@volume", "shop-data", "cat", "x"],
        "refused: cat in a volume (test, sqlite3 integrity_check, rm, mv, the ownership copy, no-WAL)",
      ],
    ]),
  )("refuses %j", (argv, stderr) => {
    expect(one(argv)).toEqual(refused(stderr));
  });
});

describe("the docker gate: compose", () => {
  const file = `${DEPLOY}/compose/blue/compose.yml`;
  const up = ["compose", "v2", "-p", "shop-blue", "-f", file, "up", "--detach", "--remove-orphans"];
  const service = {
    image: IMG,
    cap_drop: ["ALL"],
    security_opt: ["no-new-privileges:true"],
    ports: [{ published: "5001" }],
  };
  const doc = (extra: Record<string, unknown>) => ({ services: { web: { ...service, ...extra } } });

  it("runs compose as root on its own checked copy of the normalised file", () => {
    expect(one(up, { doc: doc({}) })).toEqual({
      exec: [
        "docker",
        "compose",
        "-p",
        "shop-blue",
        "-f",
        `${WORK}/gate/shop/compose/shop-blue.yml`,
        "up",
        "--detach",
        "--remove-orphans",
      ],
    });
    const logs = ["compose", "v1", "-p", "shop-blue", "-f", file, "logs", "--no-color", "--tail", "20"];
    expect(one(logs, { doc: doc({}) })).toEqual({
      exec: [
        "docker-compose",
        "-p",
        "shop-blue",
        "-f",
        `${WORK}/gate/shop/compose/shop-blue.yml`,
        "logs",
        "--no-color",
        "--tail",
        "20",
      ],
    });
  });

  it.each(
    rows([
      [
        ["compose", "v2", "-p", "other-blue", "-f", file, "ps", "--quiet"],
        {},
        "refused: compose project 'other-blue' (only shop-accessories, shop-blue, shop-green)",
      ],
      [
        ["compose", "v2", "-p", "shop-blue", "-f", "/etc/compose.yml", "ps", "--quiet"],
        {},
        `refused: compose file '/etc/compose.yml' is not under ${DEPLOY}`,
      ],
      [["compose", "v2", "-p", "shop-blue", "-f", file, "run", "--rm", "web"], {}, "refused: compose run --rm web"],
      [["compose", "v3", "-p", "shop-blue", "-f", file, "ps"], {}, "usage: compose v1|v2 -p PROJECT -f FILE VERB ..."],
      [up, doc({ privileged: true }), "refused: service web: privileged"],
      [up, doc({ network_mode: "host" }), "refused: service web: network_mode host"],
      [up, doc({ cap_drop: [] }), "refused: service web: cap_drop must contain ALL"],
      [up, doc({ cap_add: ["SYS_ADMIN"] }), "refused: service web: capabilities SYS_ADMIN"],
      [
        up,
        doc({ security_opt: ["no-new-privileges", "seccomp=unconfined"] }),
        "refused: service web: security_opt must be exactly no-new-privileges",
      ],
      [
        up,
        doc({ ports: [{ published: "80" }] }),
        "refused: service web: port {'published': '80'} (host ports 1024 and above)",
      ],
      [
        up,
        doc({ volumes: [{ type: "bind", source: "/", target: "/host" }] }),
        `refused: bind mount of '/' (only ${WORK}/data/shop and read-only files from ${DEPLOY}; named volumes of the app)`,
      ],
      [
        up,
        doc({ volumes: ["undeclared:/data"] }),
        "refused: service web: volume 'undeclared' is not declared under volumes:",
      ],
      [up, doc({ labels: { "slipway.app": "other" } }), "refused: service web: label slipway.app names another app"],
    ]),
  )("refuses %j", (argv, document, stderr) => {
    expect(one(argv, Object.keys(document).length > 0 ? { doc: document } : {})).toEqual(refused(stderr));
  });
});

describe("the docker gate runs what Slipway's builders send it (helper mode)", () => {
  /** The builder's argv as privilege-docker.ts hands it to the gate (without `docker APP`). */
  const viaGate = (argv: string[]) => (dockerGateArgs(argv, "shop") ?? []).slice(2);
  const sent: Array<[string, string[]]> = [
    // D43: `slipway remove` found no container (`{{.Name}}` was no allowed format) and left them running.
    ["remove's container names", containerNamesArgv(["shop-web-blue", "shop-web-green"])],
    ["the accessories' wait", serviceStatesArgv(["0123456789ab"])],
    ["a worker's running gate", processStateArgv(["shop-worker-blue"])],
    ["the spec and running state", specStateArgv(["shop-web-blue"])],
    // The container runtime's one read of both colors' containers (src/deploy/container/inspect.ts).
    ["both colors' spec and running state", specStateArgv(["shop-web-blue", "shop-web-green"])],
    ["a bare docker run's stage removal", removeContainersArgv(["shop-web-blue", "shop-worker-blue"])],
    ["the docker_container module's state", containerStateArgv("shop-web-blue")],
    ["a failed gate's lines", containerLogsArgv("shop-web-blue", { lines: 30 })],
    ["a failed gate's exit state (D65)", exitStateArgv("shop-web-blue")],
    [
      "slipway logs -f",
      containerLogsArgv("shop-web-blue", { lines: 10, sinceSeconds: 60, follow: true, timestamps: true }),
    ],
    ["a compose service's containers", composeContainerArgv("shop-blue", "web", { all: true })],
    ["status: a container", ["docker", "inspect", "--format", CONTAINER_STATE_FORMAT, "--", "shop-web-blue"]],
    ["status: a compose project", ["docker", "ps", "--all", "--filter", PROJECT, "--format", COMPOSE_PS_FORMAT]],
    // D71: the status script's `accessories` probe (commands/status.ts), both calls as the script makes them.
    [
      "status: the accessories' ids",
      ["docker", "ps", "--all", "--quiet", "--filter", "label=com.docker.compose.project=shop-accessories"],
    ],
    ["status: the accessories' states", ["docker", "inspect", "--format", SERVICE_STATE_FORMAT, "0123456789ab"]],
    ["the stop", stopContainersArgv(["shop-web-blue"], 10)],
    ["the removal", removeContainersArgv(["shop-web-blue"])],
    ["a volume's mountpoint", volumeMountpointArgv("shop-data")],
    ["remove --purge's volumes", removeVolumesArgv(["shop-data"])],
    ["the pull", pullArgv(IMG)],
    ["an image id", imageIdArgv(IMG, true)],
    ["the SSH stream's load", loadArgv()],
    ["a tag", tagArgv(IMG, "shop-web:abc")],
    ["prune: the images", inspectImagesArgv([IMG])],
    ["prune: the containers", listContainersArgv()],
    ["prune: a container's image", containerImageArgv("shop-web-blue")],
    ["prune: the removal", removeImageArgv([IMG])],
    ["the image's content", imageContentArgv(IMG)],
    ["the registry login", registryLoginArgv("10.213.0.1:5000", "ci")],
  ];
  rows(sent.map(([, argv]) => [viaGate(argv)]));

  it.each(sent)("%s", (_what, argv) => {
    const result = one(viaGate(argv));
    expect(result && "exec" in result ? result.exec[0] : result).toBe("docker");
  });
});

describe("the docker gate runs the backup CLI's compose writers (D48)", () => {
  const viaGate = (argv: string[]) => (dockerGateArgs(argv, "shop") ?? []).slice(2);
  const file = `${DEPLOY}/compose/blue/compose.yml`;
  const doc = { services: { web: { image: IMG, cap_drop: ["ALL"], security_opt: ["no-new-privileges:true"] } } };
  const copy = `${WORK}/gate/shop/compose/shop-blue.yml`;
  const writers = (composeFile?: string) =>
    writersForRuntime({
      runtime: "compose",
      app: "shop",
      services: ["web"],
      color: "blue",
      composeFlavour: "v1",
      unitName: () => "unused",
      composeProject: "shop-blue",
      ...(composeFile ? { composeFile } : {}),
    });

  it("stops and starts the color's project through its file, as the deploy does", () => {
    const { stop, start } = writers(file);
    expect(stop.map((argv) => one(viaGate(argv), { doc }))).toEqual([
      { exec: ["docker-compose", "-p", "shop-blue", "-f", copy, "stop", "--timeout", "10"] },
    ]);
    expect(start.map((argv) => one(viaGate(argv), { doc }))).toEqual([
      { exec: ["docker-compose", "-p", "shop-blue", "-f", copy, "start"] },
    ]);
  });

  it("refuses the old form without the file", () => {
    const [stop = []] = writers().stop;
    expect(one(viaGate(stop))).toEqual(refused("usage: compose v1|v2 -p PROJECT -f FILE VERB ..."));
  });
});
