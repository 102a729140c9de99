/** Seed 000 internal mode: the frontend's stable public port, forwarded to the live color. */

import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config/load.js";
import { renderFromConfig } from "../../../src/render/from-config/index.js";
import { publicPortUnits } from "../../../src/render/public-port.js";

describe("publicPortUnits", () => {
  it("a socket on the public port and a forwarder to the color's port on 127.0.0.1", () => {
    const units = publicPortUnits("harvest", "frontend", 8050, 18060);
    expect(units.socket).toEqual({
      name: "harvest-frontend-public.socket",
      path: "/etc/systemd/system/harvest-frontend-public.socket",
      content: [
        "# Managed by Slipway: harvest frontend on its public port (proxy.mode internal).",
        "[Unit]",
        "Description=harvest frontend: public port 8050",
        "",
        "[Socket]",
        "ListenStream=8050",
        "",
        "[Install]",
        "WantedBy=sockets.target",
        "",
      ].join("\n"),
    });
    expect(units.service.name).toBe("harvest-frontend-public.service");
    expect(units.service.content).toContain("\nExecStart=/lib/systemd/systemd-socket-proxyd 127.0.0.1:18060\n");
    expect(units.service.content).toContain("\nRequires=harvest-frontend-public.socket\n");
  });
});

describe("slipway render shows internal mode's public-port units, pointed at the color rendered", () => {
  it("the socket and its forwarder to green's port, beside the service units", async () => {
    const config = await loadConfig(
      fileURLToPath(new URL("../../fixtures/config/valid/internal-public-frontend.yml", import.meta.url)),
    );
    const files = renderFromConfig(config, { color: "green", tlsReady: false });
    expect(files.filter((f) => f.kind === "systemd-unit").map((f) => f.path)).toEqual([
      "/etc/systemd/system/harvest-backend@.service",
      "/etc/systemd/system/harvest-frontend@.service",
      "/etc/systemd/system/harvest-frontend-public.socket",
      "/etc/systemd/system/harvest-frontend-public.service",
    ]);
    const forwarder = files.find((f) => f.path.endsWith("-public.service"));
    expect(forwarder?.content).toContain("ExecStart=/lib/systemd/systemd-socket-proxyd 127.0.0.1:18060\n");
  });
});
