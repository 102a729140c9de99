import { describe, expect, it } from "vitest";
import { composeBinary } from "../../../src/commands/compose.js";
import { parseFacts } from "../../../src/remote/facts.js";

const DEBIAN = `os_id=debian
os_version=12
os_pretty=Debian GNU/Linux 12 (bookworm)
arch=x86_64
init=systemd
user=deploy
docker=Docker version 20.10.24+dfsg1, build 297e128
compose=v1
buildx=no
nginx=/usr/sbin/nginx
nginx_version=nginx version: nginx/1.22.1
nginx_conf=/etc/nginx/nginx.conf
disk_free_kb=1048576
deploy_dir=/srv/app
current=/srv/app/releases/20260101-abc123
color=green
end=1
`;

describe("parseFacts", () => {
  it("reads a Debian host with docker-compose v1 and nginx", () => {
    expect(parseFacts(DEBIAN)).toEqual({
      os: { id: "debian", version: "12", prettyName: "Debian GNU/Linux 12 (bookworm)" },
      arch: "x86_64",
      initSystem: "systemd",
      docker: { version: "20.10.24+dfsg1", compose: "v1", buildx: false },
      nginx: { binary: "/usr/sbin/nginx", confDir: "/etc/nginx", version: "1.22.1" },
      freeDiskBytes: 1073741824,
      deployDir: "/srv/app",
      current: { release: "20260101-abc123", color: "green" },
      user: "deploy",
    });
  });

  it("reads a bare host: no docker, no nginx, no release yet", () => {
    const bare = `os_id=alpine
os_version=3.20.1
os_pretty=Alpine Linux v3.20
arch=aarch64
init=other
user=root
docker=
compose=
buildx=no
nginx=
disk_free_kb=
deploy_dir=/srv/slipway
current=
color=
end=1`;
    expect(parseFacts(bare)).toEqual({
      os: { id: "alpine", version: "3.20.1", prettyName: "Alpine Linux v3.20" },
      arch: "aarch64",
      initSystem: "other",
      docker: { version: null, compose: null, buildx: false },
      nginx: { binary: null, confDir: null, version: null },
      freeDiskBytes: null,
      deployDir: "/srv/slipway",
      current: { release: null, color: null },
      user: "root",
    });
  });

  it("reads docker compose v2 with buildx and a relative release link", () => {
    const facts = parseFacts(
      DEBIAN.replace("compose=v1", "compose=v2")
        .replace("buildx=no", "buildx=yes")
        .replace("Docker version 20.10.24+dfsg1, build 297e128", "Docker version 27.3.1, build ce12230")
        .replace("current=/srv/app/releases/20260101-abc123", "current=releases/r42/")
        .replace("color=green", "color=purple"),
    );
    expect(facts.docker).toEqual({ version: "27.3.1", compose: "v2", buildx: true });
    expect(facts.current).toEqual({ release: "r42", color: null });
  });

  it("keeps everything after the first = in a value", () => {
    expect(parseFacts(DEBIAN.replace("os_pretty=Debian GNU/Linux 12 (bookworm)", "os_pretty=a=b")).os.prettyName).toBe(
      "a=b",
    );
  });

  it("refuses truncated output", () => {
    expect(() => parseFacts(DEBIAN.replace("end=1\n", ""))).toThrow(/incomplete/);
  });
});

describe("compose binary (deploy, compose module and render check alike)", () => {
  it("is docker-compose for v1 and docker compose for v2 or when none was found", () => {
    expect(composeBinary("v1")).toEqual(["docker-compose"]);
    expect(composeBinary("v2")).toEqual(["docker", "compose"]);
    expect(composeBinary(null)).toEqual(["docker", "compose"]);
  });
});
