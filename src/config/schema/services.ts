import { z } from "zod";
import {
  absolutePath,
  bool,
  duration,
  durationMs,
  envName,
  envValue,
  healthPath,
  httpStatus,
  inventoryName,
  localPath,
  minDuration,
  nonZeroDuration,
  patternString,
  port,
  positiveInt,
  resourceName,
  secretName,
  size,
} from "./primitives.js";
import { serviceSwarmSchema } from "./swarm.js";

/** Key names that hold secrets: their value must not be written in the file (see literal-secrets.ts). */
// `SECRET_KEY` (Flask, Django) and `AWS_SECRET_ACCESS_KEY` end in KEY: the kinds of key that are secrets are listed.
export const SECRET_LIKE_NAME =
  /(pass(word|wd|phrase)?|secret|token|(api|private|secret|access|signing|encryption|master)_?key|credentials?)$/i;

const buildSchema = z
  .strictObject({
    context: localPath()
      .default(".")
      .describe(
        "Build context directory, relative to slipway.yml (or to `--release-dir`). An absolute path (or `~/`) stays as written, `--release-dir` or not: code kept in another repository than the config. The release's commit (its id, image tags, the uncommitted-changes check) is read from the repository the code is built from; services (accessories aside) built from two repositories are refused: one release records one commit.",
      ),
    dockerfile: localPath().default("Dockerfile").describe("Dockerfile path, relative to the context."),
    target: z.string({ error: "expected a stage name" }).optional().describe("Multi-stage build target."),
    args: z
      .record(envName(), z.string({ error: "expected a string" }))
      .default({})
      .describe("Build arguments (`--build-arg`). Not for secrets: use `secrets`."),
    secrets: z
      .array(secretName())
      .default([])
      .describe("Build secrets by environment variable name, passed with `--secret id=NAME,env=NAME` (buildx)."),
  })
  .describe("How to build the service's image (container/compose), or which directory to ship (systemd).");

/**
 * A health block every deploy would fail (D53): a zero timeout, or a streak of healthy answers one interval apart that
 * cannot end before the timeout (src/verify/wait.ts: N answers take (N-1) x interval after the first).
 */
function checkHealthTiming(
  h: { timeout: string; interval: string; consecutive_successes: number },
  ctx: z.RefinementCtx,
): void {
  const timeout = durationMs(h.timeout);
  const streak = (h.consecutive_successes - 1) * durationMs(h.interval);
  if (timeout === 0) {
    ctx.addIssue({
      code: "custom",
      path: ["timeout"],
      input: h.timeout,
      message: "expected a timeout above 0: the health gate would fail every deploy",
    });
  } else if (streak >= timeout) {
    ctx.addIssue({
      code: "custom",
      path: ["consecutive_successes"],
      input: h.consecutive_successes,
      message: `${h.consecutive_successes} healthy answers ${h.interval} apart take ${streak / 1000}s, not less than timeout ${h.timeout}: every deploy would fail; lower consecutive_successes or interval, or raise timeout`,
    });
  }
}

const healthSchema = z
  .strictObject({
    type: z
      .enum(["http", "running"], { error: 'expected "http" or "running"' })
      .optional()
      .describe(
        "What the gate waits for. `http`: `path` on the service's port answers `expected_status`. `running`: the process is running and stays running (no exit, no restart) for `stable`, and its container healthcheck (compose `container_check`, or the image's own `HEALTHCHECK`) reports healthy if it has one: a worker or queue consumer that serves no HTTP. Default: `http` when the service has a `port`, `running` when it has none (a worker).",
      ),
    stable: duration()
      .default("5s")
      .describe(
        "`type: running`: how long the process must keep running, without exiting or being restarted, before the gate passes (Kamal's readiness for a role without a proxy is the container running; this also catches a worker that crashes a second after it starts). Within `timeout`.",
      ),
    path: healthPath()
      .optional()
      .describe(
        "Path polled on the service's own port, e.g. `/api/health` (type `http`); a query may follow (`/api/health?full=1`), and during maintenance nginx keeps the path open whatever the query. Default: `/`.",
      ),
    expected_status: httpStatus().default(200).describe("HTTP status a healthy service answers."),
    expected_body: z
      .string({ error: "expected a string" })
      .optional()
      .describe("Substring the response body must contain (e.g. the version)."),
    interval: minDuration(
      "1s",
      "the gate's first polls come every 100 ms whatever the interval, and it waits whole seconds (at least 1) between the later ones; where something waits on docker's container check, this is that check's interval too",
    )
      .default("2s")
      .describe(
        "Time between polls once the schedule has slowed down, and between the healthy answers of a streak: at least 1s, counted in whole seconds (1500ms waits 2 s). Until the first healthy answer polls come every 100 ms for 3 s whatever this is (a shorter interval would not see a booting app sooner), then 200, 400, 800 ms ... up to this interval; each further answer a streak needs comes one interval after the previous one. Also docker's `container_check` interval where something waits on its verdict (`container_interval`), whose floor is 1s too: each check starts a process in the container.",
      ),
    consecutive_successes: positiveInt()
      .default(1)
      .describe(
        "Healthy answers in a row needed to pass, one `interval` apart: N means the service stayed healthy for (N-1) x interval (1: pass on the first healthy answer, as docker and Kubernetes readiness do). An unhealthy answer starts the count again.",
      ),
    timeout: duration()
      .default("60s")
      .describe(
        "Give up (and fail the deploy) after this long, counted from the first poll: the streak must end within it, so it must exceed (consecutive_successes - 1) x interval plus the time the service takes to come up.",
      ),
    request_timeout: nonZeroDuration("leaves no time for a health request: the gate would fail every deploy")
      .default("5s")
      .describe("Timeout of one health request (above 0)."),
    start_period: duration().default("0s").describe("Grace time after start before failures count."),
    container_check: z
      .union(
        [
          z.enum(["none", "python", "curl", "wget"]),
          z.array(z.string({ error: "expected a command argument" })).min(1, { error: "expected a command" }),
        ],
        { error: 'expected "none", "python", "curl", "wget" or a command as a list (like [/app/healthcheck])' },
      )
      .default("none")
      .describe(
        "Docker's in-container healthcheck (runtimes compose and swarm), run with what the image has: `python` (python3 with a plain socket: the status and `expected_body` judged as the gate judges them), `curl`, `wget`, a command as a list, or `none` (the deploy's gate still polls the port from the host; `depends_on` then waits for the start only).",
      ),
    container_interval: minDuration("1s", "each check starts a process in the container, tens to hundreds of ms of CPU")
      .optional()
      .describe(
        "How often docker runs `container_check` (runtimes compose and swarm), for as long as the container lives: each check starts a process inside the container (runc exec), tens to hundreds of ms of CPU (~190 ms on a small VM); at least 1s. Default: `interval` where something waits on docker's verdict (a service another one `depends_on`, an accessory, a `type: running` gate, every service of runtime swarm, whose updates wait for each task's health): the first check comes one interval after the start (Slipway writes no `start_interval`, which needs docker 25), so there it must stay below `timeout`. Else 30s, docker's own default: the `http` gate polls the port from the host. docker's `retries` follow: `timeout` / this, rounded up, at least 1. `slipway config` shows the interval each check runs at, and why.",
      ),
  })
  .superRefine(checkHealthTiming)
  .describe("Health check gating the switch.");

const resourcesSchema = z
  .strictObject({
    memory: size().optional().describe('Memory limit like "512M" or "2G" (systemd MemoryMax, docker --memory).'),
    cpus: z
      .number({ error: "expected a number of CPUs like 1.5" })
      .positive({ error: "expected a number of CPUs like 1.5" })
      .optional()
      .describe("CPU limit in CPUs (systemd CPUQuota=cpus*100%, docker --cpus)."),
    nofile: positiveInt().optional().describe("Open files limit (LimitNOFILE)."),
  })
  .describe("Resource limits.");

const logsSchema = z
  .strictObject({
    max_size: size()
      .optional()
      .describe('Size of one log file before docker starts the next (`--log-opt max-size`). Default "10m".'),
    max_files: positiveInt()
      .optional()
      .describe("Log files docker keeps per container, the current one included (`--log-opt max-file`). Default 5."),
  })
  .describe(
    "Runtime container and compose: the containers log to docker's `json-file` driver, bounded to `max_files` files of `max_size` (default 10m x 5: at most 50 MB per container; `slipway logs` and `docker logs` read them). Runtime systemd: the units log to journald, which rotates by its own limits (`SystemMaxUse` in journald.conf); these keys do not apply.",
  );

const systemdSchema = z
  .strictObject({
    server: z
      .enum(["gunicorn", "uvicorn"], { error: 'expected "gunicorn" or "uvicorn"' })
      .default("gunicorn")
      .describe("Application server started by the unit."),
    app_module: patternString(
      /^[A-Za-z_][A-Za-z0-9_.]*:[A-Za-z_][A-Za-z0-9_.()]*$/,
      'expected "module:callable" like "app:app"',
    )
      .optional()
      .describe("WSGI/ASGI application, `module:callable` (e.g. `wsgi_be:app`)."),
    workers: positiveInt().default(2).describe("Worker processes."),
    worker_class: z
      .string({ error: "expected a worker class name" })
      .optional()
      .describe("gunicorn worker class (e.g. `uvicorn.workers.UvicornWorker`)."),
    timeout: duration().default("120s").describe("Worker timeout."),
    working_dir: absolutePath()
      .optional()
      .describe("WorkingDirectory. Default: the release directory of the service's code."),
    user: unixUser()
      .optional()
      .describe(
        "User the service runs as (never root; created by the deploy when missing). Default: `app-<app>`, a system user of its own in no extra group (not the SSH user, who is in the docker group).",
      ),
    group: z.string({ error: "expected a group name" }).optional().describe("Group. Default: the user's group."),
    venv: absolutePath()
      .optional()
      .describe("Virtualenv whose `bin/` holds the server. Default: the system's (Debian's gunicorn/uvicorn)."),
    read_write_paths: z
      .array(absolutePath())
      .default([])
      .describe("Extra writable paths under ProtectSystem=strict (the database directory is added automatically)."),
  })
  .describe("systemd runtime settings of this service.");

/** A login name as useradd takes it; root is refused: a web app's process must not own the host. */
function unixUser() {
  return patternString(/^[a-z_][a-z0-9_-]{0,31}$/, 'expected a user name like "harvest"').refine(
    (name) => name !== "root",
    {
      error: "expected a user other than root: the app would own the whole host (create one, e.g. the app's name)",
    },
  );
}

const VOLUME_EXPECTED =
  'expected "source:/target" or "source:/target:ro" (source is a volume name or an absolute path)';
const VOLUME_PATTERN = /^([a-z0-9][a-z0-9_.-]*|\/[^:\s]*):\/[^:\s]*(:(ro|rw))?$/;

/** Capability names as docker takes them (`--cap-add NET_BIND_SERVICE`), without the CAP_ prefix. */
const CAPABILITY_PATTERN = /^[A-Z][A-Z_]{1,31}$/;

/** How the service's containers run (runtimes container and compose): every capability dropped unless listed. */
const containerSchema = z
  .strictObject({
    user: patternString(
      /^(?!root(:|$))(?!0(:|$))[a-z0-9_][a-z0-9_.-]{0,31}(:[a-z0-9_][a-z0-9_.-]{0,31})?$/,
      'expected a non-root user like "1000:1000" or "app" (root is what the container must not be)',
    )
      .optional()
      .describe("User (`uid:gid` or a name in the image) the container runs as. Default: the image's `USER`."),
    read_only: bool()
      .default(false)
      .describe("Read-only root filesystem (`--read-only`, with a private `/tmp`); volumes stay writable."),
    capabilities: z
      .array(patternString(CAPABILITY_PATTERN, 'expected a capability like "NET_BIND_SERVICE" (no CAP_ prefix)'))
      .default([])
      .describe("Capabilities the container keeps; every other one is dropped (`--cap-drop ALL`)."),
  })
  .describe("Container hardening: always `--cap-drop ALL` and `no-new-privileges`; these add what the app needs.");

const configFileSchema = z
  .strictObject({
    path: absolutePath().describe("Where the service reads it (inside its container), e.g. `/app/etc/config.json`."),
    template: localPath().describe(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the template syntax, documented
      "Local template (relative to slipway.yml, or to --release-dir): `${secret:NAME}` is replaced by that secret of the service (JSON-escaped in a `.json` file). `slipway validate` refuses a template that does not exist or names a secret the service does not list.",
    ),
  })
  .describe("A config file rendered from a template with secrets.");

export const serviceSchema = z
  .strictObject({
    build: buildSchema.optional(),
    image: z
      .string({ error: "expected an image reference" })
      .optional()
      .describe("A prebuilt image to run instead of building one (e.g. `postgres:16`)."),
    image_from: resourceName("service")
      .optional()
      .describe(
        "Run the image built for this other service (one build, several processes: give each its own `command`). Runtime container and compose.",
      ),
    command: z
      .union([z.string(), z.array(z.string())], { error: "expected a command string or a list of arguments" })
      .optional()
      .describe("Command overriding the image's CMD (container/compose) or the server command line (systemd)."),
    port: port().optional().describe(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the reference syntax, documented
      "Port the service listens on (inside its container, or the base port under systemd). The app gets it as `PORT`: under systemd the color's port (set by Slipway), in a container this port (also with `image_from`; the service's own `env.PORT` wins there). Without `port` the service is a worker (a queue consumer, a process pool): started and stopped with its color and rolled back with it, gated on staying running (`health.type: running`), never routed to by nginx; no route, `proxy` key or `${service:NAME.url}` may point at it. Runtime container and compose.",
    ),
    ports: z
      .strictObject({
        blue: port().optional().describe("Host port of the blue color. Default: `port`."),
        green: port().optional().describe("Host port of the green color. Default: `port` + 10000."),
      })
      .optional()
      .describe(
        "Host ports of the two colors (bound to 127.0.0.1; to the host's inventory address when nginx runs on another host).",
      ),
    health: healthSchema.optional(),
    env: z.record(envName(), envValue()).default({}).describe(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the reference syntax, documented
      "Plain environment variables. Secrets go in `secrets` (by name). `${service:NAME.url}` (or `.host`, `.port`) is the address of service NAME in the same color, written per color (seed 000's `BACKEND_URL: ${service:backend.url}` reaches blue's backend from blue and green's from green): `http://127.0.0.1:<color port>` under systemd, `http://NAME:<port>` under compose and swarm (the service name on the color's network); not under runtime container (no network between containers). Each service in `depends_on` is also given as `SLIPWAY_<NAME>_URL`.",
    ),
    secrets: z
      .array(secretName())
      .default([])
      .describe(
        "Environment variables read from the deploy's environment and written to the 0600 env file. Runtime swarm differs: each is a swarm secret the app reads as the file `/run/secrets/<NAME>` (its path in `<NAME>_FILE`), not as the variable; validate and plan warn (docs/swarm.md).",
      ),
    files: z
      .array(configFileSchema)
      .default([])
      .describe(
        "Config files the service reads (seed 004's JSON config): rendered from a local template with the service's secrets, installed 0600 before the color starts, mounted read-only. Each is owned by the uid:gid the container runs as (`container.user`, else the image's `USER` looked up in the image, else root), since a container without capabilities reads only its own 0600 files; in helper mode the docker gate mounts a root-owned 0644 copy. Runtime container and compose.",
      ),
    volumes: z
      .array(patternString(VOLUME_PATTERN, VOLUME_EXPECTED))
      .default([])
      .describe("Volumes (`name:/path`) or bind mounts (`/host/path:/path`); named volumes are shared by both colors."),
    allow_host_paths: z
      .array(z.string())
      .optional()
      .describe(
        "Host paths this service may bind-mount although they are refused by default: `/`, system directories (`/etc`, `/var/run`, ...) and the docker socket. Each one hands the container part of the host.",
      ),
    resources: resourcesSchema.optional(),
    logs: logsSchema.optional(),
    container: containerSchema.optional(),
    systemd: systemdSchema.optional(),
    swarm: serviceSwarmSchema.optional(),
    depends_on: z
      .array(resourceName("service"))
      .default([])
      .describe("Services started (and healthy) before this one."),
    hosts: z
      .array(inventoryName("host or group"))
      .optional()
      .describe(
        'Hosts or groups running this service; the others never stage, start or gate it. Default: every inventory host. When nginx runs elsewhere (`proxy.hosts`, or a service on some hosts only) the colors listen on the host\'s inventory address instead of 127.0.0.1: see docs/deploy.md "Load-balancer layout".',
      ),
    public_port: port()
      .optional()
      .describe(
        "proxy.mode internal: the stable port the service answers on from outside (seed 000's frontend on :8050), forwarded to the live color by systemd-socket-proxyd; the colors stay on 127.0.0.1.",
      ),
    accessory: bool()
      .default(false)
      .describe(
        "Run once, outside the colors (a database or cache server, like Kamal's accessories): started when missing, never switched or stopped by a deploy, kept across deploys; recreated (volumes kept) only when its image content, env or section changed, which the plan announces. Runtime compose (its own project) and swarm (its own stack, pinned to one node); the colors reach it by its service name.",
      ),
  })
  .describe("A process of the app (backend, frontend, worker).");
