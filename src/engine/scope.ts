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

export function buildScope(
  layers: ReadonlyArray<Readonly<Record<string, unknown>> | undefined>,
): Record<string, unknown> {
  const merged: Record<string, unknown> = {};
  for (const layer of layers) if (layer) Object.assign(merged, layer);
  const scope: Record<string, unknown> = {};
  const rendering = new Set<string>();
  for (const [key, raw] of Object.entries(merged)) {
    if (!holdsTemplate(raw)) {
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
