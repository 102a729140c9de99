/**
 * Per-environment overlays: `environments.<name>` deep-merged over the base. Mappings merge key by key; lists and
 * scalars replace; `null` removes the key. Positions follow the values, so an error in an overlaid value points into
 * the overlay (tagged with the environment), and an error in an inherited value points into the base.
 */
import { type NodeLocation, type PathSegment, type PositionMap, pathKey } from "./yaml-positions.js";

export interface Located {
  value: unknown;
  positions: PositionMap;
}

export function isMapping(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** The overlay's positions, rebased from `environments.<env>.x` to `x` and tagged with the environment. */
export function overlayPositions(positions: PositionMap, environment: string): PositionMap {
  const prefix = ["environments", environment];
  const rebased: PositionMap = new Map();
  for (const [key, location] of positions) {
    const path = JSON.parse(key) as PathSegment[];
    if (path.length < prefix.length || path[0] !== prefix[0] || path[1] !== prefix[1]) continue;
    rebased.set(pathKey(path.slice(2)), { ...location, environment });
  }
  return rebased;
}

export function applyOverlay(base: Located, overlay: Located): Located {
  const positions: PositionMap = new Map(base.positions);
  const value = merge(base.value, overlay.value, [], positions, overlay.positions);
  return { value, positions };
}

function merge(
  base: unknown,
  over: unknown,
  path: PathSegment[],
  positions: PositionMap,
  overPositions: PositionMap,
): unknown {
  if (isMapping(base) && isMapping(over)) {
    const result: Record<string, unknown> = { ...base };
    for (const [key, value] of Object.entries(over)) {
      const childPath = [...path, key];
      if (value === null) {
        delete result[key];
        dropSubtree(positions, childPath, true);
        continue;
      }
      result[key] = merge(base[key], value, childPath, positions, overPositions);
    }
    const own = overPositions.get(pathKey(path));
    if (own && path.length > 0) positions.set(pathKey(path), mergedLocation(positions.get(pathKey(path)), own));
    return result;
  }
  // Replaced wholesale: the base's positions below this path no longer describe anything.
  dropSubtree(positions, path, false);
  copySubtree(overPositions, positions, path);
  return over;
}

/** A merged mapping keeps the base's key line (where it was declared) unless the base did not have it. */
function mergedLocation(base: NodeLocation | undefined, overlay: NodeLocation): NodeLocation {
  return base ?? overlay;
}

function dropSubtree(positions: PositionMap, path: PathSegment[], includeSelf: boolean): void {
  const self = pathKey(path);
  const open = `${self.slice(0, -1)}${path.length > 0 ? "," : ""}`;
  for (const key of [...positions.keys()]) {
    if ((includeSelf && key === self) || (key !== self && key.startsWith(open))) positions.delete(key);
  }
}

function copySubtree(from: PositionMap, to: PositionMap, path: PathSegment[]): void {
  const self = pathKey(path);
  const open = `${self.slice(0, -1)}${path.length > 0 ? "," : ""}`;
  for (const [key, location] of from) {
    if (key === self || key.startsWith(open)) to.set(key, location);
  }
}
