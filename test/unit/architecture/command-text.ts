/**
 * Finds command text and remote calls in a TypeScript source, for placement.test.ts. Command text is what builds a
 * command to run on a host: an argv literal that starts with a program (`["systemctl", ...]`, `argv: ["sh", "-c"`),
 * or a string holding shell script (`set -e`, `"$1"`, `2>&1`, `|| exit`). A remote call is `.exec(`, `.putFile(` or
 * `.readFile(` on a host (`host.exec(`, `ctx.host.exec(`). Comments are skipped; messages and hints that merely name
 * a command (`see \`sudo nginx -t\``) are not command text.
 */

export interface Finding {
  /** 1-based line of the match. */
  line: number;
  kind: "argv" | "script" | "remote call";
  text: string;
}

/** Programs whose argv literal is command text (the tools src/commands/ has a builder for, and the shells). */
export const PROGRAMS = [
  "sh",
  "/bin/sh",
  "bash",
  "docker",
  "docker-compose",
  "systemctl",
  "journalctl",
  "systemd-run",
  "systemd-analyze",
  "certbot",
  "curl",
  "mkdir",
  "rm",
  "ln",
  "mv",
  "cp",
  "install",
  "chmod",
  "chown",
  "test",
  "stat",
  "touch",
  "readlink",
  "find",
  "tar",
  "getent",
  "useradd",
  "usermod",
  "userdel",
  "apt-get",
  "dpkg-query",
];

const escaped = PROGRAMS.map((p) => p.replace(/[/.-]/g, "\\$&")).join("|");
const ARGV = new RegExp(`\\[\\s*(["'\`])(${escaped})\\1\\s*,`, "g");
/** `nginx` only with a flag after it: `["nginx", "internal"]` is a config enum, `["nginx", "-t"]` a command. */
const NGINX = /\[\s*(["'`])nginx\1\s*,\s*(["'`])-/g;
const SHELL_C = /(["'`])(\/bin\/)?sh\1\s*,\s*(["'`])-c\3/g;
/** `"$1"` counts inside script text only (`mkdir -p -- "$1"`), not as a JS replacement string (`.replace(re, "$1")`). */
const SCRIPT = /\bset -e\b|[\w;|&-] "\$[1-9@]"|"\$[1-9@]" [\w;|&<>-]|2>&1|\|\| exit\b/g;
const REMOTE = /\b[\w#]*[hH]ost\.(exec|putFile|readFile)\(/g;

/** The source with comments blanked (same length and line breaks), so positions still map to lines. */
export function withoutComments(source: string): string {
  let out = "";
  let i = 0;
  let quote: string | null = null;
  while (i < source.length) {
    const c = source[i] as string;
    const next = source[i + 1];
    if (quote) {
      out += c;
      if (c === "\\") {
        out += next ?? "";
        i += 2;
        continue;
      }
      if (c === quote) quote = null;
      i++;
    } else if (c === "/" && next === "/") {
      while (i < source.length && source[i] !== "\n") {
        out += " ";
        i++;
      }
    } else if (c === "/" && next === "*") {
      const end = source.indexOf("*/", i + 2);
      const stop = end === -1 ? source.length : end + 2;
      out += source.slice(i, stop).replace(/[^\n]/g, " ");
      i = stop;
    } else {
      if (c === '"' || c === "'" || c === "`") quote = c;
      out += c;
      i++;
    }
  }
  return out;
}

function lineOf(text: string, index: number): number {
  return text.slice(0, index).split("\n").length;
}

/** Every command text and remote call in `source`, in order of position. */
export function findCommandText(source: string): Finding[] {
  const text = withoutComments(source);
  const found: Array<Finding & { at: number }> = [];
  const scan = (pattern: RegExp, kind: Finding["kind"]) => {
    for (const m of text.matchAll(pattern)) {
      found.push({ at: m.index, line: lineOf(text, m.index), kind, text: m[0].replace(/\s+/g, " ") });
    }
  };
  scan(ARGV, "argv");
  scan(NGINX, "argv");
  scan(SHELL_C, "argv");
  scan(SCRIPT, "script");
  scan(REMOTE, "remote call");
  return found.sort((a, b) => a.at - b.at).map(({ at: _, ...f }) => f);
}
