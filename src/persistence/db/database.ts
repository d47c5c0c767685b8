/**
 * Opens the database named by DATABASE_URL with the matching generated Prisma client.
 *
 * - `file:<path>`: SQLite through better-sqlite3 (one connection per client). The parent folder is
 *   created; relative paths resolve from the process cwd. Every connection gets, and is checked for,
 *   journal_mode=WAL, synchronous=FULL, busy_timeout (see DatabaseTimeouts) and foreign_keys=ON.
 * - `postgres(ql)://…`: PostgreSQL through adapter-pg (a pg pool), with connect, query, statement
 *   and idle-in-transaction timeouts and TCP keepalive, so that a server that stops answering
 *   (packets dropped, not reset) fails calls instead of hanging them.
 *
 * Timeouts (README, "Timeouts and outages"): one bound, DATABASE_TIMEOUT_MS, is the longest a request
 * waits for the database before it is answered SERVICE_UNAVAILABLE. It is split between the change
 * feed's sync (caches), one store call (store-runner.ts enforces it), SQLite's
 * busy wait, and some slack for the rest of the request.
 *
 * The app is typed against the SQLite client; the Postgres client is structurally the same for
 * every query we use but not assignable (its `$transaction` isolation levels differ), hence the cast.
 * Schema changes are not made here: run migrate("deploy", …) first (migrate.ts).
 */
import { mkdir } from "node:fs/promises";
import path from "node:path";
import type { SqlDriverAdapter, SqlDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import { DEFAULT_DATABASE_TIMEOUT_MS } from "../../config.js";
import { PrismaClient } from "../../generated/sqlite/client.js";
import { providerOf, sqliteFilePath, type Provider } from "./url.js";

export type Db = PrismaClient;

export interface Database {
  provider: Provider;
  client: Db;
  timeouts: DatabaseTimeouts;
  /** Disconnects; safe to call more than once. */
  close(): Promise<void>;
}

/** How DATABASE_TIMEOUT_MS is spent; each part is a fraction of the bound, so the parts add up to it. */
export interface DatabaseTimeouts {
  /** The bound: the longest a request waits for the database before it is answered SERVICE_UNAVAILABLE. */
  boundMs: number;
  /**
   * The change feed's sync (cache/change-feed.ts): a cache that cannot confirm it is fresh within this is
   * bypassed, and a Postgres feed that does not answer within it counts as disconnected. A fifth.
   */
  feedSyncMs: number;
  /**
   * SQLite's busy_timeout: the longest one statement waits for another connection's lock. better-sqlite3
   * waits synchronously, blocking the event loop, so it is short and the store retries (storeRunner).
   */
  sqliteBusyMs: number;
  /**
   * One store call, from the moment it is asked for: waiting for its turn (SQLite) or a pooled
   * connection (Postgres), busy retries, the queries themselves. Also the pg pool's connect and
   * query timeouts. Half of what is left of the bound after the parts above and a twentieth of
   * slack: a request that fails makes at most two calls in a row (its operation, then the audit
   * record of the failure; or the token check, then the record of the refusal).
   */
  callMs: number;
  /**
   * Postgres: the longest a call waits while the database answers other calls (a full pool, a set's
   * lock held by concurrent writes): that is load, not an outage. Ten callMs. Also the backstop of the
   * driver's own timeouts (connect, pool wait, query, statement, Prisma's transaction limits).
   */
  busyCapMs: number;
}

export function databaseTimeouts(boundMs: number = DEFAULT_DATABASE_TIMEOUT_MS): DatabaseTimeouts {
  const feedSyncMs = Math.round(boundMs / 5);
  const sqliteBusyMs = Math.min(250, Math.round(boundMs / 20));
  const slackMs = Math.round(boundMs / 20);
  const callMs = Math.floor((boundMs - feedSyncMs - sqliteBusyMs - slackMs) / 2);
  return Object.freeze({ boundMs, feedSyncMs, sqliteBusyMs, callMs, busyCapMs: 10 * callMs });
}

/** What every SQLite connection must report. */
export function sqlitePragmas(timeouts: DatabaseTimeouts) {
  return {
    journal_mode: "wal",
    synchronous: 2, // FULL
    busy_timeout: timeouts.sqliteBusyMs,
    foreign_keys: 1,
  } as const;
}
type SqlitePragmas = ReturnType<typeof sqlitePragmas>;
type PragmaName = keyof SqlitePragmas;

export interface OpenOptions {
  /** DATABASE_TIMEOUT_MS; default DEFAULT_DATABASE_TIMEOUT_MS. */
  timeoutMs?: number;
}

export async function openDatabase(url: string, options: OpenOptions = {}): Promise<Database> {
  const provider = providerOf(url);
  const timeouts = databaseTimeouts(options.timeoutMs);
  // Prisma's own limits on a batch transaction (waiting to start it, running it): backstops, like the
  // pool's below. A silent database is noticed by storeRunner after callMs; these only end the work.
  const transactionOptions = { maxWait: timeouts.busyCapMs, timeout: timeouts.busyCapMs };
  let client: Db;
  if (provider === "sqlite") {
    const file = sqliteFilePath(url);
    await mkdir(path.dirname(path.resolve(file)), { recursive: true });
    const { PrismaBetterSqlite3 } = await import("@prisma/adapter-better-sqlite3");
    const pragmas = sqlitePragmas(timeouts);
    const adapter = withSqlitePragmas(new PrismaBetterSqlite3({ url: file, timeout: pragmas.busy_timeout }), pragmas);
    client = new PrismaClient({ adapter, transactionOptions });
    try {
      await checkSqlitePragmas(client, pragmas); // opens the connection now, so a bad path or setting fails at start
    } catch (error) {
      await client.$disconnect().catch(() => {});
      throw error;
    }
  } else {
    const { PrismaClient: PostgresClient } = await import("../../generated/postgres/client.js");
    const { PrismaPg } = await import("@prisma/adapter-pg");
    // adapter-pg hands this object to `new pg.Pool()` as it is.
    const adapter = new PrismaPg({
      connectionString: url,
      // Opening a connection, or waiting for a free one of the pool (which under load is no outage).
      connectionTimeoutMillis: timeouts.busyCapMs,
      // Client side: a query whose answer does not come (the server unreachable) fails, and the pool
      // drops its connection, freeing its place.
      query_timeout: timeouts.busyCapMs,
      // Server side: a statement running longer (a lock wait included) is cancelled, so it holds no
      // lock long past its caller.
      statement_timeout: timeouts.busyCapMs,
      // Server side: a transaction whose client went silent (partitioned mid-transaction) is ended,
      // releasing its set's advisory lock for the other gateways.
      idle_in_transaction_session_timeout: timeouts.boundMs,
      idleTimeoutMillis: 10_000,
      // Idle connections to a vanished server are found and dropped instead of being handed out.
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
    });
    client = new PostgresClient({ adapter, transactionOptions }) as unknown as Db;
  }
  let closed: Promise<void> | undefined;
  return { provider, client, timeouts, close: () => (closed ??= client.$disconnect()) };
}

/** Applies the PRAGMAs to every connection the client opens (they are per connection, except WAL). */
function withSqlitePragmas(inner: SqlDriverAdapterFactory, pragmas: SqlitePragmas): SqlDriverAdapterFactory {
  const setup = `PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = ${pragmas.busy_timeout}; PRAGMA foreign_keys = ON;`;
  return {
    provider: inner.provider,
    adapterName: inner.adapterName,
    async connect(): Promise<SqlDriverAdapter> {
      const adapter = await inner.connect();
      try {
        await adapter.executeScript(setup);
        const actual = await readPragmas(pragmas, (sql) =>
          adapter.queryRaw({ sql, args: [], argTypes: [] }).then((result) => result.rows[0]?.[0]),
        );
        assertPragmas(pragmas, actual);
      } catch (error) {
        await adapter.dispose().catch(() => {});
        throw error;
      }
      return adapter;
    },
  };
}

/** Reads the PRAGMAs back through the client itself. */
async function checkSqlitePragmas(client: Db, pragmas: SqlitePragmas): Promise<void> {
  assertPragmas(
    pragmas,
    await readPragmas(pragmas, async (sql) => {
      const rows = await client.$queryRawUnsafe<Record<string, unknown>[]>(sql);
      return rows[0] ? Object.values(rows[0])[0] : undefined;
    }),
  );
}

async function readPragmas(
  pragmas: SqlitePragmas,
  read: (sql: string) => Promise<unknown>,
): Promise<Record<PragmaName, unknown>> {
  const out = {} as Record<PragmaName, unknown>;
  for (const name of Object.keys(pragmas) as PragmaName[]) {
    out[name] = await read(`PRAGMA ${name}`);
  }
  return out;
}

function assertPragmas(pragmas: SqlitePragmas, actual: Record<PragmaName, unknown>): void {
  const wrong = (Object.keys(pragmas) as PragmaName[]).filter((name) => {
    const value = actual[name];
    const expected = pragmas[name];
    return typeof expected === "string" ? String(value).toLowerCase() !== expected : Number(value) !== expected;
  });
  if (wrong.length > 0) {
    const detail = wrong.map((name) => `${name}=${String(actual[name])} (want ${pragmas[name]})`).join(", ");
    throw new Error(`The SQLite database refused its required settings: ${detail}`);
  }
}
