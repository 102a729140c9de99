import { describe, expect, it } from "vitest";
import { runText } from "./helpers.js";

describe("when, loop, register", () => {
  it("skips on a false condition, loops with item, and registers results for later tasks", async () => {
    const run = await runText(
      [
        "- hosts: all",
        "  vars: { packages: [nginx, curl], enabled: false }",
        "  tasks:",
        "    - name: echo each",
        "      command: echo {{ item }}",
        "      loop: '{{ packages }}'",
        "      register: echoed",
        "    - name: only when enabled",
        "      command: echo never",
        "      when: enabled",
        "    - name: uses the registered output",
        "      command: echo got {{ echoed.results | length }} {{ echoed.results[1].stdout }}",
        "      when: echoed is changed and 'nginx' in packages",
        "      register: second",
        "      changed_when: false",
        "    - name: failed_when reads the result",
        "      command: echo fine",
        "      failed_when: \"'fine' not in result.stdout\"",
        "      changed_when: second.stdout == 'got 2 curl'",
      ].join("\n"),
    );
    const host = run.hosts.get("a");
    expect(host?.ran).toEqual(["echo nginx", "echo curl", "echo got 2 curl", "echo fine"]);
    expect(run.lines).toEqual([
      "a echo each changed",
      "a only when enabled skipped",
      "a uses the registered output ok",
      "a failed_when reads the result changed",
    ]);
    expect(run.recap.a).toEqual({ ok: 3, changed: 2, unreachable: 0, failed: 0, skipped: 1, rescued: 0, ignored: 0 });
  });

  it("fails a task whose template names an undefined variable, with the name in the message", async () => {
    const run = await runText(["- hosts: all", "  tasks:", "    - command: echo {{ missing.value }}"].join("\n"));
    expect(run.outcomes[0]?.msg).toBe('"missing.value" is undefined (define it in vars, or use "| default(...)")');
    expect(run.ok).toBe(false);
  });

  it("set_fact values and vars referring to other vars are rendered lazily", async () => {
    const run = await runText(
      [
        "- hosts: all",
        "  vars: { base: /srv, app_dir: '{{ base }}/{{ app }}' }",
        "  tasks:",
        "    - set_fact: { app: shop }",
        "    - command: echo {{ app_dir }} {{ facts.os.id }} {{ inventory_hostname }}",
      ].join("\n"),
    );
    expect(run.hosts.get("a")?.ran).toEqual(["echo /srv/shop debian a"]);
  });
});

describe("handlers", () => {
  const play = (tasks: string[], extra: string[] = []) =>
    [
      "- hosts: all",
      ...extra,
      "  tasks:",
      ...tasks,
      "  handlers:",
      "    - name: first",
      "      command: echo handler-first",
      "    - name: second",
      "      command: echo handler-second",
      "      listen: topic",
    ].join("\n");

  it("run once, in definition order, at the end of the play", async () => {
    const run = await runText(
      play([
        "    - { command: echo t1, notify: [topic] }",
        "    - { command: echo t2, notify: [first, topic] }",
        "    - { command: echo t3, notify: first, changed_when: false }",
      ]),
    );
    expect(run.hosts.get("a")?.ran).toEqual([
      "echo t1",
      "echo t2",
      "echo t3",
      "echo handler-first",
      "echo handler-second",
    ]);
  });

  it("run on meta: flush_handlers and again only if notified again", async () => {
    const run = await runText(
      play(["    - { command: echo t1, notify: first }", "    - meta: flush_handlers", "    - { command: echo t2 }"]),
    );
    expect(run.hosts.get("a")?.ran).toEqual(["echo t1", "echo handler-first", "echo t2"]);
  });

  it("still run when a later task fails", async () => {
    const run = await runText(
      play([
        "    - { command: echo t1, notify: first }",
        "    - { command: 'false' }",
        "    - { command: echo never }",
      ]),
    );
    expect(run.hosts.get("a")?.ran).toEqual(["echo t1", "false", "echo handler-first"]);
    expect(run.recap.a?.failed).toBe(1);
  });

  it("do not run after a failure when the play sets force_handlers: false", async () => {
    const run = await runText(
      play(["    - { command: echo t1, notify: first }", "    - { command: 'false' }"], ["  force_handlers: false"]),
    );
    expect(run.hosts.get("a")?.ran).toEqual(["echo t1", "false"]);
  });
});

describe("block / rescue / always", () => {
  it("rescues a failure, runs always, and counts rescued instead of failed", async () => {
    const run = await runText(
      [
        "- hosts: all",
        "  tasks:",
        "    - name: guarded",
        "      block:",
        "        - { name: try, command: 'false' }",
        "        - { name: skipped by failure, command: echo no }",
        "      rescue:",
        "        - { name: undo, command: echo undo }",
        "      always:",
        "        - { name: cleanup, command: echo cleanup }",
        "    - { name: after, command: echo after }",
      ].join("\n"),
    );
    expect(run.hosts.get("a")?.ran).toEqual(["false", "echo undo", "echo cleanup", "echo after"]);
    expect(run.lines).toEqual(["a try failed rescued", "a undo changed", "a cleanup changed", "a after changed"]);
    expect(run.recap.a).toEqual({ ok: 3, changed: 3, unreachable: 0, failed: 0, skipped: 0, rescued: 1, ignored: 0 });
    expect(run.ok).toBe(true);
  });

  it("runs always and stops the host when the rescue fails too", async () => {
    const run = await runText(
      [
        "- hosts: all",
        "  tasks:",
        "    - block: [{ command: 'false' }]",
        "      rescue: [{ command: 'false', name: rescue fails }]",
        "      always: [{ command: echo always }]",
        "    - command: echo never",
      ].join("\n"),
    );
    expect(run.hosts.get("a")?.ran).toEqual(["false", "false", "echo always"]);
    expect(run.recap.a).toMatchObject({ failed: 1, rescued: 1 });
  });

  it("applies a block's when and become to its tasks; ignore_errors counts as ignored", async () => {
    const run = await runText(
      [
        "- hosts: all",
        "  tasks:",
        "    - block: [{ command: echo in-block }]",
        "      when: false",
        "    - block: [{ command: 'false', ignore_errors: true }, { command: echo next }]",
        "      become: true",
      ].join("\n"),
    );
    const host = run.hosts.get("a");
    expect(host?.commands).toEqual([
      { argv: ["false"], become: true },
      { argv: ["echo", "next"], become: true },
    ]);
    expect(run.recap.a).toMatchObject({ ok: 1, skipped: 1, ignored: 1, failed: 0 });
  });
});

describe("check mode", () => {
  it("reports the diff of a file it would change and changes nothing", async () => {
    const run = await runText(
      [
        "- hosts: all",
        "  vars: { port: 8080, password: s3cret }",
        "  tasks:",
        "    - copy: { dest: /etc/app.conf, content: \"port={{ port }}\\npassword={{ password }}\\n\", mode: '0640' }",
        "    - file: { path: /srv/app, state: directory }",
        "    - command: echo would-run",
      ].join("\n"),
      {
        check: true,
        redactor: { redact: (t: string) => t.replaceAll("s3cret", "***") },
        setup: (h) => h.writeFile("/etc/app.conf", "port=80\npassword=s3cret\n"),
      },
    );
    const host = run.hosts.get("a");
    expect(host?.files.get("/etc/app.conf")?.content).toBe("port=80\npassword=s3cret\n");
    expect(host?.files.has("/srv/app")).toBe(false);
    expect(host?.ran.filter((c) => !c.startsWith("stat") && !c.startsWith("test"))).toEqual([]);
    expect(run.outcomes[0]?.diffs).toEqual([
      { path: "/etc/app.conf", before: "port=80\npassword=***\n", after: "port=8080\npassword=***\n" },
    ]);
    expect(run.lines).toEqual(["a copy changed", "a file changed", "a command skipped"]);
  });

  it("no_log hides the diff and the message", async () => {
    const run = await runText(
      ["- hosts: all", "  tasks:", "    - copy: { dest: /etc/secret, content: x }", "      no_log: true"].join("\n"),
      {
        check: true,
      },
    );
    expect(run.outcomes[0]?.diffs).toBeUndefined();
  });

  it("a task with check_mode: false runs even in check mode", async () => {
    const run = await runText(
      ["- hosts: all", "  tasks:", "    - command: echo read-only", "      check_mode: false"].join("\n"),
      {
        check: true,
      },
    );
    expect(run.hosts.get("a")?.ran).toEqual(["echo read-only"]);
  });
});

describe("hosts, tags, unreachable", () => {
  it("honours --tags (with always) and --limit", async () => {
    const run = await runText(
      [
        "- hosts: all",
        "  tasks:",
        "    - { command: echo web, tags: [web] }",
        "    - { command: echo db, tags: db }",
        "    - { command: echo always, tags: always }",
      ].join("\n"),
      { names: ["a", "b"], tags: ["web"], limit: "b" },
    );
    expect(run.hosts.get("a")?.ran).toEqual([]);
    expect(run.hosts.get("b")?.ran).toEqual(["echo web", "echo always"]);
  });

  it("refuses a --limit that matches no host, naming the hosts and groups there are", async () => {
    const run = runText(["- hosts: all", "  tasks:", "    - command: echo hi"].join("\n"), {
      names: ["a", "b"],
      groups: { web: ["a"] },
      limit: "wbe",
    });
    await expect(run).rejects.toThrow('--limit "wbe": "wbe" matches no host or group');
    await expect(run).rejects.toMatchObject({
      hint: "hosts and groups: a, b, web (patterns: all, web*, ~regex, a,b, !a, &group)",
    });
  });

  it("reports and counts an unreachable host and carries on with the others", async () => {
    const run = await runText(["- hosts: all", "  tasks:", "    - command: echo hi"].join("\n"), {
      names: ["a", "b"],
      setup: (h) => {
        if (h.name === "b") h.unreachable = true;
      },
    });
    expect(run.recap.b).toMatchObject({ unreachable: 1, ok: 0 });
    expect(run.recap.a).toMatchObject({ changed: 1 });
    expect(run.ok).toBe(false);
  });

  it("any_errors_fatal stops every host", async () => {
    const run = await runText(
      [
        "- hosts: all",
        "  any_errors_fatal: true",
        "  tasks:",
        "    - command: \"{{ 'false' if inventory_hostname == 'a' else 'true' }}\"",
        "    - command: echo next",
      ].join("\n"),
      { names: ["a", "b"], forks: 1 },
    );
    expect(run.hosts.get("b")?.ran).toEqual([]);
  });
});
