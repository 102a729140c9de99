/**
 * MongoDB: `mongodump --archive --gzip` to stdout into one file, checked with `mongorestore --dryRun`. The connection
 * string and password go in a 0600 YAML `--config` file (mongodump 100.3+), never argv. Not run in the sandbox
 * (Debian has no MongoDB packages): the commands are unit-tested exactly.
 */
import { type ResolvedServer, toolPrefix } from "../location.js";
import { fromFileScript, removeFileArgv, toFileScript, writeSecretArgv } from "../shell.js";
import type { BackupRecipe, MongodbSpec, RestoreRecipe, SecretFile } from "../types.js";

/** JSON strings are valid YAML double-quoted scalars, so JSON.stringify quotes any value safely. */
export function mongoConfigContent(spec: MongodbSpec): string {
  const lines: string[] = [];
  if (spec.uri !== undefined) lines.push(`uri: ${JSON.stringify(spec.uri)}`);
  if (spec.password !== undefined) lines.push(`password: ${JSON.stringify(spec.password)}`);
  return `${lines.join("\n")}\n`;
}

export function mongoSecret(spec: MongodbSpec, where: ResolvedServer, token: string): SecretFile | undefined {
  if (spec.uri === undefined && spec.password === undefined) return undefined;
  const path = `/tmp/slipway-mongo-${token}.yaml`;
  const prefix = toolPrefix(where);
  return {
    path,
    content: mongoConfigContent(spec),
    writeArgv: writeSecretArgv(prefix, path),
    removeArgv: removeFileArgv(prefix, path),
  };
}

function clientArgs(spec: MongodbSpec, secret: SecretFile | undefined): string[] {
  const args = secret ? [`--config=${secret.path}`] : [];
  if (spec.database) args.push(`--db=${spec.database}`);
  return args;
}

export function mongoBackupRecipe(spec: MongodbSpec, where: ResolvedServer, part: string, token: string): BackupRecipe {
  const secret = mongoSecret(spec, where, token);
  const prefix = toolPrefix(where);
  return {
    engine: "mongodb",
    ext: "archive.gz",
    tool: "mongodump",
    versionArgv: [...prefix, "mongodump", "--version"],
    otherTools: [{ tool: "mongorestore", versionArgv: [...prefix, "mongorestore", "--version"] }],
    secret,
    dump: [
      {
        argv: toFileScript([...prefix, "mongodump", ...clientArgs(spec, secret), "--archive", "--gzip"], part),
        what: "mongodump --archive --gzip",
      },
    ],
    verify: [
      {
        argv: fromFileScript(
          [...prefix, "mongorestore", ...clientArgs(spec, secret), "--archive", "--gzip", "--dryRun"],
          part,
        ),
        what: "mongorestore --dryRun reads the archive",
      },
    ],
    needsWritersStopped: false,
  };
}

export function mongoRestoreRecipe(
  spec: MongodbSpec,
  where: ResolvedServer,
  backup: string,
  token: string,
): RestoreRecipe {
  const secret = mongoSecret(spec, where, token);
  const prefix = toolPrefix(where);
  return {
    engine: "mongodb",
    secret,
    restore: [
      {
        argv: fromFileScript(
          [...prefix, "mongorestore", ...clientArgs(spec, secret), "--archive", "--gzip", "--drop"],
          backup,
        ),
        what: "mongorestore --drop from the archive",
      },
    ],
    verify: [],
  };
}
