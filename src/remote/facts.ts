/**
 * Host facts in one round trip: FACTS_SCRIPT runs under /bin/sh on the host and prints `key=value` lines;
 * parseFacts turns them into HostFacts. The parser is pure and tested by exact value.
 *
 * Release layout read here: `<deployDir>/current` is a symlink to `releases/<id>`, and `<deployDir>/color` holds the
 * live color (`blue` or `green`).
 */
import type { HostFacts } from "./types.js";

/** The compose a host has, as the facts report it: the plugin (v2) or the standalone python one (v1). */
export type ComposeFlavour = "v2" | "v1";

export const DEFAULT_DEPLOY_DIR = "/srv/slipway";

/** $1 = deploy directory. Every probe is guarded so a missing tool yields an empty value, never a failure. */
export const FACTS_SCRIPT = `
PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"
dir=$1
if [ -r /etc/os-release ]; then . /etc/os-release; fi
echo "os_id=\${ID:-}"
echo "os_version=\${VERSION_ID:-}"
echo "os_pretty=\${PRETTY_NAME:-}"
echo "arch=$(uname -m)"
if [ -d /run/systemd/system ]; then echo init=systemd; else echo init=other; fi
echo "user=$(id -un)"
if command -v docker >/dev/null 2>&1; then
  echo "docker=$(docker --version 2>/dev/null)"
  if docker compose version >/dev/null 2>&1; then echo compose=v2; elif command -v docker-compose >/dev/null 2>&1; then echo compose=v1; else echo compose=; fi
  if docker buildx version >/dev/null 2>&1; then echo buildx=yes; else echo buildx=no; fi
else
  echo docker=; echo compose=; echo buildx=no
fi
nginx=$(command -v nginx 2>/dev/null)
echo "nginx=$nginx"
if [ -n "$nginx" ]; then
  echo "nginx_version=$("$nginx" -v 2>&1 | head -n 1)"
  echo "nginx_conf=$("$nginx" -V 2>&1 | tr ' ' '\\n' | sed -n 's/^--conf-path=//p' | head -n 1)"
fi
probe=$dir
while [ ! -e "$probe" ] && [ "$probe" != / ] && [ -n "$probe" ]; do probe=$(dirname "$probe"); done
echo "disk_free_kb=$(df -Pk "$probe" 2>/dev/null | awk 'NR==2 {print $4}')"
echo "deploy_dir=$dir"
echo "current=$(readlink "$dir/current" 2>/dev/null)"
echo "color=$(head -n 1 "$dir/color" 2>/dev/null)"
echo end=1
`;

export function parseFacts(output: string): HostFacts {
  const values = new Map<string, string>();
  for (const line of output.split("\n")) {
    const eq = line.indexOf("=");
    if (eq > 0) values.set(line.slice(0, eq), line.slice(eq + 1).trim());
  }
  if (values.get("end") !== "1") throw new Error("facts script output is incomplete");
  const get = (key: string): string => values.get(key) ?? "";
  const orNull = (key: string): string | null => get(key) || null;
  const compose = get("compose");
  const nginxConf = get("nginx_conf");
  const freeKb = get("disk_free_kb");
  const color = get("color");
  const current = get("current");
  return {
    os: { id: get("os_id"), version: get("os_version"), prettyName: get("os_pretty") },
    arch: get("arch"),
    initSystem: get("init") === "systemd" ? "systemd" : "other",
    docker: {
      version: /(\d+\.\d+\.\d+[^\s,]*)/.exec(get("docker"))?.[1] ?? null,
      compose: compose === "v2" || compose === "v1" ? compose : null,
      buildx: get("buildx") === "yes",
    },
    nginx: {
      binary: orNull("nginx"),
      confDir: nginxConf ? nginxConf.replace(/\/[^/]*$/, "") || "/" : null,
      version: /nginx\/(\S+)/.exec(get("nginx_version"))?.[1] ?? null,
    },
    freeDiskBytes: /^\d+$/.test(freeKb) ? Number(freeKb) * 1024 : null,
    deployDir: get("deploy_dir"),
    current: {
      release: current ? (current.replace(/\/+$/, "").split("/").pop() ?? null) : null,
      color: color === "blue" || color === "green" ? color : null,
    },
    user: get("user"),
  };
}
