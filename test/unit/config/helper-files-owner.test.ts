/** D31: helper mode + `container.user` + `files` is refused by validate at the key, not at the deploy's `chown`. */
import { describe, expect, it } from "vitest";
import { configWith } from "../render/from-config/config.js";

const api = (container: Record<string, unknown>, files: unknown[]) => ({
  image: "ghcr.io/acme/api:1",
  port: 5001,
  container,
  files,
});
const FILES = [{ template: "config.json.tpl", path: "/app/config.json" }];
const inventory = (privilege: string) => ({ ssh: { privilege }, hosts: { t10: { address: "10.213.0.20" } } });

function problems(service: Record<string, unknown>, privilege: string): string {
  try {
    configWith({
      runtime: "compose",
      services: { api: service },
      proxy: { domains: ["x.example.com"], routes: [{ path: "/", service: "api" }] },
      inventory: inventory(privilege),
    });
  } catch (e) {
    return String((e as Error).message);
  }
  return "";
}

describe("helper mode and config files for a non-root container user", () => {
  it("refuses a numeric container.user with files on a helper-mode host, naming the key and the way out", () => {
    expect(problems(api({ user: "65534:65534" }, FILES), "helper")).toContain(
      "services.api.container.user: helper mode (host t10) cannot give services.api.files to 65534:65534: the helper does not run `chown`; drop container.user or the files, or use `privilege: root` for that host",
    );
  });

  it("accepts the same in root mode, and helper mode without files or without a user", () => {
    expect(problems(api({ user: "65534:65534" }, FILES), "root")).toBe("");
    expect(problems(api({ user: "65534:65534" }, []), "helper")).toBe("");
    expect(problems(api({}, FILES), "helper")).toBe("");
  });
});
