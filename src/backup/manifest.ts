/** The manifest written next to every backup, and its validation when read back from a host. */
import { z } from "zod";
import type { BackupManifest } from "./types.js";

export const manifestSchema = z.object({
  id: z.string().min(1),
  file: z.string().min(1),
  release: z.string(),
  createdAt: z.string(),
  reason: z.enum(["deploy", "manual", "pre-restore"]),
  database: z.object({
    engine: z.enum(["sqlite", "duckdb", "postgres", "mysql", "mongodb"]),
    name: z.string(),
    location: z.string(),
  }),
  tool: z.object({ name: z.string(), version: z.string() }),
  sizeBytes: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  durationMs: z.number().nonnegative(),
  verified: z.array(z.string()),
});

export function renderManifest(manifest: BackupManifest): string {
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

/** Undefined for anything that is not a valid manifest (a half-written file, someone else's JSON). */
export function parseManifest(text: string): BackupManifest | undefined {
  try {
    const parsed = manifestSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** Newest first; ids sort by time because the stamp is fixed-width, but createdAt is the truth. */
export function newestFirst(manifests: readonly BackupManifest[]): BackupManifest[] {
  return [...manifests].sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id));
}
