/** gate: every service of the idle color answers its health check N times in a row, or the run fails with its logs. */
import { colorPort } from "../../config/index.js";
import { SlipwayError } from "../../errors.js";
import { instancesOf } from "../../render/from-config/common.js";
import { gateArgs, healthGate } from "../health.js";
import type { Step } from "./types.js";

export const gateStep: Step = {
  name: "gate",
  async run(s) {
    const { host, config, runtime } = s.run;
    // Every instance of a load-balanced service (runtime container): nginx sends requests to each of them.
    const ports = Object.entries(config.services).flatMap(([name, service]) =>
      service.accessory // not in the colors: compose/accessories.ts waits for it
        ? []
        : Array.from({ length: config.runtime === "container" ? instancesOf(config, name) : 1 }, (_, i) => ({
            name,
            service,
            port: colorPort(service, s.idle, i),
          })),
    );
    for (const { name, service, port } of ports) {
      const args = gateArgs(name, service, port);
      const gate = await healthGate(host, args);
      if (!gate.ok) {
        s.say(`${name} on ${s.idle} is unhealthy after ${gate.attempts} checks (${gate.last}); its last log lines:`);
        for (const line of (await runtime.logs(s.idle, 30)).split("\n")) if (line) s.raw(`    ${line}`);
        throw new SlipwayError(`${name} (${s.idle}) did not become healthy at ${args.url}: ${gate.last}`, {
          host: host.name,
          step: "gate",
          hint: "fix the release and deploy again",
        });
      }
      s.say(`${name} on ${s.idle} is healthy (${gate.attempts} checks)`);
    }
    return { status: "ok" };
  },
};
