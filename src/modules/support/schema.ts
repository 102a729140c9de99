/** Zod pieces shared by module args. */
import { z } from "zod";

/** File mode as written in YAML: "0644", "644" or 0o644 (a YAML number). Normalised to 4 octal digits. */
export const modeSchema = z
  .union([
    z.string().regex(/^0?[0-7]{3,4}$/, 'expected an octal mode like "0644"'),
    z.number().int().min(0).max(0o7777),
  ])
  .transform((v) => normalizeMode(typeof v === "number" ? v.toString(8) : v));

export function normalizeMode(mode: string): string {
  return mode.replace(/^0+(?=\d{3})/, "").padStart(4, "0");
}

export const stringList = z.union([z.string(), z.array(z.string())]).transform((v) => (Array.isArray(v) ? v : [v]));

export const absolutePath = z.string().startsWith("/", "expected an absolute path");
