import { z } from "zod";
import { absolutePath, bool, patternString, positiveInt, resourceName, secretName } from "./primitives.js";
import { systemDirOf } from "./system-dirs.js";

export const DATABASE_ENGINES = ["sqlite", "duckdb", "postgres", "mysql", "mongodb"] as const;
export const FILE_ENGINES: readonly string[] = ["sqlite", "duckdb"];

const backupsSchema = z
  .strictObject({
    keep: positiveInt()
      .default(10)
      .describe(
        "Backups kept; those of the live and previous release, and any backup a release kept in the history names (`slipway releases`), are never pruned.",
      ),
    dir: absolutePath().optional().describe("Where backups are written on the host. Default: `<deploy_dir>/backups`."),
    verify: bool()
      .default(true)
      .describe("Check every dump (integrity_check, pg_restore --list, ...) before going on."),
    copy_to: patternString(/^[^\0\n\r]+$/, "expected a local path")
      .optional()
      .describe("Also copy each backup to this local directory (CLI) or upload it as an artifact (Actions)."),
  })
  .describe("Backups taken before every deploy.");

export const databaseSchema = z
  .strictObject({
    engine: z
      .enum(DATABASE_ENGINES, { error: `expected one of ${DATABASE_ENGINES.map((e) => `"${e}"`).join(", ")}` })
      .describe("Database kind; decides how it is backed up and restored."),
    path: patternString(/^[^\0\n\r;{}"'`$\\]+$/, "expected a file path")
      .optional()
      .describe(
        "sqlite/duckdb file: an absolute path on the host, or a path relative to the volume root when `volume` is set.",
      ),
    volume: resourceName("volume")
      .optional()
      .describe("Named docker volume holding the database file (the volume of `services.*.volumes`)."),
    compose_service: resourceName("service")
      .optional()
      .describe("Service (in `services`) running the database server."),
    url_secret: secretName()
      .optional()
      .describe("Name of the environment variable holding the server URL (postgres://, mysql://, mongodb://)."),
    name: patternString(/^[A-Za-z0-9_-]+$/, "expected a database name of letters, digits, _ and -")
      .optional()
      .describe("Database name inside the server (postgres/mysql/mongodb)."),
    user: patternString(/^[A-Za-z0-9_-]+$/, "expected a user name")
      .optional()
      .describe("Database user for dumps."),
    password_secret: secretName()
      .optional()
      .describe("Name of the environment variable holding the database password."),
    create_dir: bool()
      .default(true)
      .describe(
        "Create the database file's directory when missing (given to `owner`). `false`: the deploy stops before any change when it is missing (a directory on a mount you make yourself).",
      ),
    owner: z
      .string({ error: "expected a user name" })
      .optional()
      .describe("Owner of the database directory (systemd)."),
    backups: backupsSchema.prefault({}),
    restore_on_rollback: bool()
      .default(false)
      .describe(
        "Restore the pre-deploy backup when a deploy fails once its new color started (gate, preview, before_switch: the new release ran against the live database) or after the switch; the live color's writers stop behind the maintenance page meanwhile. Data written since the backup is lost. Off: the failure names the backup and the `slipway backup restore` command.",
      ),
  })
  .superRefine((db, ctx) => {
    const isFile = FILE_ENGINES.includes(db.engine);
    if (isFile) {
      if (db.path === undefined) {
        ctx.addIssue({
          code: "custom",
          path: ["path"],
          message: `expected the ${db.engine} file's path (key \`path\`)`,
        });
      } else if (db.volume !== undefined && db.path.startsWith("/")) {
        ctx.addIssue({
          code: "custom",
          path: ["path"],
          input: db.path,
          message: "expected a path relative to the volume root when `volume` is set",
        });
      } else if (db.volume === undefined && !db.path.startsWith("/")) {
        ctx.addIssue({
          code: "custom",
          path: ["path"],
          input: db.path,
          message: 'expected an absolute path starting with "/" (or set `volume` for a file in a named volume)',
        });
      } else if (db.volume === undefined && systemDirOf(db.path)) {
        ctx.addIssue({
          code: "custom",
          path: ["path"],
          input: db.path,
          message: `expected a directory of the app's own like /opt/<app>/data or /var/lib/<app>, not the system directory ${systemDirOf(db.path)} (the deploy creates and chowns the file's directory)`,
        });
      }
      for (const key of ["compose_service", "url_secret"] as const) {
        if (db[key] !== undefined) {
          ctx.addIssue({ code: "custom", path: [key], message: `not used by ${db.engine}: the database is a file` });
        }
      }
    } else {
      const places = [db.compose_service, db.url_secret].filter((v) => v !== undefined).length;
      if (places !== 1) {
        ctx.addIssue({
          code: "custom",
          path: places === 0 ? [] : ["url_secret"],
          message: `expected exactly one of \`compose_service\` or \`url_secret\` for ${db.engine}`,
        });
      }
      for (const key of ["path", "volume"] as const) {
        if (db[key] !== undefined) {
          ctx.addIssue({ code: "custom", path: [key], message: `not used by ${db.engine}: the database is a server` });
        }
      }
    }
  })
  .describe("The app's database: backed up before every deploy.");
