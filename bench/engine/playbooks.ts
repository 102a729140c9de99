/** The benchmark's workload, the same for Slipway and Ansible: N trivial tasks (`true` on the host, no change). */
export function slipwayPlaybook(tasks: number): string {
  const lines = ["- hosts: bench", "  gather_facts: false", "  tasks:"];
  if (tasks === 0) lines[2] = "  tasks: []";
  for (let i = 0; i < tasks; i++) lines.push(`    - { name: trivial ${i}, command: "true", changed_when: false }`);
  return `${lines.join("\n")}\n`;
}

export function ansiblePlaybook(tasks: number): string {
  const lines = ["- hosts: bench", "  gather_facts: false", "  tasks:"];
  if (tasks === 0) lines[2] = "  tasks: []";
  for (let i = 0; i < tasks; i++) lines.push(`    - { name: trivial ${i}, command: "true", changed_when: false }`);
  return `${lines.join("\n")}\n`;
}

/** INI inventory for Ansible with the sandbox's key; host keys checked against the sandbox's known_hosts. */
export function ansibleInventory(
  hosts: ReadonlyArray<{ name: string; host: string; port: number; user: string }>,
  key: string,
): string {
  const lines = ["[bench]"];
  for (const h of hosts) {
    lines.push(
      `${h.name} ansible_host=${h.host} ansible_port=${h.port} ansible_user=${h.user} ansible_ssh_private_key_file=${key}`,
    );
  }
  return `${lines.join("\n")}\n`;
}

/** ansible.cfg: pipelining and ControlPersist on, strict host key checking against the given known_hosts. */
export function ansibleConfig(knownHosts: string, controlDir: string): string {
  return [
    "[defaults]",
    "host_key_checking = True",
    "forks = 10",
    "interpreter_python = /usr/bin/python3",
    "retry_files_enabled = False",
    "stdout_callback = default",
    "",
    "[ssh_connection]",
    "pipelining = True",
    `control_path_dir = ${controlDir}`,
    `ssh_args = -o ControlMaster=auto -o ControlPersist=120s -o StrictHostKeyChecking=yes -o UserKnownHostsFile=${knownHosts}`,
    "",
  ].join("\n");
}
