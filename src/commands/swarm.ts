/**
 * Pure argv builders of Docker Swarm (runtime swarm and the bootstrap playbook): the cluster (init, join, node
 * labels, drain), stacks (one per color, `<app>-<color>`, and one for the accessories), services and their tasks,
 * and the engine's secrets and configs (created from stdin, never from argv). Service names inside a stack are
 * `<stack>_<service>`, as docker names them.
 */

/** `active`, `inactive`, `pending`, `error` or `locked`: this node's swarm state (docker info). */
export function swarmStateArgv(): string[] {
  return ["docker", "info", "--format", "{{.Swarm.LocalNodeState}}"];
}

/** Whether this node is a manager: prints `true` or `false`. */
export function swarmIsManagerArgv(): string[] {
  return ["docker", "info", "--format", "{{.Swarm.ControlAvailable}}"];
}

/** Makes this node the swarm's first manager, advertising `address` (the inventory address the workers reach). */
export function swarmInitArgv(address: string): string[] {
  return ["docker", "swarm", "init", "--advertise-addr", address, "--listen-addr", `${address}:2377`];
}

/** The worker join token (run on a manager); prints the token only. */
export function swarmJoinTokenArgv(role: "worker" | "manager" = "worker"): string[] {
  return ["docker", "swarm", "join-token", "--quiet", role];
}

/**
 * Joins this node to the swarm of `managerAddress`. The token is a secret: it goes in as `$1` of a script that reads
 * it from stdin, so it is never in a process listing.
 */
export function swarmJoinArgv(address: string, managerAddress: string): string[] {
  return [
    "sh",
    "-c",
    'read -r token && exec docker swarm join --advertise-addr "$1" --token "$token" "$2:2377"',
    "sh",
    address,
    managerAddress,
  ];
}

/** This node's id in the swarm (empty when it is in none). */
export function swarmNodeIdArgv(): string[] {
  return ["docker", "info", "--format", "{{.Swarm.NodeID}}"];
}

/** Nodes of the swarm as `id hostname status availability role` lines (run on a manager). */
export function nodeListArgv(): string[] {
  return ["docker", "node", "ls", "--format", "{{.ID}} {{.Hostname}} {{.Status}} {{.Availability}} {{.ManagerStatus}}"];
}

/** A node's labels as JSON (`{"db":"true"}`; `null` when it has none). */
export function nodeLabelsArgv(node: string): string[] {
  return ["docker", "node", "inspect", "--format", "{{json .Spec.Labels}}", "--", node];
}

/** Sets labels on a node (`--label-add k=v` each); an existing label gets the new value. */
export function nodeLabelArgv(node: string, labels: Readonly<Record<string, string>>): string[] {
  const adds = Object.entries(labels).flatMap(([k, v]) => ["--label-add", `${k}=${v}`]);
  return ["docker", "node", "update", ...adds, "--", node];
}

/** `drain` moves a node's tasks elsewhere; `active` takes tasks again. */
export function nodeAvailabilityArgv(node: string, availability: "active" | "drain" | "pause"): string[] {
  return ["docker", "node", "update", "--availability", availability, "--", node];
}

/**
 * Deploys (or updates) a stack from a compose v3 file. `--with-registry-auth` hands the manager's registry login to
 * the nodes that pull; `--prune` removes services no longer in the file; `--resolve-image always` pins each task to
 * the digest the file names.
 */
export function stackDeployArgv(stack: string, file: string): string[] {
  return [
    "docker",
    "stack",
    "deploy",
    "--compose-file",
    file,
    "--with-registry-auth",
    "--prune",
    "--resolve-image",
    "always",
    stack,
  ];
}

/** Removes a stack's services, networks, secrets and configs (volumes stay). */
export function stackRemoveArgv(stack: string): string[] {
  return ["docker", "stack", "rm", stack];
}

/** A stack's services as `name replicas` lines (`harvest-blue_web 2/2`); empty: no such stack. */
export function stackServicesArgv(stack: string): string[] {
  return [
    "docker",
    "service",
    "ls",
    "--filter",
    `label=com.docker.stack.namespace=${stack}`,
    "--format",
    "{{.Name}} {{.Replicas}}",
  ];
}

/** A stack's running tasks as `service.slot node current-state` lines: where each task runs. */
export function stackTasksArgv(stack: string): string[] {
  return [
    "docker",
    "stack",
    "ps",
    "--filter",
    "desired-state=running",
    "--format",
    "{{.Name}} {{.Node}} {{.CurrentState}}",
    stack,
  ];
}

/** Sets a service's replica count and waits for it (`0` stops its tasks: the backup's writers). */
export function serviceScaleArgv(service: string, replicas: number): string[] {
  return ["docker", "service", "scale", "--detach=false", `${service}=${replicas}`];
}

export function serviceLogsArgv(service: string, lines: number): string[] {
  return ["docker", "service", "logs", "--no-task-ids", "--tail", String(lines), service];
}

/**
 * Creates a swarm secret (or config) named `name` from stdin: the value never appears in argv. Names are versioned
 * by their content (`<app>_<secret>_<hash>`), and a secret cannot change: a new value is a new name, which a deploy
 * rotates to.
 */
export function swarmObjectCreateArgv(
  kind: "secret" | "config",
  name: string,
  labels: Readonly<Record<string, string>>,
) {
  const flags = Object.entries(labels).flatMap(([k, v]) => ["--label", `${k}=${v}`]);
  return ["docker", kind, "create", ...flags, name, "-"];
}

/** Names of the swarm secrets (or configs) carrying `label` (e.g. `slipway.app=harvest`), one per line. */
export function swarmObjectListArgv(kind: "secret" | "config", label: string): string[] {
  return ["docker", kind, "ls", "--filter", `label=${label}`, "--format", "{{.Name}}"];
}

/** Removes swarm secrets (or configs); docker refuses one a service still uses, which keeps the live ones. */
export function swarmObjectRemoveArgv(kind: "secret" | "config", names: readonly string[]): string[] {
  return ["docker", kind, "rm", ...names];
}

/**
 * The `docker node inspect` format `slipway status` reads the nodes with (commands/status.ts, kind `nodes`): one JSON
 * object a line with the hostname, role, availability, state, address, labels and whether the node leads the raft.
 * `docker node ls --format '{{json .}}'` would be shorter but has no labels.
 */
export const NODE_STATUS_FORMAT = [
  '{"id":{{json .ID}}',
  '"hostname":{{json .Description.Hostname}}',
  '"role":{{json .Spec.Role}}',
  '"availability":{{json .Spec.Availability}}',
  '"state":{{json .Status.State}}',
  '"address":{{json .Status.Addr}}',
  '"labels":{{json .Spec.Labels}}',
  '"leader":{{if .ManagerStatus}}{{.ManagerStatus.Leader}}{{else}}false{{end}}}',
].join(",");

/**
 * Every node of the swarm as one JSON object a line in NODE_STATUS_FORMAT (run on a manager; parsed by
 * deploy/status-swarm.ts parseNodes): where a host-mode port of a task on a node is reached (`address`).
 */
export function nodesInspectArgv(): string[] {
  return [
    "sh",
    "-c",
    'ids=$(docker node ls -q) && exec docker node inspect --format "$1" $ids',
    "sh",
    NODE_STATUS_FORMAT,
  ];
}

/** A service's recent tasks as `name|node|desired|current state|error` lines, newest first: why a task does not run. */
export function serviceTasksArgv(service: string): string[] {
  return [
    "docker",
    "service",
    "ps",
    "--no-trunc",
    "--format",
    "{{.Name}}|{{.Node}}|{{.DesiredState}}|{{.CurrentState}}|{{.Error}}",
    service,
  ];
}

/** The networks a stack created (ids, one per line); empty once `docker stack rm` has removed them. */
export function stackNetworksArgv(stack: string): string[] {
  return ["docker", "network", "ls", "-q", "--filter", `label=com.docker.stack.namespace=${stack}`];
}

/** This node's containers of a stack's tasks, stopped ones included (ids); empty once they are removed. */
export function stackContainersArgv(stack: string): string[] {
  return ["docker", "ps", "-aq", "--filter", `label=com.docker.stack.namespace=${stack}`];
}

/**
 * A service's placement constraints as the engine holds them now (a JSON array, or `null` without any), which a
 * hand-run `docker service update --constraint-add/--constraint-rm` changes too. Fails when no such service exists.
 */
export function serviceConstraintsArgv(service: string): string[] {
  return ["docker", "service", "inspect", "--format", "{{json .Spec.TaskTemplate.Placement.Constraints}}", service];
}

/**
 * Replaces a service's placement constraints `remove` by `add` (docker service update; the engine reschedules the
 * task). Printed for the user in the refusal of an accessory's move, never run by Slipway.
 */
export function serviceConstraintsUpdateArgv(
  service: string,
  remove: readonly string[],
  add: readonly string[],
): string[] {
  return [
    "docker",
    "service",
    "update",
    ...remove.flatMap((c) => ["--constraint-rm", c]),
    ...add.flatMap((c) => ["--constraint-add", c]),
    service,
  ];
}
