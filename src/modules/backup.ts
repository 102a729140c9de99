/**
 * backup: takes a verified database backup (state: present, the default), restores one (state: restored, with `id`),
 * or prunes old ones (state: pruned). A failed or refused backup fails the task, so no later task of the play runs:
 * the deploy playbook calls it right after the lock, before anything changes. Check mode prints what it would do.
 */
import { z } from "zod";
import {
  type BackupJob,
  copyToRunner,
  createBackup,
  DEFAULT_KEEP,
  execContext,
  planLines,
  pruneBackups,
  restoreBackup,
} from "../backup/index.js";
import { checkBackupTool } from "../backup/tool.js";
import type { DatabaseSpec, FileLocation, ServerLocation } from "../backup/types.js";
import type { Module, ModuleContext, ModuleResult } from "../engine/types.js";

const argv = z.array(z.string()).min(1);

const argsSchema = z
  .object({
    state: z.enum(["present", "restored", "pruned"]).default("present"),
    engine: z.enum(["sqlite", "duckdb", "postgres", "mysql", "mongodb"]),
    /** sqlite/duckdb: absolute path, or relative to the volume root with `volume`. */
    path: z.string().optional(),
    volume: z.string().optional(),
    /** Server databases: a container, a compose project + service, or a server the host reaches (host/port/run_as). */
    container: z.string().optional(),
    compose_project: z.string().optional(),
    compose_service: z.string().optional(),
    server_host: z.string().optional(),
    server_port: z.number().int().positive().optional(),
    run_as: z.string().optional(),
    /** The database inside the server (config `database.name`). */
    name: z.string().optional(),
    user: z.string().optional(),
    password: z.string().optional(),
    uri: z.string().optional(),
    verify_restore: z.boolean().default(false),
    /** DuckDB: `stop-first` (the app is stopped for the copy) or `export` (the app's own export, `{out}` in argv). */
    safety: z.enum(["stop-first", "export"]).optional(),
    export: argv.optional(),
    import: argv.optional(),
    writers: z.object({ stop: z.array(argv), start: z.array(argv) }).optional(),
    /** The play already stopped the app (stop-first): copy DuckDB without stopping/starting it here. */
    writers_stopped: z.boolean().default(false),
    release: z.string().default("manual"),
    reason: z.enum(["deploy", "manual"]).default("deploy"),
    deploy_dir: z.string().startsWith("/").optional(),
    /** Where backups go and how many stay: the config's `database.backups` names. */
    backups: z
      .object({
        /** The backup directory; default `<deploy_dir>/backups`. */
        dir: z.string().startsWith("/").optional(),
        keep: z.number().int().min(1).default(DEFAULT_KEEP),
        /** Also copy each new backup to this directory on the machine running slipway. */
        copy_to: z.string().optional(),
      })
      .strict()
      .prefault({}),
    /** Releases whose backups are never pruned (the live and previous ones). */
    protect: z.array(z.string().nullable()).default([]),
    /** Prune beyond `keep` after a successful backup. */
    prune: z.boolean().default(true),
    id: z.string().optional(),
  })
  .strict();

type BackupArgs = z.output<typeof argsSchema>;

function fileLocation(args: BackupArgs): FileLocation {
  if (!args.path) throw new Error(`${args.engine} needs \`path\``);
  return args.volume ? { kind: "volume", volume: args.volume, path: args.path } : { kind: "file", path: args.path };
}

function serverLocation(args: BackupArgs): ServerLocation {
  if (args.container) return { kind: "service", container: args.container, runAs: args.run_as };
  if (args.compose_service) {
    return {
      kind: "service",
      compose: { project: args.compose_project, service: args.compose_service },
      runAs: args.run_as,
    };
  }
  return { kind: "server", host: args.server_host, port: args.server_port, runAs: args.run_as };
}

export function specFromArgs(args: BackupArgs): DatabaseSpec {
  const spec = specWithoutStorage(args);
  return args.backups.dir ? { ...spec, backupsDir: args.backups.dir } : spec;
}

function specWithoutStorage(args: BackupArgs): DatabaseSpec {
  switch (args.engine) {
    case "sqlite":
      return { engine: "sqlite", location: fileLocation(args) };
    case "duckdb": {
      if (args.safety === "export") {
        if (!args.export) throw new Error("DuckDB with safety: export needs `export` (an argv with {out})");
        return {
          engine: "duckdb",
          location: fileLocation(args),
          safety: { mode: "export", export: args.export, import: args.import },
        };
      }
      if (args.safety !== "stop-first") {
        throw new Error(
          "DuckDB allows one writer: set safety: stop-first (with writers) or safety: export (the app's own export)",
        );
      }
      return { engine: "duckdb", location: fileLocation(args), safety: { mode: "stop-first" } };
    }
    case "postgres":
    case "mysql": {
      if (!args.name) throw new Error(`${args.engine} needs \`name\` (the database inside the server)`);
      const base = {
        location: serverLocation(args),
        database: args.name,
        user: args.user,
        password: args.password,
      };
      return args.engine === "postgres"
        ? { engine: "postgres", ...base, verifyRestore: args.verify_restore }
        : { engine: "mysql", ...base };
    }
    case "mongodb":
      return {
        engine: "mongodb",
        location: serverLocation(args),
        uri: args.uri,
        database: args.name,
        password: args.password,
      };
  }
}

function jobFor(ctx: ModuleContext, args: BackupArgs, spec: DatabaseSpec): BackupJob {
  return {
    host: ctx.host,
    deployDir: args.deploy_dir ?? ctx.facts?.deployDir ?? "/srv/slipway",
    database: spec,
    release: args.release,
    reason: args.reason,
    become: ctx.become || undefined,
    writers: args.writers,
    step: ctx.step,
  };
}

/** The module's first argument names, before they took the config's (`database.name`, `database.backups.*`). */
const RENAMED = { database: "name", backups_dir: "backups.dir", keep: "backups.keep", copy_to: "backups.copy_to" };

export const backupModule: Module<typeof argsSchema> = {
  name: "backup",
  argsSchema,
  renamed: RENAMED,
  async run(ctx, args): Promise<ModuleResult> {
    const spec = specFromArgs(args);
    const job = jobFor(ctx, args, spec);
    const protect = [...args.protect, ctx.facts?.current.release ?? null];
    if (ctx.check) {
      // The plan never promises a backup whose tool is missing (throws, naming the tool and what to install).
      if (args.state === "present") await checkBackupTool(execContext(job), spec);
      const what =
        args.state === "restored"
          ? [`restore backup ${args.id} (after backing up the current state)`]
          : planLines(spec, job.deployDir, args.backups.keep);
      return { status: "changed", msg: ctx.redactor.redact(what.join("\n")) };
    }
    if (args.state === "pruned") {
      const decision = await pruneBackups(execContext(job), job.deployDir, {
        backupsDir: job.database.backupsDir,
        keep: args.backups.keep,
        protectReleases: protect,
      });
      return {
        status: decision.prune.length > 0 ? "changed" : "ok",
        msg: `pruned ${decision.prune.length}, kept ${decision.keep.length}`,
        data: { pruned: decision.prune.map((m) => m.id), kept: decision.keep.map((m) => m.id) },
      };
    }
    if (args.state === "restored") {
      if (!args.id) return { status: "failed", msg: "state: restored needs the backup `id` (slipway backup list)" };
      const result = await restoreBackup({ ...job, id: args.id });
      return {
        status: "changed",
        msg: `restored ${result.restored.id}; the state before is backup ${result.preRestore.id}`,
        data: { restored: result.restored, pre_restore: result.preRestore },
      };
    }
    const manifest = await createBackup(job, { writersStopped: args.writers_stopped });
    const pruned = args.prune
      ? (
          await pruneBackups(execContext(job), job.deployDir, {
            backupsDir: job.database.backupsDir,
            keep: args.backups.keep,
            protectReleases: [...protect, manifest.release],
          })
        ).prune
      : [];
    const copied = args.backups.copy_to
      ? await copyToRunner(execContext(job), job.deployDir, manifest, args.backups.copy_to, job.database.backupsDir)
      : undefined;
    return {
      status: "changed",
      msg: `backup ${manifest.id} (${manifest.sizeBytes} bytes, sha256 ${manifest.sha256.slice(0, 12)}) verified: ${manifest.verified.join("; ")}`,
      data: { backup: manifest, id: manifest.id, pruned: pruned.map((m) => m.id), copied_to: copied },
    };
  },
};
