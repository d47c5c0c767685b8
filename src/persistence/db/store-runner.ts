/**
 * How the stores call the database: one runner per database, shared by every store on it (the key
 * repository, the audit log, the token store, the key pool), and the mapping of driver errors to the
 * error catalogue.
 *
 * SQLite: the client has ONE connection, and a statement issued outside a transaction while one is
 * open on that connection runs inside it: it sees uncommitted rows and is rolled back with it
 * (reproduced with an interactive transaction: a concurrent `create` "succeeded" and vanished). So
 * every store call runs alone, in FIFO order, per client. better-sqlite3 is synchronous, so this
 * costs no parallelism; other processes are serialised by SQLite's own lock (a short busy_timeout,
 * then retried here).
 *
 * Time: every call is bounded (DatabaseTimeouts.callMs, database.ts), so a database that stops
 * answering fails calls with UnavailableError instead of hanging them (README, "Timeouts and outages";
 * test/http/outages.test.ts).
 */
import { UnavailableError } from "../../errors.js";
import type { Database } from "./database.js";

/**
 * The runner of every store call on a database (keys, audit, tokens, key pool), so that they share
 * one queue and one time bound:
 *
 * - SQLite: alone and in FIFO order per client (see above). A call still waiting for its turn
 *   when its time (callMs) is up fails without running. SQLITE_BUSY (another process holds the write
 *   lock longer than busy_timeout) is retried after a short pause, taking a new turn at the back of
 *   the queue, so the event loop and the other calls go on meanwhile, until the time is up. A
 *   statement either runs or fails with nothing written, so a call that fails wrote nothing.
 * - Postgres: the call is answered UnavailableError once the database has answered no call at all
 *   for callMs, whatever the driver is doing (a query on a connection whose packets are dropped would
 *   otherwise wait for TCP to give up, many minutes). While it answers others, a call waiting for a
 *   pooled connection or a set's lock is not cut off before busyCapMs: that is load,
 *   not an outage, and the pool's and server's own timeouts (database.ts) bound each step. A write
 *   answered UnavailableError may still commit: the caller cannot know, as with any timeout (README,
 *   "Timeouts and outages").
 *
 * Errors that mean "the database cannot be used right now" become UnavailableError.
 */
export function storeRunner(database: Database): <T>(work: () => Promise<T>) => Promise<T> {
  const { callMs, busyCapMs } = database.timeouts;
  if (database.provider === "postgres") {
    const health = healthOf(database.client);
    return async <T>(work: () => Promise<T>): Promise<T> => {
      const started = Date.now();
      const running = work();
      // Any answer, even a refusal, shows the server is there; timeouts and lost connections do not.
      running.then(
        () => (health.lastAnswer = Date.now()),
        (error: unknown) => {
          if (!unavailable(error)) health.lastAnswer = Date.now();
        },
      );
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<never>((_, reject) => {
        // Cut off when the database has answered nothing, to anyone, for callMs: a silent server. A
        // call queued behind busy but answering work (the pool, a set's lock) waits on, up to the cap.
        const check = () => {
          const now = Date.now();
          const silentFor = now - Math.max(started, health.lastAnswer);
          if (silentFor >= callMs || now - started >= busyCapMs) reject(timedOut(callMs));
          else timer = setTimeout(check, callMs - silentFor);
        };
        timer = setTimeout(check, callMs);
      });
      try {
        return await Promise.race([running, late]);
      } catch (error) {
        throw unavailable(error) ?? error;
      } finally {
        clearTimeout(timer);
      }
    };
  }
  const exclusive = serialiser(database.client);
  return async <T>(work: () => Promise<T>): Promise<T> => {
    const deadline = Date.now() + callMs;
    for (let attempt = 1; ; attempt++) {
      try {
        return await exclusive(() => (Date.now() >= deadline ? Promise.reject(timedOut(callMs)) : work()));
      } catch (error) {
        const pause = Math.min(100, 5 * 2 ** attempt) * (0.5 + Math.random() / 2);
        if (isBusy(error) && Date.now() + pause < deadline) {
          await new Promise((resolve) => setTimeout(resolve, pause));
          continue;
        }
        throw unavailable(error) ?? error;
      }
    }
  };
}

/** When the database last answered a call of this client. */
const healths = new WeakMap<object, { lastAnswer: number }>();
function healthOf(client: object): { lastAnswer: number } {
  let health = healths.get(client);
  if (!health) healths.set(client, (health = { lastAnswer: 0 }));
  return health;
}

/** A call that did not finish within its time. */
function timedOut(callMs: number): UnavailableError {
  return new UnavailableError(`The key store did not answer within ${formatSeconds(callMs)}, try again later`);
}

function formatSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(2))} s`;
}

/** SQLITE_BUSY: adapter-better-sqlite3 reports it as the driver error kind SocketTimeout. */
function isBusy(error: unknown): boolean {
  const e = error as {
    message?: unknown;
    code?: unknown;
    meta?: { driverAdapterError?: { cause?: { kind?: unknown } } };
  } | null;
  return (
    e?.meta?.driverAdapterError?.cause?.kind === "SocketTimeout" ||
    (typeof e?.code === "string" && e.code.startsWith("SQLITE_BUSY")) ||
    (typeof e?.message === "string" && /database is locked|SQLITE_BUSY/.test(e.message))
  );
}

/** A FIFO queue per client: each piece of work starts when the previous one has settled. */
const queues = new WeakMap<object, { tail: Promise<unknown> }>();
function serialiser(client: object): <T>(work: () => Promise<T>) => Promise<T> {
  let queue = queues.get(client);
  if (!queue) queues.set(client, (queue = { tail: Promise.resolve() }));
  const q = queue;
  return <T>(work: () => Promise<T>): Promise<T> => {
    const result = q.tail.then(work);
    q.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  };
}

export function prismaCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && /^P\d{4}$/.test(code) ? code : undefined;
}

/**
 * P2002 on both providers (SQLITE_CONSTRAINT_UNIQUE / 23505 under `meta.driverAdapterError`), or a
 * raw query's P2010 whose driver error is a unique constraint violation.
 */
export function isUniqueViolation(error: unknown): boolean {
  const code = prismaCode(error);
  if (code === "P2002") return true;
  const kind = (error as { meta?: { driverAdapterError?: { cause?: { kind?: unknown } } } } | null)?.meta
    ?.driverAdapterError?.cause?.kind;
  return code === "P2010" && kind === "UniqueConstraintViolation";
}

/**
 * Prisma codes for "cannot reach / use the database" (https://www.prisma.io/docs/orm/reference/error-reference).
 * P2028 is the transaction API's error: a batch transaction that could not start within maxWait or
 * finish within its timeout (database.ts), the only way it arises here (no interactive transactions).
 */
const UNAVAILABLE_CODES = new Set([
  "P1000",
  "P1001",
  "P1002",
  "P1003",
  "P1008",
  "P1010",
  "P1011",
  "P1017",
  "P2024",
  "P2028",
]);
/** Driver adapter error kinds that mean the same (raw queries report them under P2010). */
const UNAVAILABLE_KINDS = new Set([
  "AuthenticationFailed",
  "DatabaseAccessDenied",
  "DatabaseDoesNotExist",
  "DatabaseNotReachable",
  "ConnectionClosed",
  "SocketTimeout",
  "TlsConnectionError",
  "TooManyConnections",
]);
/**
 * pg errors that reach us unmapped: pool acquire and connect timeouts, a query without an answer
 * (query_timeout), a statement cancelled by statement_timeout (57014), a dropped socket.
 */
const UNAVAILABLE_MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|timeout expired|Query read timeout|canceling statement due to statement timeout|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|Can't reach database server/;

function unavailable(error: unknown): UnavailableError | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const e = error as {
    name?: unknown;
    message?: unknown;
    meta?: { driverAdapterError?: { cause?: { kind?: unknown } } };
  };
  const code = prismaCode(error);
  const kind = e.meta?.driverAdapterError?.cause?.kind;
  const hit =
    (code !== undefined && UNAVAILABLE_CODES.has(code)) ||
    (typeof kind === "string" && UNAVAILABLE_KINDS.has(kind)) ||
    e.name === "PrismaClientInitializationError" ||
    (code === undefined && typeof e.message === "string" && UNAVAILABLE_MESSAGES.test(e.message));
  if (!hit) return undefined;
  const mapped = new UnavailableError();
  mapped.cause = error;
  return mapped;
}
