/**
 * `slipway backup list|create|restore|prune`: the backup feature from a laptop. Reads slipway.yml for the database,
 * the hosts and the deploy dir, connects over SSH (host keys verified as configured) and works on one host at a time.
 */
import { dirname, resolve } from "node:path";
import type { Command } from "commander";
import {
  type BackupJob,
  copyToRunner,
  createBackup,
  execContext,
  findBackup,
  listBackups,
  pruneBackups,
} from "../backup/index.js";
import { formatBytes } from "../backup/space.js";
import { checkBackupTool } from "../backup/tool.js";
import type { BackupManifest, DatabaseSpec } from "../backup/types.js";
import { writersForRuntime } from "../backup/writers.js";
import { type Color, loadConfig, resolveHosts, type SlipwayConfig } from "../config/index.js";
import { sshTargetFor } from "../config/ssh-target.js";
import { databaseSpec } from "../deploy/backup-step.js";
import { rollbackTarget } from "../deploy/history.js";
import { readLiveState } from "../deploy/host-state.js";
import { deployPaths } from "../deploy/paths.js";
import { restoreUnderMaintenance } from "../deploy/restore-paged.js";
import { historyBackups } from "../deploy/retire.js";
import { ConfigError, SlipwayError } from "../errors.js";
import { newRunId } from "../lock/lock.js";
import { connect } from "../remote/index.js";
import type { RemoteHost } from "../remote/types.js";
import { composeProjectName } from "../render/compose.js";
import { instancesOf } from "../render/from-config/common.js";
import { composeFilePath } from "../render/from-config/index.js";
import { instanceUnitName } from "../render/systemd.js";
import { type ConfigFlags, configOptions, DEFAULT_CONFIG, jsonOption, yesOption } from "./_options.js";
import type { CliRun } from "./_run.js";
import { confirmIrreversible } from "./deploy.js";

interface CommonFlags extends ConfigFlags {
  host?: string;
  json?: boolean;
}

interface Session {
  config: SlipwayConfig;
  host: RemoteHost;
  job: BackupJob;
  /** The host's live release, null when nothing is deployed there yet. */
  live: string | null;
  /** The host's live color (null before the first deploy). */
  color: Color | null;
}

/** One backup host, named by --host; the backup commands work on one host at a time, so they take no --limit. */
function common(command: Command): Command {
  configOptions(command);
  jsonOption(command, "print JSON");
  return command.option("--host <name>", "inventory host (default: the first)");
}

/** `beforeConnect` runs once slipway.yml is read and valid, before any connection (a refusal there reaches no host). */
async function openSession<T>(
  run: CliRun,
  flags: CommonFlags,
  work: (session: Session) => Promise<T>,
  beforeConnect?: () => Promise<unknown>,
): Promise<T> {
  const file = flags.config ?? DEFAULT_CONFIG;
  const config = await loadConfig(file, { environment: flags.env });
  run.addSecretsOf(config);
  const db = config.database;
  if (!db)
    throw new ConfigError(`${file} has no \`database:\``, {
      hint: "describe the app's database under `database:`",
    });
  const hosts = resolveHosts(config);
  const chosen = flags.host ? hosts.find((h) => h.name === flags.host) : hosts[0];
  if (!chosen)
    throw new ConfigError(`--host ${flags.host ?? ""}: no such host in the inventory`, {
      hint: `pick one of: ${hosts.map((h) => h.name).join(", ")}`,
    });
  // The deploy's own spec (D74: a compose service in its project, which helper mode's docker gate requires).
  const spec = (color: Color | null) => databaseSpec(config, {}, color) as DatabaseSpec;
  const database = spec(null);
  const secrets = [
    database.engine === "mongodb" ? database.uri : undefined,
    "password" in database ? database.password : undefined,
  ];
  const redactor = run.redactor.addAll(secrets);
  await beforeConnect?.();
  const host = await connect(await sshTargetFor(chosen, hosts, dirname(resolve(file))), { redactor });
  try {
    const deployDir = config.deploy_dir ?? `/opt/${config.app}`;
    const facts = await host.facts({ deployDir });
    const job: BackupJob = {
      host,
      deployDir,
      database: spec(facts.current.color),
      release: facts.current.release ?? "manual",
      step: "backup",
      log: flags.json ? undefined : (line) => run.err(`${host.name}: ${line}`),
    };
    const color = facts.current.color;
    if (color) {
      const services = Object.keys(config.services).filter((s) => s !== db.compose_service);
      job.writers = writersForRuntime({
        runtime: config.runtime,
        app: config.app,
        services,
        color,
        composeFlavour: facts.docker.compose ?? undefined,
        unitName: (service) =>
          Array.from({ length: instancesOf(config, service) }, (_, i) =>
            instanceUnitName(config.app, service, color, i),
          ),
        composeProject: composeProjectName(config.app, color),
        composeFile: composeFilePath(config, color),
      });
    }
    return await work({ config, host, job, live: facts.current.release, color: color ?? null });
  } finally {
    await host.close();
  }
}

/**
 * Before a manual backup: the app is deployed on the host (its deploy_dir, where backups go, exists only then: else
 * "nothing deployed yet" rather than mkdir's permission error) and the dump and restore tools are installed where the
 * dump runs (checkBackupTool throws naming what to install, rather than the shell's "not found").
 */
export async function readyToBackUp(
  config: Pick<SlipwayConfig, "app">,
  job: BackupJob,
  live: string | null,
): Promise<void> {
  if (live === null) {
    throw new SlipwayError(`nothing deployed yet: ${config.app} has no live release on ${job.host.name}`, {
      host: job.host.name,
      step: "backup",
      hint: "deploy first (`slipway deploy`); each deploy then backs the database up before it changes anything",
    });
  }
  const file = job.database.engine === "sqlite" || job.database.engine === "duckdb";
  await checkBackupTool({ host: job.host, become: file, step: "backup" }, job.database);
}

export function formatList(manifests: readonly BackupManifest[]): string {
  if (manifests.length === 0) return "no backups";
  return manifests
    .map(
      (m) =>
        `${m.id}  ${m.createdAt}  ${formatBytes(m.sizeBytes).padStart(10)}  ${m.database.engine} ${m.database.name}  ${m.reason}`,
    )
    .join("\n");
}

export function register(program: Command, run: CliRun): void {
  const print = (flags: CommonFlags, value: unknown, text: string) => (flags.json ? run.json(value) : run.out(text));
  const withSession = <T>(
    flags: CommonFlags,
    work: (session: Session) => Promise<T>,
    beforeConnect?: () => Promise<unknown>,
  ) => openSession(run, flags, work, beforeConnect);
  const backup = program.command("backup").description("database backups: list, create, restore, prune");

  common(backup.command("list").description("list the backups on a host, newest first")).action(
    async (flags: CommonFlags) => {
      await withSession(flags, async ({ job }) => {
        const all = await listBackups(execContext(job), job.deployDir, job.database.backupsDir);
        print(flags, all, formatList(all));
      });
    },
  );

  common(backup.command("create").description("take a verified backup now"))
    .option("--release <name>", "record it against this release (default: the live one)")
    .option("--copy-to <dir>", "also copy it to this local directory (default: database.backups.copy_to)")
    .action(async (flags: CommonFlags & { release?: string; copyTo?: string }) => {
      await withSession(flags, async ({ config, job, live }) => {
        await readyToBackUp(config, job, live);
        const manifest = await createBackup({ ...job, release: flags.release ?? job.release, reason: "manual" });
        const copyTo = flags.copyTo ?? config.database?.backups.copy_to;
        const copied = copyTo
          ? await copyToRunner(execContext(job), job.deployDir, manifest, copyTo, job.database.backupsDir)
          : undefined;
        print(
          flags,
          { ...manifest, copiedTo: copied },
          `backup ${manifest.id} (${formatBytes(manifest.sizeBytes)}) verified${copied ? `, copied to ${copied}` : ""}`,
        );
      });
    });

  const restore = common(
    backup
      .command("restore")
      .description(
        "restore a backup over the database (asks first; the current state is backed up first; the maintenance page is up meanwhile)",
      ),
  ).argument("<id>", "backup id (slipway backup list)");
  yesOption(restore, "do not ask before restoring (required when stdin is not a terminal)");
  restore.action(async (id: string, flags: CommonFlags & { yes?: boolean }) => {
    await withSession(
      flags,
      async ({ config, job, color }) => {
        const found = await findBackup(execContext(job), job.deployDir, id, job.database.backupsDir);
        if (!job.writers && (job.database.engine === "sqlite" || job.database.engine === "duckdb")) {
          throw new SlipwayError("the live color is unknown, so the app cannot be stopped for the restore", {
            host: job.host.name,
            hint: "deploy once (so the host records its live color), or stop the app by hand and restore the file",
          });
        }
        if (!flags.yes) {
          run.err(
            `backup ${found.id}: taken ${found.createdAt} (${found.reason}, release ${found.release}); every write since then is replaced, the current state is kept as a pre-restore backup`,
          );
        }
        const question = `restore backup ${found.id} over ${config.app}'s database on ${job.host.name}?`;
        if (!(await confirmIrreversible(flags.yes, question, `restore backup ${id}`))) return;
        const result = await restoreUnderMaintenance({
          config,
          job: { ...job, id, step: "restore" },
          color,
          // The page records it (D80): a later restoring run takes the page of a killed restore off.
          runId: newRunId(),
          log: (line) => (flags.json ? undefined : run.err(line)),
        });
        print(
          flags,
          result,
          `restored ${result.restored.id}; the state before the restore is backup ${result.preRestore.id}`,
        );
      },
      // Refused before connecting: without a terminal nobody could answer the question.
      async () => !flags.yes && !process.stdin.isTTY && confirmIrreversible(false, "restore?", `restore backup ${id}`),
    );
  });

  common(
    backup
      .command("prune")
      .description(
        "delete backups beyond --keep (never the live or previous release's, nor one `slipway releases` names)",
      ),
  )
    .option("--keep <n>", "how many to keep", (v) => Number.parseInt(v, 10))
    .option("--protect <release...>", "also never prune these releases' backups")
    .option("--dry-run", "only say what would be deleted")
    .action(async (flags: CommonFlags & { keep?: number; protect?: string[]; dryRun?: boolean }) => {
      await withSession(flags, async ({ config, job }) => {
        const keep = flags.keep ?? config.database?.backups.keep;
        // The deploy's retire rule: the live and previous releases' backups and every backup the history names.
        const live = await readLiveState(job.host, deployPaths(job.deployDir));
        const previous = rollbackTarget(live.history, live.release)?.id;
        const decision = await pruneBackups(execContext(job), job.deployDir, {
          backupsDir: job.database.backupsDir,
          keep,
          protectReleases: [job.release, previous, ...(flags.protect ?? [])],
          protectIds: historyBackups(live.history),
          dryRun: flags.dryRun,
        });
        const verb = flags.dryRun ? "would prune" : "pruned";
        print(
          flags,
          decision,
          `${verb} ${decision.prune.length}: ${decision.prune.map((m) => m.id).join(", ") || "nothing"}; kept ${decision.keep.length}`,
        );
      });
    });
}
