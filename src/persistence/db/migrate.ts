/**
 * The migration tool: `create`, `deploy` and `status` for both providers, driven through Prisma's
 * wasm schema engine (`@prisma/schema-engine-wasm`), because the Prisma CLI's native engine cannot
 * be downloaded here (STACK.md §4). It lives under src/ so that production can run it compiled
 * (`node dist/persistence/migrate.js` is not a CLI; scripts/migrate.ts is the CLI, and the app calls
 * `migrate("deploy", …)` when MIGRATE_ON_START is set).
 *
 * Layout: prisma/<sqlite|postgres>/schema.prisma + models/ (a symlink to prisma/models) and
 * prisma/<provider>/migrations/<YYYYMMDDHHMMSS>_<name>/migration.sql with migration_lock.toml, exactly
 * as `prisma migrate` writes them; `_prisma_migrations` is written like `prisma migrate deploy` does.
 *
 * Workarounds (each one reproduced as a failure first, see STACK.md §4):
 *  1. the lockfile is written before the first diff, or the engine cannot tell the connector;
 *  2. SQLite: the engine replays migrations on the shadow database through a one-statement
 *     `executeRaw`; a multi-statement script is retried with `executeScript`;
 *  3. Postgres: our own shadow database, whose pool is closed before it is dropped;
 *  4. Postgres: `"char"` catalog columns (OID 18) are reported as text (OID 25), on the tool's own
 *     adapters only (per instance, not on the shared prototype, so the app's adapters are untouched);
 *  5. SAFETY: the tool's PrismaPg gets discrete {host, port, user, password, database}, never a
 *     connectionString, which would override `database` and make the "shadow" the real database;
 *  6. every adapter the engine opens is disposed in `finally` (engine.free() does not close them);
 *  7. the wasm module is instantiated once per process;
 *  8. "External error id#N" is replaced by the real message from the adapter's error registry;
 *  9. P1014 (no `_prisma_migrations` table yet) means nothing was applied;
 * 10. the parent folder of a `file:` database is created first;
 * 11. Postgres: adapter-pg's executeScript splits a script on every `;`, which cuts a function body
 *     (`$$ … ; … $$`) apart; the script is sent whole instead, as Prisma's native engine does
 *     (the simple query protocol runs several statements in one transaction-less round trip).
 */
import { createHash, randomUUID } from "node:crypto";
import { mkdir, readdir, readFile, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  bindMigrationAwareSqlAdapterFactory,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
  type SqlQuery,
} from "@prisma/driver-adapter-utils";
import type { MigrationList, SchemaContainer, SchemaEngine } from "@prisma/schema-engine-wasm";

export type Provider = "sqlite" | "postgres";
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

/** Which provider a DATABASE_URL belongs to. */
export function providerOf(url: string): Provider {
  if (url.startsWith("file:")) return "sqlite";
  if (url.startsWith("postgresql://") || url.startsWith("postgres://")) return "postgres";
  throw new Error(
    "DATABASE_URL must be a SQLite URL (file:./data/jwk-gateway.db) or a PostgreSQL URL (postgresql://user:password@host:5432/database)",
  );
}

/** The file path of a `file:` URL as better-sqlite3 opens it (relative paths resolve from the cwd). */
export function sqliteFilePath(url: string): string {
  if (!url.startsWith("file:")) throw new Error("DATABASE_URL is not a SQLite file: URL");
  const file = url.slice("file:".length);
  if (file.startsWith("//")) throw new Error("DATABASE_URL: write SQLite URLs as file:./relative.db or file:/absolute.db, not file://");
  if (file.includes("?")) throw new Error("DATABASE_URL: SQLite URLs take no query parameters here");
  if (file === "" || file === ":memory:") throw new Error("DATABASE_URL: a SQLite database needs a file path");
  return file;
}

export function migrate(command: "create", options: MigrateOptions): Promise<CreatedMigration | null>;
export function migrate(command: "deploy", options: MigrateOptions): Promise<DeployResult>;
export function migrate(command: "status", options: MigrateOptions): Promise<MigrationStatus>;
export function migrate(command: MigrateCommand, options: MigrateOptions): Promise<CreatedMigration | null | DeployResult | MigrationStatus>;
export async function migrate(command: MigrateCommand, options: MigrateOptions): Promise<CreatedMigration | null | DeployResult | MigrationStatus> {
  if (providerOf(options.url) !== options.provider) {
    throw new Error(`DATABASE_URL is not a ${options.provider} URL`);
  }
  const providerDir = path.resolve(options.prismaDir ?? DEFAULT_PRISMA_DIR, options.provider);
  const migrationsDir = path.join(providerDir, "migrations");
  const name = command === "create" ? migrationName(options.name) : "";

  if (command === "create") {
    // Workaround 1: the engine reads the connector from the lockfile, so it must exist before the first diff.
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
    const result = await engine.diagnoseMigrationHistory({ migrationsList: list, optInToShadowDatabase: false, filters: FILTERS });
    const history = result.history;
    const pending = history && history.diagnostic !== "migrationsDirectoryIsBehind" ? history.unappliedMigrationNames : [];
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
    // Workaround 9: a database without `_prisma_migrations` has nothing applied.
    if (errorCode(error) === "P1014") {
      return { upToDate: all.length === 0, pending: all, edited: [], failed: [], unknown: [], hasMigrationsTable: false };
    }
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------
// The engine and its adapters

type SchemaEngineModule = typeof import("@prisma/schema-engine-wasm/schema_engine_bg");

// Workaround 7: one instantiation per process. Kept on globalThis so that a module graph loaded twice
// (vitest isolates test files, Node caches the package) never re-instantiates under a live engine.
const WASM_KEY = Symbol.for("jwk-gateway.schema-engine-wasm");
type WasmHolder = { [WASM_KEY]?: Promise<SchemaEngineModule> };

function loadEngineModule(): Promise<SchemaEngineModule> {
  const holder = globalThis as WasmHolder;
  // Where the engine reports a Rust panic's message (the Prisma CLI installs the same object); without
  // it the panic hook itself throws a TypeError and the message is lost. A panic still aborts the
  // process, as it does in the CLI.
  const registry = globalThis as { PRISMA_WASM_PANIC_REGISTRY?: { set_message(message: string): void } };
  registry.PRISMA_WASM_PANIC_REGISTRY ??= {
    set_message(message: string) {
      console.error(`Prisma schema engine panic: ${message}`);
    },
  };
  holder[WASM_KEY] ??= (async () => {
    const bg = await import("@prisma/schema-engine-wasm/schema_engine_bg");
    const wasmFile = fileURLToPath(new URL("schema_engine_bg.wasm", import.meta.resolve("@prisma/schema-engine-wasm/schema_engine_bg")));
    const { instance } = await WebAssembly.instantiate(await readFile(wasmFile), { "./schema_engine_bg.js": bg as never });
    bg.__wbg_set_wasm(instance.exports);
    (instance.exports as { __wbindgen_start?: () => void }).__wbindgen_start?.();
    return bg;
  })().catch((error: unknown) => {
    delete holder[WASM_KEY];
    throw error;
  });
  return holder[WASM_KEY];
}

async function withEngine<T>(options: MigrateOptions, files: SchemaContainer[], run: (engine: SchemaEngine) => Promise<T>): Promise<T> {
  const bg = await loadEngineModule();
  const opened: SqlDriverAdapter[] = [];
  const factory = await migrationFactory(options, opened);
  const bound = bindMigrationAwareSqlAdapterFactory(factory);
  let engine: SchemaEngine | undefined;
  try {
    // Created inside the try block so that its connection errors get the real message too.
    engine = await bg.SchemaEngine.new({ datamodels: files.map((file) => [file.path, file.content]) }, () => {}, bound);
    return await run(engine);
  } catch (error) {
    throw explain(error, bound.errorRegistry);
  } finally {
    engine?.free();
    // Workaround 6: the engine does not close what it opened.
    await Promise.allSettled(opened.map((adapter) => adapter.dispose()));
  }
}

/** A migration-aware adapter factory with the workarounds applied; records every adapter it opens. */
async function migrationFactory(options: MigrateOptions, opened: SqlDriverAdapter[]): Promise<SqlMigrationAwareDriverAdapterFactory> {
  const track = <A extends SqlDriverAdapter>(adapter: A): A => {
    const dispose = adapter.dispose.bind(adapter);
    let disposed: Promise<void> | undefined;
    adapter.dispose = () => (disposed ??= dispose());
    opened.push(adapter);
    return adapter;
  };

  if (options.provider === "sqlite") {
    const file = sqliteFilePath(options.url);
    // Workaround 10: better-sqlite3 does not create folders.
    await mkdir(path.dirname(path.resolve(file)), { recursive: true });
    const { PrismaBetterSqlite3 } = await import("@prisma/adapter-better-sqlite3");
    const inner = new PrismaBetterSqlite3({ url: file });
    return {
      provider: "sqlite",
      adapterName: inner.adapterName,
      connect: async () => track(retryMultiStatement(await inner.connect())),
      connectToShadowDb: async () => track(retryMultiStatement(await inner.connectToShadowDb())),
    };
  }

  const { PrismaPg } = await import("@prisma/adapter-pg");
  const config = discretePgConfig(options.url);
  const inner = new PrismaPg(config);
  return {
    provider: "postgres",
    adapterName: inner.adapterName,
    connect: async () => track(wholeScripts(reportCharAsText(await inner.connect()))),
    // Workaround 3: adapter-pg drops its shadow database before closing the pool that uses it.
    connectToShadowDb: async () => {
      const main = await inner.connect();
      const database = `prisma_migrate_shadow_db_${randomUUID()}`;
      try {
        await main.executeScript(`CREATE DATABASE "${database}"`);
      } catch (error) {
        await main.dispose();
        throw error;
      }
      // Workaround 5: `database` only takes effect because config has no connectionString.
      const shadow = wholeScripts(reportCharAsText(await new PrismaPg({ ...config, database }).connect()));
      const closePool = shadow.dispose.bind(shadow);
      shadow.dispose = async () => {
        try {
          await closePool();
          await main.executeScript(`DROP DATABASE IF EXISTS "${database}"`);
        } finally {
          await main.dispose();
        }
      };
      return track(shadow);
    },
  };
}

/** Workaround 2: better-sqlite3 prepares one statement; the shadow replay sends whole scripts. */
function retryMultiStatement<A extends SqlDriverAdapter>(adapter: A): A {
  const executeRaw = adapter.executeRaw.bind(adapter);
  adapter.executeRaw = async (query: SqlQuery) => {
    try {
      return await executeRaw(query);
    } catch (error) {
      if (query.args.length === 0 && /more than one statement/i.test(messageOf(error))) {
        await adapter.executeScript(query.sql);
        return 0;
      }
      throw error;
    }
  };
  return adapter;
}

/** Workaround 11: the whole script in one simple query. */
function wholeScripts<A extends SqlDriverAdapter>(adapter: A): A {
  const driver = (adapter as unknown as { underlyingDriver(): { query(sql: string): Promise<unknown> } }).underlyingDriver?.();
  if (!driver || typeof driver.query !== "function") throw new Error("adapter-pg changed: underlyingDriver() is gone; re-check the migration tool's workarounds");
  adapter.executeScript = async (script: string) => {
    await driver.query(script);
  };
  return adapter;
}

/** Workaround 4: the engine's catalog queries return `"char"` columns, which adapter-pg cannot decode. */
function reportCharAsText<A extends SqlDriverAdapter>(adapter: A): A {
  type Io = { performIO(query: SqlQuery): Promise<{ fields: { dataTypeID: number }[] }> };
  const patch = (queryable: object) => {
    const target = queryable as Io;
    if (typeof target.performIO !== "function") throw new Error("adapter-pg changed: performIO is gone; re-check the migration tool's workarounds");
    const performIO = target.performIO.bind(target);
    target.performIO = async (query) => {
      const result = await performIO(query);
      for (const field of result.fields) if (field.dataTypeID === 18) field.dataTypeID = 25;
      return result;
    };
  };
  patch(adapter);
  const startTransaction = adapter.startTransaction.bind(adapter);
  adapter.startTransaction = async (...args) => {
    const transaction = await startTransaction(...args);
    patch(transaction);
    return transaction;
  };
  return adapter;
}

export interface PgConfig {
  host: string;
  port: number;
  user?: string;
  password?: string;
  database?: string;
  ssl?: boolean | { rejectUnauthorized: boolean };
  application_name?: string;
}

/** Workaround 5: a PostgreSQL URL as discrete pg settings (no connectionString). */
export function discretePgConfig(url: string): PgConfig {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error("DATABASE_URL is not a valid PostgreSQL URL");
  }
  const config: PgConfig = {
    host: decodeURIComponent(parsed.hostname) || "localhost",
    port: parsed.port ? Number(parsed.port) : 5432,
  };
  if (parsed.username) config.user = decodeURIComponent(parsed.username);
  if (parsed.password) config.password = decodeURIComponent(parsed.password);
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ""));
  if (database) config.database = database;
  for (const [key, value] of parsed.searchParams) {
    switch (key) {
      case "host": // unix socket folder, e.g. ?host=/var/run/postgresql
        config.host = value;
        break;
      case "application_name":
        config.application_name = value;
        break;
      case "sslmode":
        if (value === "disable") config.ssl = false;
        else if (value === "no-verify") config.ssl = { rejectUnauthorized: false };
        else if (value === "require" || value === "verify-ca" || value === "verify-full") config.ssl = true;
        else if (value !== "prefer" && value !== "allow") throw new Error(`DATABASE_URL: sslmode=${value} is not supported by the migration tool`);
        break;
      default:
        throw new Error(`DATABASE_URL: the parameter "${key}" is not supported by the migration tool`);
    }
  }
  return config;
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
    if ((error as NodeJS.ErrnoException).code === "ENOENT") throw new Error(`No Prisma schema folder at ${providerDir}`);
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

/** Workaround 8: turn "External error id#N" into the driver's own message. */
function explain(error: unknown, registry: { consumeError(id: number): { error: unknown } | undefined }): unknown {
  if (!(error instanceof Error)) return error;
  const replaced = error.message.replace(/External error id#(\d+)/g, (whole, id: string) => {
    const record = registry.consumeError(Number(id));
    return record ? messageOf(record.error) : whole;
  });
  if (replaced !== error.message) error.message = replaced;
  return error;
}

/**
 * One line an operator can act on, for a failed migration command: the engine's own errors carry the
 * whole connector chain, a wasm stack and a list of error variants.
 */
export function describeMigrationError(error: unknown, provider: Provider): string {
  const message = messageOf(error);
  // The SQLite adapter's SQLITE_BUSY, which the engine does not know by name ("unknown variant `SocketTimeout`").
  if (/SocketTimeout|database is locked|SQLITE_BUSY/i.test(message)) {
    return provider === "sqlite"
      ? "the SQLite database is locked by another process (a running gateway or migration): applying migrations needs it alone, so stop the other gateways first"
      : "the database did not answer in time";
  }
  const first = message.split("\n").map((line) => line.trim()).find((line) => line !== "") ?? "unknown error";
  return first.replace(/^Error in the underlying connector \(WASM_ERROR\): /, "").slice(0, 300);
}

function errorCode(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const code = (error as { code?: unknown }).code ?? (error as { error_code?: unknown }).error_code;
  if (typeof code === "string") return code;
  return /\bP1014\b/.test(messageOf(error)) ? "P1014" : undefined;
}

function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === "object" && error !== null && typeof (error as { message?: unknown }).message === "string") {
    return (error as { message: string }).message;
  }
  return String(error);
}
