/**
 * Variable scopes. Layers are merged lowest precedence first; a value that holds `{{ }}` is rendered lazily on first
 * read (as Ansible does), so play vars may refer to facts, registered results or other vars defined later.
 */
import { TemplateError } from "./errors.js";
import { renderDeep } from "./expr/template.js";

function holdsTemplate(value: unknown): boolean {
  if (typeof value === "string") return value.includes("{{");
  if (value && typeof value === "object") return JSON.stringify(value).includes("{{");
  return false;
}

/**
 * A layer taken as plain data, never rendered: slipway.yml's values (its `hooks:` hold task templates that must only be
 * rendered when those tasks run, and `config` holding them must not count as a variable referring to itself).
 */
export class DataLayer {
  constructor(readonly values: Readonly<Record<string, unknown>>) {}
}

export function buildScope(
  layers: ReadonlyArray<Readonly<Record<string, unknown>> | DataLayer | undefined>,
): Record<string, unknown> {
  const merged: Record<string, unknown> = {};
  const dataKeys = new Set<string>();
  for (const layer of layers) {
    if (!layer) continue;
    const values = layer instanceof DataLayer ? layer.values : layer;
    for (const key of Object.keys(values)) {
      if (layer instanceof DataLayer) dataKeys.add(key);
      else dataKeys.delete(key);
    }
    Object.assign(merged, values);
  }
  const scope: Record<string, unknown> = {};
  const rendering = new Set<string>();
  for (const [key, raw] of Object.entries(merged)) {
    if (dataKeys.has(key) || !holdsTemplate(raw)) {
      scope[key] = raw;
      continue;
    }
    let cached: { value: unknown } | undefined;
    Object.defineProperty(scope, key, {
      enumerable: true,
      configurable: true,
      get() {
        if (cached) return cached.value;
        if (rendering.has(key)) throw new TemplateError(`variable "${key}" refers to itself`);
        rendering.add(key);
        try {
          cached = { value: renderDeep(raw, scope) };
        } finally {
          rendering.delete(key);
        }
        return cached.value;
      },
    });
  }
  return scope;
}

/** A scope with extra bindings on top (loop item, the registered result) without re-merging everything. */
export function extendScope(base: Record<string, unknown>, extra: Record<string, unknown>): Record<string, unknown> {
  const scope = Object.create(null) as Record<string, unknown>;
  for (const key of Object.keys(base)) {
    Object.defineProperty(scope, key, { enumerable: true, configurable: true, get: () => base[key] });
  }
  for (const [key, value] of Object.entries(extra)) {
    Object.defineProperty(scope, key, { enumerable: true, configurable: true, value });
  }
  return scope;
}
