/**
 * The migration tool: `create`, `deploy` and `status` for both providers, as the Prisma CLI's
 * `migrate` commands do them, driven through Prisma's wasm schema engine (schema-engine.ts) because
 * the CLI's native engine is a separate download that is not installed with the packages. It lives
 * under src/ so that production can run it compiled: the app calls `migrate("deploy", …)` when
 * MIGRATE_ON_START is set; `npm run db:migrate*` is its command line (src/cli/migrate.ts).
 *
 * Layout: prisma/<sqlite|postgres>/schema.prisma + models/ (a symlink to prisma/models) and
 * prisma/<provider>/migrations/<YYYYMMDDHHMMSS>_<name>/migration.sql with migration_lock.toml, exactly
 * as `prisma migrate` writes them; `_prisma_migrations` is written like `prisma migrate deploy` does.
 * Workarounds 1 and 9 of the list in schema-engine.ts are applied here.
 *
 * Tested on both providers by test/persistence/db/migrate.test.ts.
 */
import { setTimeout } from "node:timers/promises";
import { createHash } from "node:crypto";
import { mkdir, readdir, readFile, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { MigrationList, SchemaContainer, SchemaEngine } from "@prisma/schema-engine-wasm";
import { messageOf, withEngine } from "./schema-engine.js";
import { providerOf, type Provider } from "./url.js";

export type MigrateCommand = "create" | "deploy" | "status";

export interface MigrateOptions {
  provider: Provider;
  /** DATABASE_URL: `file:<path>` (relative paths resolve from the process cwd) or `postgres(ql)://…`. */
  url: string;
  /** Migration name for `create` (slugified: lower case, `_` between words). */
  name?: string;
  /** The folder holding sqlite/ and postgres/; defaults to the repository's prisma/ folder. */
  prismaDir?: string;
}

export interface CreatedMigration {
  /** Folder name, e.g. `20261127070000_add_status`. */
  name: string;
  /** Absolute path of the new migration.sql. */
  path: string;
  sql: string;
}

export interface DeployResult {
  /** Migrations applied by this run, in order; empty when the database was up to date. */
  applied: string[];
}

export interface MigrationStatus {
  /** True when every migration on disk is applied, none was edited or failed, and none is unknown. */
  upToDate: boolean;
  /** On disk but not applied yet. */
  pending: string[];
  /** Applied, but migration.sql changed since (checksum mismatch). */
  edited: string[];
  /** Recorded as failed in `_prisma_migrations`. */
  failed: string[];
  /** Applied to the database but missing on disk. */
  unknown: string[];
  /** Whether `_prisma_migrations` exists. */
  hasMigrationsTable: boolean;
}

const DEFAULT_PRISMA_DIR = fileURLToPath(new URL("../../../prisma", import.meta.url));
const LOCKFILE = "migration_lock.toml";
const EMPTY_MIGRATION = "-- This is an empty migration.";
const FILTERS = { externalTables: [], externalEnums: [] };

export function migrate(command: "create", options: MigrateOptions): Promise<CreatedMigration | null>;
export function migrate(command: "deploy", options: MigrateOptions): Promise<DeployResult>;
export function migrate(command: "status", options: MigrateOptions): Promise<MigrationStatus>;
export function migrate(
  command: MigrateCommand,
  options: MigrateOptions,
): Promise<CreatedMigration | null | DeployResult | MigrationStatus>;
export async function migrate(
  command: MigrateCommand,
  options: MigrateOptions,
): Promise<CreatedMigration | null | DeployResult | MigrationStatus> {
  if (command !== "deploy" || options.provider !== "sqlite") return run(command, options);
  // SQLite: a deploy needs the file alone. When another process holds it (most likely its own deploy
  // of the same migrations, e.g. two gateways starting together), wait for it: once it is done there
  // may be nothing left to apply. Postgres waits on Prisma's advisory lock instead.
  const deadline = Date.now() + SQLITE_DEPLOY_WAIT_MS;
  for (;;) {
    try {
      return await run("deploy", options);
    } catch (error) {
      if (!isDatabaseLocked(error) || Date.now() > deadline) throw error;
      if (((await run("status", options)) as MigrationStatus).pending.length === 0) return { applied: [] };
      await setTimeout(250);
    }
  }
}

/** How long a SQLite deploy waits for another process that holds the database file. */
const SQLITE_DEPLOY_WAIT_MS = 15_000;

async function run(
  command: MigrateCommand,
  options: MigrateOptions,
): Promise<CreatedMigration | null | DeployResult | MigrationStatus> {
  if (providerOf(options.url) !== options.provider) {
    throw new Error(`DATABASE_URL is not a ${options.provider} URL`);
  }
  const providerDir = path.resolve(options.prismaDir ?? DEFAULT_PRISMA_DIR, options.provider);
  const migrationsDir = path.join(providerDir, "migrations");
  const name = command === "create" ? migrationName(options.name) : "";

  if (command === "create") {
    // Workaround 1 (schema-engine.ts): the engine reads the connector from the lockfile, so it must exist before the first diff.
    const lockfile = path.join(migrationsDir, LOCKFILE);
    if (!(await exists(lockfile))) {
      await mkdir(migrationsDir, { recursive: true });
      await writeFile(lockfile, lockfileContent(options.provider), "utf8");
    }
  }
  const [files, list] = await Promise.all([schemaFiles(providerDir), migrationList(migrationsDir)]);
  if (command !== "create" && list.migrationDirectories.length === 0) {
    // Never report "up to date" because the migrations were not shipped.
    throw new Error(`No migrations found in ${migrationsDir}`);
  }

  return withEngine(options, files, async (engine) => {
    switch (command) {
      case "create": {
        const result = await engine.diff({
          from: { tag: "migrations", ...list },
          to: { tag: "schemaDatamodel", files },
          script: true,
          exitCode: null,
          filters: FILTERS,
        });
        const sql = result.stdout ?? "";
        if (sql.trim() === "" || sql.trim() === EMPTY_MIGRATION) return null;
        const folder = `${timestamp(new Date())}_${name}`;
        const dir = path.join(migrationsDir, folder);
        if (await exists(dir)) throw new Error(`The migration directory already exists at ${dir}`);
        await mkdir(dir, { recursive: true });
        const file = path.join(dir, "migration.sql");
        await writeFile(file, sql, "utf8");
        return { name: folder, path: file, sql };
      }
      case "deploy": {
        const result = await engine.applyMigrations({ migrationsList: list, filters: FILTERS });
        return { applied: result.appliedMigrationNames };
      }
      case "status":
        return status(engine, list);
    }
  });
}

/** sha256 of a migration.sql as `_prisma_migrations.checksum` records it. */
export function migrationChecksum(sql: string): string {
  return createHash("sha256").update(sql).digest("hex");
}

async function status(engine: SchemaEngine, list: MigrationList): Promise<MigrationStatus> {
  const all = list.migrationDirectories.map((directory) => directory.path);
  try {
    const result = await engine.diagnoseMigrationHistory({
      migrationsList: list,
      optInToShadowDatabase: false,
      filters: FILTERS,
    });
    const history = result.history;
    const pending =
      history && history.diagnostic !== "migrationsDirectoryIsBehind" ? history.unappliedMigrationNames : [];
    const unknown = history && history.diagnostic !== "databaseIsBehind" ? history.unpersistedMigrationNames : [];
    const edited = result.editedMigrationNames;
    const failed = result.failedMigrationNames;
    return {
      upToDate: pending.length + unknown.length + edited.length + failed.length === 0,
      pending,
      edited,
      failed,
      unknown,
      hasMigrationsTable: result.hasMigrationsTable,
    };
  } catch (error) {
    // Workaround 9 (schema-engine.ts): a database without `_prisma_migrations` has nothing applied.
    if (errorCode(error) === "P1014") {
      return {
        upToDate: all.length === 0,
        pending: all,
        edited: [],
        failed: [],
        unknown: [],
        hasMigrationsTable: false,
      };
    }
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------
// Files

async function schemaFiles(providerDir: string): Promise<SchemaContainer[]> {
  const found: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir)) {
      if (entry === "migrations") continue;
      const full = path.join(dir, entry);
      const info = await stat(full); // follows the models -> ../models symlink
      if (info.isDirectory()) await walk(full);
      else if (entry.endsWith(".prisma")) found.push(full);
    }
  };
  try {
    await walk(providerDir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT")
      throw new Error(`No Prisma schema folder at ${providerDir}`, { cause: error });
    throw error;
  }
  // The engine panics (and takes the process down) on an empty schema list.
  if (found.length === 0) throw new Error(`No .prisma files in ${providerDir}`);
  found.sort();
  return Promise.all(found.map(async (file) => ({ path: file, content: await readFile(file, "utf8") })));
}

/** The migrations folder in the shape the Prisma CLI hands to the engine. */
async function migrationList(baseDir: string): Promise<MigrationList> {
  const lockfile = { path: LOCKFILE, content: await readFile(path.join(baseDir, LOCKFILE), "utf8").catch(() => null) };
  const entries = await readdir(baseDir, { withFileTypes: true }).catch(() => []);
  const migrationDirectories = await Promise.all(
    entries
      .filter((entry) => entry.isDirectory())
      .map(async (entry) => ({
        path: entry.name,
        migrationFile: {
          path: "migration.sql",
          content: await readFile(path.join(baseDir, entry.name, "migration.sql"), "utf8").then(
            (value) => ({ tag: "ok" as const, value }),
            (error: Error) => ({ tag: "error" as const, value: error.message }),
          ),
        },
      })),
  );
  migrationDirectories.sort((a, b) => a.path.localeCompare(b.path));
  return { baseDir, lockfile, shadowDbInitScript: "", migrationDirectories };
}

function lockfileContent(provider: Provider): string {
  const connector = provider === "postgres" ? "postgresql" : "sqlite";
  return `# Please do not edit this file manually\n# It should be added in your version-control system (e.g., Git)\nprovider = "${connector}"\n`;
}

function migrationName(name: string | undefined): string {
  const slug = (name ?? "")
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "")
    .slice(0, 200);
  if (!slug) throw new Error("A migration needs a name, e.g. `npm run db:migrate:create -- add_status`");
  return slug;
}

/** YYYYMMDDHHMMSS in UTC, like the Prisma CLI. */
function timestamp(date: Date): string {
  return date.toISOString().replace(/[-:T]/g, "").slice(0, 14);
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}

// ---------------------------------------------------------------------------------------------
// Errors
/**
 * One line an operator can act on, for a failed migration command: the engine's own errors carry the
 * whole connector chain, a wasm stack and a list of error variants.
 */
/** The SQLite adapter's SQLITE_BUSY, which the engine does not know by name ("unknown variant `SocketTimeout`"). */
function isDatabaseLocked(error: unknown): boolean {
  return /SocketTimeout|database is locked|SQLITE_BUSY/i.test(messageOf(error));
}

export function describeMigrationError(error: unknown, provider: Provider): string {
  if (isDatabaseLocked(error)) {
    return provider === "sqlite"
      ? "the SQLite database is locked by another process (a running gateway or migration): applying migrations needs it alone, so stop the other gateways first"
      : "the database did not answer in time";
  }
  const first =
    messageOf(error)
      .split("\n")
      .map((line) => line.trim())
      .find((line) => line !== "") ?? "unknown error";
  return first.replace(/^Error in the underlying connector \(WASM_ERROR\): /, "").slice(0, 300);
}

function errorCode(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const code = (error as { code?: unknown }).code ?? (error as { error_code?: unknown }).error_code;
  if (typeof code === "string") return code;
  return /\bP1014\b/.test(messageOf(error)) ? "P1014" : undefined;
}
