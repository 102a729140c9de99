import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { composeContainerArgv } from "../../../src/commands/compose.js";
import { containerLogsArgv } from "../../../src/commands/docker.js";
import { dockerExecArgv, inReleaseArgv, untilStdinClosesArgv } from "../../../src/commands/logs.js";
import { journalArgv } from "../../../src/commands/systemd.js";

describe("logs and exec builders", () => {
  it("journalctl: lines, since, follow, one -u per unit", () => {
    expect(
      journalArgv(["a-web@blue.service", "a-web@blue-2.service"], {
        lines: 50,
        sinceSeconds: 600,
        follow: true,
        timestamps: true,
      }),
    ).toEqual([
      "journalctl",
      "--no-pager",
      "-o",
      "short-iso",
      "-n",
      "50",
      "--since",
      "-600s",
      "-f",
      "-u",
      "a-web@blue.service",
      "-u",
      "a-web@blue-2.service",
    ]);
    expect(journalArgv(["u"], { timestamps: true })).toEqual([
      "journalctl",
      "--no-pager",
      "-o",
      "short-iso",
      "-u",
      "u",
    ]);
  });

  it("docker logs: stderr merged, the container after --", () => {
    expect(containerLogsArgv("a-web-blue", { lines: 10, follow: true, timestamps: true, sinceSeconds: 60 })).toEqual([
      "sh",
      "-c",
      'exec docker logs "$@" 2>&1',
      "sh",
      "--timestamps",
      "--tail",
      "10",
      "--since",
      "60s",
      "--follow",
      "--",
      "a-web-blue",
    ]);
    expect(composeContainerArgv("a-blue", "web", { all: true })).toEqual([
      "docker",
      "ps",
      "-a",
      "-q",
      "--filter",
      "label=com.docker.compose.project=a-blue",
      "--filter",
      "label=com.docker.compose.service=web",
    ]);
  });

  it("a follower ends when its stdin closes", () => {
    const argv = untilStdinClosesArgv(["sleep", "30"]);
    const started = Date.now();
    execFileSync(argv[0] as string, argv.slice(1), { input: "" });
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it("exec: env file sourced, run in the release dir as the service's user; docker exec with -t on a terminal", () => {
    expect(inReleaseArgv("/opt/a/env/web-blue.env", "/opt/a/colors/blue/web", "app-a", ["python", "-V"])).toEqual([
      "sh",
      "-c",
      '[ -r "$1" ] || exit 126; set -a; . "$1"; set +a; cd "$2" || exit 126; u=$3; shift 3; exec runuser -u "$u" -- "$@"',
      "sh",
      "/opt/a/env/web-blue.env",
      "/opt/a/colors/blue/web",
      "app-a",
      "python",
      "-V",
    ]);
    expect(dockerExecArgv("c", ["sh"], true)).toEqual(["docker", "exec", "-i", "-t", "c", "sh"]);
    expect(dockerExecArgv("c", ["ls"])).toEqual(["docker", "exec", "-i", "c", "ls"]);
  });
});
