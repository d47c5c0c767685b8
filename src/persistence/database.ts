/**
 * Opens the database named by DATABASE_URL with the matching generated Prisma client.
 *
 * - `file:<path>`: SQLite through better-sqlite3 (one connection per client). The parent folder is
 *   created; relative paths resolve from the process cwd. Every connection gets, and is checked for,
 *   journal_mode=WAL, synchronous=FULL, busy_timeout=5000 and foreign_keys=ON (security.md R5.1).
 * - `postgres(ql)://…`: PostgreSQL through adapter-pg (a pg pool).
 *
 * The app is typed against the SQLite client; the Postgres client is structurally the same for
 * every query we use but not assignable (its `$transaction` isolation levels differ), hence the cast.
 * Schema changes are not made here: run migrate("deploy", …) first (src/persistence/migrate.ts).
 */
import { mkdir } from "node:fs/promises";
import path from "node:path";
import type { SqlDriverAdapter, SqlDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import { PrismaClient } from "../generated/sqlite/client.js";
import { providerOf, sqliteFilePath, type Provider } from "./migrate.js";

export type Db = PrismaClient;

export interface Database {
  provider: Provider;
  client: Db;
  /** Disconnects; safe to call more than once. */
  close(): Promise<void>;
}

/** What every SQLite connection must report (security.md R5.1). */
export const SQLITE_PRAGMAS = {
  journal_mode: "wal",
  synchronous: 2, // FULL
  busy_timeout: 5000,
  foreign_keys: 1,
} as const;

const SQLITE_SETUP = "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON;";

/** Bounds the wait for a pooled Postgres connection, so an unreachable server fails fast (R5.7). */
const PG_CONNECTION_TIMEOUT_MS = 5000;

export async function openDatabase(url: string): Promise<Database> {
  const provider = providerOf(url);
  let client: Db;
  if (provider === "sqlite") {
    const file = sqliteFilePath(url);
    await mkdir(path.dirname(path.resolve(file)), { recursive: true });
    const { PrismaBetterSqlite3 } = await import("@prisma/adapter-better-sqlite3");
    const adapter = withSqlitePragmas(new PrismaBetterSqlite3({ url: file, timeout: SQLITE_PRAGMAS.busy_timeout }));
    client = new PrismaClient({ adapter });
    try {
      await checkSqlitePragmas(client); // opens the connection now, so a bad path or setting fails at start
    } catch (error) {
      await client.$disconnect().catch(() => {});
      throw error;
    }
  } else {
    const { PrismaClient: PostgresClient } = await import("../generated/postgres/client.js");
    const { PrismaPg } = await import("@prisma/adapter-pg");
    const adapter = new PrismaPg({ connectionString: url, connectionTimeoutMillis: PG_CONNECTION_TIMEOUT_MS });
    client = new PostgresClient({ adapter }) as unknown as Db;
  }
  let closed: Promise<void> | undefined;
  return { provider, client, close: () => (closed ??= client.$disconnect()) };
}

/** Applies the PRAGMAs to every connection the client opens (they are per connection, except WAL). */
function withSqlitePragmas(inner: SqlDriverAdapterFactory): SqlDriverAdapterFactory {
  return {
    provider: inner.provider,
    adapterName: inner.adapterName,
    async connect(): Promise<SqlDriverAdapter> {
      const adapter = await inner.connect();
      try {
        await adapter.executeScript(SQLITE_SETUP);
        const actual = await readPragmas((sql) => adapter.queryRaw({ sql, args: [], argTypes: [] }).then((result) => result.rows[0]?.[0]));
        assertPragmas(actual);
      } catch (error) {
        await adapter.dispose().catch(() => {});
        throw error;
      }
      return adapter;
    },
  };
}

/** Reads the PRAGMAs back through the client itself. */
async function checkSqlitePragmas(client: Db): Promise<void> {
  assertPragmas(
    await readPragmas(async (sql) => {
      const rows = await client.$queryRawUnsafe<Record<string, unknown>[]>(sql);
      return rows[0] ? Object.values(rows[0])[0] : undefined;
    }),
  );
}

async function readPragmas(read: (sql: string) => Promise<unknown>): Promise<Record<keyof typeof SQLITE_PRAGMAS, unknown>> {
  const out = {} as Record<keyof typeof SQLITE_PRAGMAS, unknown>;
  for (const name of Object.keys(SQLITE_PRAGMAS) as (keyof typeof SQLITE_PRAGMAS)[]) {
    out[name] = await read(`PRAGMA ${name}`);
  }
  return out;
}

function assertPragmas(actual: Record<keyof typeof SQLITE_PRAGMAS, unknown>): void {
  const wrong = (Object.keys(SQLITE_PRAGMAS) as (keyof typeof SQLITE_PRAGMAS)[]).filter((name) => {
    const value = actual[name];
    const expected = SQLITE_PRAGMAS[name];
    return typeof expected === "string" ? String(value).toLowerCase() !== expected : Number(value) !== expected;
  });
  if (wrong.length > 0) {
    const detail = wrong.map((name) => `${name}=${String(actual[name])} (want ${SQLITE_PRAGMAS[name]})`).join(", ");
    throw new Error(`The SQLite database refused its required settings: ${detail}`);
  }
}
