import { describe, expect, it } from "vitest";
import { parsePlaybookText } from "../../../src/engine/parse/playbook.js";
import { ConfigError } from "../../../src/errors.js";
import { defaultRegistry } from "../../../src/modules/index.js";

const modules = defaultRegistry();

function problems(yaml: string): string[] {
  try {
    parsePlaybookText(yaml, "playbooks/x.yml", { modules });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message.split("\n");
  }
  throw new Error("expected the playbook to be rejected");
}

describe("playbook validation", () => {
  it("names an unknown module with file:line:col and a suggestion", () => {
    const yaml = [
      "- hosts: all",
      "  tasks:",
      "    - command: echo one",
      "    - name: two",
      "      comand: echo two",
    ].join("\n");
    expect(problems(yaml)).toEqual(['playbooks/x.yml:5:7: tasks[1]: unknown module "comand", did you mean "command"?']);
  });

  it("reports every problem at once, each at its position", () => {
    const yaml = [
      "- hosts: web",
      "  serail: 2",
      "  serial: many",
      "  tasks:",
      "    - file: { path: relative/dir, state: directory }",
      "    - command: echo hi",
      "      when: x ==",
      "    - rescue: []",
    ].join("\n");
    expect(problems(yaml)).toEqual([
      'playbooks/x.yml:2:3: unknown play keyword "serail", did you mean "serial"?',
      'playbooks/x.yml:3:11: serial: expected a positive whole number, a percentage like "30%", or a list of them',
      "playbooks/x.yml:5:21: tasks[0].file.path: expected an absolute path",
      'playbooks/x.yml:7:13: tasks[1].when: invalid expression "x ==": unexpected end of expression at column 5',
      'playbooks/x.yml:8:7: tasks[2]: "rescue" needs a "block" beside it',
      "playbooks/x.yml:8:7: tasks[2]: no module given (known modules: apt, assert, backup, certbot, command, compose, copy, debug, docker_build, docker_container, docker_image, file, http_wait, image_delivery, lock, nginx_site, swarm, systemd, template, user)",
    ]);
  });

  it("rejects a play without hosts, two modules in one task, and unknown handlers", () => {
    const yaml = ["- tasks:", "    - command: a", "      file: { path: /x }", "  handlers:", "    - command: b"].join(
      "\n",
    );
    expect(problems(yaml)).toEqual([
      "playbooks/x.yml:1:3: hosts: every play needs `hosts:` (a pattern such as all, a group, a host, web:!db)",
      'playbooks/x.yml:2:7: tasks[0]: a task runs exactly one module; found "command", "file"',
      "playbooks/x.yml:5:7: handlers[0]: a handler is a named task that runs one module",
    ]);
  });

  it("points at YAML syntax errors", () => {
    expect(problems("- hosts: all\n  tasks: [\n")[0]).toMatch(/^playbooks\/x\.yml:\d+:\d+: YAML syntax: /);
  });

  it("parses free-form args, loops, handlers, serial lists and block sections", () => {
    const yaml = [
      "- name: web",
      "  hosts: web:!db",
      "  serial: [1, '50%']",
      "  max_fail_percentage: 20",
      "  tasks:",
      "    - command: echo {{ item }}",
      "      loop: [a, b]",
      "      register: out",
      "      notify: restart",
      "    - block:",
      "        - debug: { msg: hi }",
      "      rescue:",
      "        - debug: { msg: rescued }",
      "      always:",
      "        - meta: flush_handlers",
      "  handlers:",
      "    - name: restart",
      "      systemd: { name: nginx, state: restarted }",
    ].join("\n");
    const book = parsePlaybookText(yaml, "playbooks/x.yml", { modules });
    const play = book.plays[0];
    expect(play?.serial).toEqual([1, "50%"]);
    expect(play?.maxFailPercentage).toBe(20);
    expect(play?.tasks[0]).toMatchObject({
      kind: "module",
      module: "command",
      args: { cmd: "echo {{ item }}" },
      loop: ["a", "b"],
      register: "out",
      notify: ["restart"],
    });
    expect(play?.tasks[1]).toMatchObject({ kind: "block", rescue: [{ kind: "module" }], always: [{ kind: "meta" }] });
    expect(play?.handlers.map((h) => h.name)).toEqual(["restart"]);
  });
});

describe("notify", () => {
  it("must name a handler", () => {
    const yaml = [
      "- hosts: all",
      "  tasks:",
      "    - command: echo",
      "      notify: restart ngnix",
      "  handlers:",
      "    - name: restart nginx",
      "      systemd: { name: nginx, state: restarted }",
    ].join("\n");
    expect(problems(yaml)).toEqual([
      'playbooks/x.yml:3:7: tasks[0].notify: no handler is named "restart ngnix", did you mean "restart nginx"?',
    ]);
  });
});
