/**
 * Prisma's wasm schema engine (`@prisma/schema-engine-wasm`), loaded once per process, with the
 * driver adapters it migrates through. The Prisma CLI runs a native engine instead; driving the wasm
 * one through adapters needs the workarounds below, each one reproduced as a failure first (the
 * cases are in test/persistence/db/migrate.test.ts). Numbers are cited where the code applies them.
 *
 *  1. the lockfile is written before the first diff, or the engine cannot tell the connector
 *     (migrate.ts, `create`);
 *  2. SQLite: the engine replays migrations on the shadow database through a one-statement
 *     `executeRaw`; a multi-statement script is retried with `executeScript`;
 *  3. Postgres: our own shadow database, whose pool is closed before it is dropped (adapter-pg drops
 *     the database first, which fails while its pool is still connected);
 *  4. Postgres: `"char"` catalog columns (OID 18) are reported as text (OID 25), which adapter-pg can
 *     decode; on the tool's own adapters only (per instance, not on the shared prototype, so the
 *     app's adapters are untouched);
 *  5. SAFETY: the tool's PrismaPg gets discrete {host, port, user, password, database}, never a
 *     connectionString, which would override `database` and make the "shadow" the real database
 *     (url.ts, discretePgConfig);
 *  6. every adapter the engine opens is disposed in `finally` (engine.free() does not close them);
 *  7. the wasm module is instantiated once per process;
 *  8. "External error id#N" is replaced by the real message from the adapter's error registry;
 *  9. P1014 (no `_prisma_migrations` table yet) means nothing was applied (migrate.ts, `status`);
 * 10. the parent folder of a `file:` database is created first (better-sqlite3 does not);
 * 11. Postgres: adapter-pg's executeScript splits a script on every `;`, which cuts a function body
 *     (`$$ … ; … $$`) apart; the script is sent whole instead, as Prisma's native engine does
 *     (the simple query protocol runs several statements in one transaction-less round trip).
 */
import { randomUUID } from "node:crypto";
import { mkdir, readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  bindMigrationAwareSqlAdapterFactory,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
  type SqlQuery,
} from "@prisma/driver-adapter-utils";
import type { SchemaContainer, SchemaEngine } from "@prisma/schema-engine-wasm";
import { discretePgConfig, sqliteFilePath, type Provider } from "./url.js";
import type * as SchemaEngineBindings from "@prisma/schema-engine-wasm/schema_engine_bg";

/** The database an engine works on. */
export interface EngineTarget {
  provider: Provider;
  /** DATABASE_URL: `file:<path>` or `postgres(ql)://…` (url.ts). */
  url: string;
}

type SchemaEngineModule = typeof SchemaEngineBindings;

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
    const wasmFile = fileURLToPath(
      new URL("schema_engine_bg.wasm", import.meta.resolve("@prisma/schema-engine-wasm/schema_engine_bg")),
    );
    const { instance } = await WebAssembly.instantiate(await readFile(wasmFile), { "./schema_engine_bg.js": bg });
    bg.__wbg_set_wasm(instance.exports);
    (instance.exports as { __wbindgen_start?: () => void }).__wbindgen_start?.();
    return bg;
  })().catch((error: unknown) => {
    delete holder[WASM_KEY];
    throw error;
  });
  return holder[WASM_KEY];
}

/**
 * Runs `run` with a schema engine on the database of `target` and the schema `files`; every adapter
 * the engine opened is closed afterwards, and "External error id#N" in its errors is replaced by the
 * driver's message.
 */
export async function withEngine<T>(
  target: EngineTarget,
  files: SchemaContainer[],
  run: (engine: SchemaEngine) => Promise<T>,
): Promise<T> {
  const bg = await loadEngineModule();
  const opened: SqlDriverAdapter[] = [];
  const factory = await migrationFactory(target, opened);
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
async function migrationFactory(
  options: EngineTarget,
  opened: SqlDriverAdapter[],
): Promise<SqlMigrationAwareDriverAdapterFactory> {
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
  const driver = (
    adapter as unknown as { underlyingDriver(): { query(sql: string): Promise<unknown> } }
  ).underlyingDriver?.();
  if (!driver || typeof driver.query !== "function")
    throw new Error("adapter-pg changed: underlyingDriver() is gone; re-check the migration tool's workarounds");
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
    if (typeof target.performIO !== "function")
      throw new Error("adapter-pg changed: performIO is gone; re-check the migration tool's workarounds");
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

/** The message of anything thrown, Error or not. */
export function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === "object" && error !== null && typeof (error as { message?: unknown }).message === "string") {
    return (error as { message: string }).message;
  }
  return String(error);
}
