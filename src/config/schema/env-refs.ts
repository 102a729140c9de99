/**
 * References from a service's `env` to another service of the same color: `${service:backend.url}`. Seed 000's
 * frontend must reach *its* color's backend (`BACKEND_URL`), whose port moves with every deploy, so the value is
 * written per color when the env file is rendered. The syntax is the one config-file templates use
 * (`${secret:NAME}`): a kind, a colon, a name. This file parses and checks them; render/from-config/common.ts
 * resolves them.
 */
import { didYouMean } from "../../suggest.js";
import type { CheckedConfig } from "./cross-checks.js";

type Issue = (path: (string | number)[], message: string, input?: unknown) => void;

/** What a reference can ask for: `url` (`http://host:port`), `host`, `port`. */
export const SERVICE_REF_ATTRIBUTES = ["url", "host", "port"] as const;
export type ServiceRefAttribute = (typeof SERVICE_REF_ATTRIBUTES)[number];

export interface ServiceRef {
  /** The whole `${service:...}` text. */
  text: string;
  service: string;
  attribute: string;
}

/** Any `${service:...}`, well-formed or not, so that a typo is reported rather than passed to the app as text. */
const REFERENCE = /\$\{service:([^}]*)\}/g;

/** The references in one env value, in order; `service`/`attribute` as written (checked by checkEnvReferences). */
export function serviceRefs(value: string): ServiceRef[] {
  return [...value.matchAll(REFERENCE)].map((m) => {
    const inner = m[1] ?? "";
    const dot = inner.lastIndexOf(".");
    return {
      text: m[0],
      service: dot < 0 ? inner : inner.slice(0, dot),
      attribute: dot < 0 ? "" : inner.slice(dot + 1),
    };
  });
}

/** Replaces each reference in `value` by `resolve(service, attribute)` (references already checked). */
export function replaceServiceRefs(
  value: string,
  resolve: (service: string, attribute: ServiceRefAttribute) => string,
) {
  return value.replace(REFERENCE, (text) => {
    const [ref] = serviceRefs(text);
    return ref ? resolve(ref.service, ref.attribute as ServiceRefAttribute) : text;
  });
}

/**
 * Each reference in `services.*.env` names another service and one of SERVICE_REF_ATTRIBUTES, under a runtime where
 * services of one color can reach each other (systemd: loopback; compose: the project's network). Runtime container
 * runs each container on its own bridge with only its port published to the host: nothing to point at.
 */
export function checkEnvReferences(config: CheckedConfig, issue: Issue): void {
  const names = Object.keys(config.services);
  for (const [name, service] of Object.entries(config.services)) {
    for (const [key, value] of Object.entries(service.env ?? {})) {
      if (typeof value !== "string") continue;
      for (const ref of serviceRefs(value)) {
        const problem = refProblem(config, name, ref, names);
        if (problem) issue(["services", name, "env", key], `${ref.text}: ${problem}`, value);
      }
    }
  }
}

function refProblem(config: CheckedConfig, self: string, ref: ServiceRef, names: string[]): string | null {
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the reference syntax, shown to the user
  const form = "write `${service:NAME.url}` (or `.host`, `.port`)";
  if (!config.services[ref.service]) {
    const guess = didYouMean(ref.service, names);
    const known = `expected a service defined in \`services\` (${names.join(", ")})`;
    return guess ? `${known}: did you mean ${guess}?` : `${known}; ${form}`;
  }
  if (!(SERVICE_REF_ATTRIBUTES as readonly string[]).includes(ref.attribute)) {
    return `expected .url, .host or .port after the service name; ${form}`;
  }
  if (config.services[ref.service]?.port === undefined) {
    return `${ref.service} has no \`port\` (a worker): it has no address to reach; give it a \`port\` if it serves HTTP`;
  }
  if (ref.service === self) return "a service's own address is its `PORT` (and `SLIPWAY_COLOR`), not a reference";
  if (config.services[self]?.accessory && !config.services[ref.service]?.accessory) {
    return `${ref.service} runs in two colors and an accessory runs once, outside them: it has no one address to reach`;
  }
  if (config.runtime === "container") {
    return "runtime container gives the containers no network to each other (each publishes its port on the host's 127.0.0.1 only): use runtime compose (services reach each other by name) or systemd";
  }
  return null;
}
