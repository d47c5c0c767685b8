/**
 * The JsonWebKeyRepository on Prisma, for SQLite and PostgreSQL alike (table json_web_key).
 *
 * Order: newest first = ORDER BY createdAt DESC, seq DESC (seq is the insertion sequence).
 *
 * Concurrency:
 * - Multi-row writes are Prisma batch transactions (`$transaction([...])`), never interactive ones.
 * - PostgreSQL: every write that inserts into a set (addKey, upsertKey, replaceKeySet) first takes
 *   `pg_advisory_xact_lock(<namespace>, hashtext(set))` inside its transaction. Under Read Committed a
 *   delete-all/insert-all without it lets two concurrent replacements commit the union of both
 *   lists (security.md R5.3). Write conflicts (P2034: 40001/40P01) retry the whole transaction.
 * - SQLite: addKey (every create) is group-committed (group-commit.ts): the keys of concurrent
 *   creates are inserted together, in one transaction with their audit records, as the connection
 *   becomes free: one fsync for all, and two statements whatever their number.
 * - SQLite: the client has ONE connection, and a statement issued outside a transaction while one is
 *   open on that connection runs inside it: it sees uncommitted rows and is rolled back with it
 *   (reproduced with an interactive transaction: a concurrent `create` "succeeded" and vanished).
 *   So every call of this repository runs alone, in FIFO order, per client. better-sqlite3 is
 *   synchronous, so this costs no parallelism; other processes are serialised by SQLite's own lock
 *   (a short busy_timeout, then retried: see storeRunner).
 *
 * Time: every call is bounded (storeRunner, DatabaseTimeouts.callMs), so a database that stops
 * answering fails calls with UnavailableError instead of hanging them (README, "Timeouts and outages").
 *
 * Errors: a unique violation (P2002 on both providers) becomes ConflictError; an unreachable,
 * refusing or silent database becomes UnavailableError (with the original as `cause`); a row that
 * fails to open becomes KeyIntegrityError (reported to `onIntegrityFailure` first); anything else is
 * passed on unchanged.
 *
 * Key material is sealed by the KeySealer on every write and opened on every read (codec.ts).
 *
 * Change feed: nothing to do here. Triggers announce every change to json_web_key in the writing
 * transaction (pg_notify on Postgres, a change counter on SQLite; migration
 * 20261127095600_change_counter), whoever the writer is (change-feed.ts).
 *
 * Audit: every write method takes an optional AuditEntry and inserts it in the write's own batch
 * transaction (prisma-audit-log.ts), so the record exists if and only if the write committed.
 */
import { ConflictError, KeyIntegrityError, UnavailableError } from "../../errors.js";
import type { Jwk } from "../../domain/jwk.js";
import type { JsonWebKeyRepository } from "../../domain/repository.js";
import type { AuditEntry } from "../../domain/audit.js";
import { auditRow } from "../audit/audit-log.js";
import { decodeKey, encodeKey, type StoredRow } from "../sealing/codec.js";
import type { KeySealer } from "../sealing/seal.js";
import { GroupCommit, type Pending } from "../db/group-commit.js";
import { insertAuditRows, insertKeyRows } from "../db/raw-inserts.js";
import type { Prisma } from "../../generated/sqlite/client.js";
import type { Database, Db } from "../db/database.js";

/** First key of the two-key advisory lock: "JWKS" as an int4, so our locks never meet other users'. */
export const ADVISORY_LOCK_NAMESPACE = 0x4a574b53;

const LOCK_SQL = `SELECT pg_advisory_xact_lock(${ADVISORY_LOCK_NAMESPACE}, hashtext($1))`;
const NEWEST_FIRST = [{ createdAt: "desc" }, { seq: "desc" }] as const;
const STORED = { set: true, kid: true, format: true, data: true, kekId: true } as const;
const MAX_ATTEMPTS = 3;

type Write = Prisma.PrismaPromise<unknown>;

/** Most keys one SQLite group commit inserts. */
const MAX_ADD_BATCH = 512;

interface PendingAdd {
  set: string;
  kid: string;
  /** Sealed when the key is queued, so the queue's turn is spent on SQL only. */
  row: ReturnType<PrismaJsonWebKeyRepository["row"]>;
  audit?: AuditEntry;
}

export interface RepositoryOptions {
  /** Told about every row that fails to open, before the error reaches the caller (for the log). */
  onIntegrityFailure?: (error: KeyIntegrityError) => void;
}

export class PrismaJsonWebKeyRepository implements JsonWebKeyRepository {
  private readonly db: Db;
  private readonly postgres: boolean;
  private readonly run: <T>(work: () => Promise<T>) => Promise<T>;
  private readonly onIntegrityFailure: (error: KeyIntegrityError) => void;
  /** SQLite: creates waiting for their group commit (addKey). */
  private readonly adds: GroupCommit<PendingAdd>;

  constructor(
    database: Database,
    private readonly sealer: KeySealer,
    options: RepositoryOptions = {},
  ) {
    this.db = database.client;
    this.postgres = database.provider === "postgres";
    this.run = storeRunner(database);
    this.onIntegrityFailure = options.onIntegrityFailure ?? (() => {});
    this.adds = new GroupCommit<PendingAdd>({
      run: (work) => this.run(work),
      max: MAX_ADD_BATCH,
      commit: (batch) => this.insertAdds(batch),
      failed: (batch, error) => this.addsFailed(batch, error),
    });
  }

  async getKeySet(set: string): Promise<Jwk[]> {
    const rows = await this.run(() => this.db.jsonWebKey.findMany({ where: { set }, orderBy: [...NEWEST_FIRST], select: STORED }));
    // One row that does not open fails the whole set: a set is never served with a key silently missing.
    return rows.map((row) => this.decode(row));
  }

  /**
   * The keys of a set that open, newest first, and the rows that do not, reported to the caller
   * instead of failing the read: for the public JWKS, which one damaged row must not take down for
   * every verifier. Admin reads keep getKeySet's all-or-nothing. Not reported to onIntegrityFailure
   * (the caller says what it did with them).
   */
  async getReadableKeySet(set: string): Promise<{ keys: Jwk[]; unreadable: KeyIntegrityError[] }> {
    const rows = await this.run(() => this.db.jsonWebKey.findMany({ where: { set }, orderBy: [...NEWEST_FIRST], select: STORED }));
    const keys: Jwk[] = [];
    const unreadable: KeyIntegrityError[] = [];
    for (const row of rows) {
      try {
        keys.push(decodeKey(this.sealer, row));
      } catch (error) {
        // decodeKey's other errors (an unknown format) are about the row too; their messages never echo `data`.
        unreadable.push(error instanceof KeyIntegrityError ? error : new KeyIntegrityError(row.set, row.kid, error instanceof Error ? error.message : String(error)));
      }
    }
    return { keys, unreadable };
  }

  async getKey(set: string, kid: string): Promise<Jwk | undefined> {
    const row = await this.run(() => this.db.jsonWebKey.findUnique({ where: { set_kid: { set, kid } }, select: STORED }));
    return row ? this.decode(row) : undefined;
  }

  addKey(set: string, key: Jwk, audit?: AuditEntry): Promise<void> {
    const add: PendingAdd = { set, kid: key.kid, row: this.row(set, key, new Date()), audit };
    return this.postgres ? this.addAlone(add) : this.adds.add(add);
  }

  async upsertKey(set: string, key: Jwk, audit?: AuditEntry): Promise<void> {
    // Delete then insert (rather than update) so that the key gets a new seq and becomes the newest.
    await this.write(set, () => [
      this.db.jsonWebKey.deleteMany({ where: { set, kid: key.kid } }),
      this.db.jsonWebKey.create({ data: this.row(set, key, new Date()) }),
      ...this.audited(audit),
    ]);
  }

  async replaceKeySet(set: string, keys: readonly Jwk[], audit?: AuditEntry): Promise<void> {
    try {
      await this.write(set, () => {
        // One timestamp for the whole list: the seq tie-break then makes the last key the newest.
        const now = new Date();
        const writes: Write[] = [this.db.jsonWebKey.deleteMany({ where: { set } })];
        if (keys.length > 0) writes.push(this.db.jsonWebKey.createMany({ data: keys.map((key) => this.row(set, key, now)) }));
        return [...writes, ...this.audited(audit)];
      });
    } catch (error) {
      if (isUniqueViolation(error)) {
        const kid = duplicateKid(keys);
        throw new ConflictError(
          kid === undefined ? `The keys for set ${quote(set)} conflict with each other` : `The keys for set ${quote(set)} contain the kid ${quote(kid)} more than once`,
        );
      }
      throw error;
    }
  }

  async deleteKey(set: string, kid: string, audit?: AuditEntry): Promise<boolean> {
    return this.remove({ set, kid }, audit);
  }

  async deleteKeySet(set: string, audit?: AuditEntry): Promise<boolean> {
    return this.remove({ set }, audit);
  }

  async ping(): Promise<void> {
    await this.run(() => this.db.$queryRaw`SELECT 1`);
  }

  /**
   * Runs the writes atomically: on Postgres behind the set's advisory lock, retried on write
   * conflicts; on SQLite as one transaction (or the single statement alone). `build` is called per
   * attempt because Prisma's promises run once.
   */
  private write(set: string, build: () => Write[]): Promise<void> {
    return this.run(async () => {
      for (let attempt = 1; ; attempt++) {
        const writes = build();
        try {
          if (this.postgres) {
            await this.db.$transaction([this.db.$executeRawUnsafe(LOCK_SQL, set), ...writes]);
          } else if (writes.length === 1) {
            await writes[0];
          } else {
            await this.db.$transaction(writes);
          }
          return;
        } catch (error) {
          if (attempt >= MAX_ATTEMPTS || prismaCode(error) !== "P2034") throw error;
          await new Promise((resolve) => setTimeout(resolve, 5 * 2 ** attempt + Math.random() * 20));
        }
      }
    });
  }

  /** One key in its own transaction (with its audit record). */
  private async addAlone(add: PendingAdd): Promise<void> {
    try {
      await this.write(add.set, () => [this.db.jsonWebKey.create({ data: add.row }), ...this.audited(add.audit)]);
    } catch (error) {
      if (isUniqueViolation(error)) throw new ConflictError(`A key with kid ${quote(add.kid)} already exists in set ${quote(add.set)}`);
      throw error;
    }
  }

  /** SQLite group commit (group-commit.ts): the keys of a batch and their audit records, in one transaction. */
  private async insertAdds(batch: readonly PendingAdd[]): Promise<void> {
    // Raw multi-row INSERTs: Prisma compiles every createMany afresh (raw-inserts.ts).
    const keys = insertKeyRows("sqlite", batch.map((add) => add.row));
    const writes: Write[] = [this.db.$executeRawUnsafe(keys.sql, ...keys.args)];
    const audits = batch.flatMap((add) => (add.audit ? [auditRow(add.audit)] : []));
    if (audits.length > 0) {
      const records = insertAuditRows("sqlite", audits);
      writes.push(this.db.$executeRawUnsafe(records.sql, ...records.args));
    }
    await this.db.$transaction(writes);
  }

  /**
   * A batch that failed on a unique violation (a kid that exists, or the same kid twice in the
   * batch) is retried key by key, so that only the conflicting creates fail; any other failure fails
   * them all (the transaction rolled back: nothing was written).
   */
  private async addsFailed(batch: readonly Pending<PendingAdd>[], error: unknown): Promise<void> {
    if (!isUniqueViolation(error)) {
      for (const write of batch) write.reject(error);
      return;
    }
    for (const write of batch) await this.addAlone(write.item).then(write.resolve, write.reject);
  }

  /** Deletes the matching rows (with the audit record in the same transaction); true when any was removed. */
  private remove(where: { set: string; kid?: string }, audit?: AuditEntry): Promise<boolean> {
    return this.run(async () => {
      const deletion = this.db.jsonWebKey.deleteMany({ where });
      if (!audit) return (await deletion).count > 0;
      const [{ count }] = await this.db.$transaction([deletion, this.db.auditEvent.create({ data: auditRow(audit) })]);
      return count > 0;
    });
  }

  /** The audit record's insert, to go into a write's batch; none without an entry. */
  private audited(audit: AuditEntry | undefined): Write[] {
    return audit ? [this.db.auditEvent.create({ data: auditRow(audit) })] : [];
  }

  private decode(row: StoredRow): Jwk {
    try {
      return decodeKey(this.sealer, row);
    } catch (error) {
      if (error instanceof KeyIntegrityError) this.onIntegrityFailure(error);
      throw error;
    }
  }

  /** A new row, its key sealed for (set, kid). */
  private row(set: string, key: Jwk, createdAt: Date) {
    return { set, kid: key.kid, ...encodeKey(this.sealer, set, key), createdAt };
  }
}

/**
 * Runs work the way this repository does, for it and for the other stores on the same database
 * (tokens, audit, key pool), so that they share one queue and one time bound:
 *
 * - SQLite: alone and in FIFO order per client (see the header). A call still waiting for its turn
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
        const pause = Math.min(100, 5 * 2 ** attempt) * (0.5 + Math.random() / 2)
        if (isBusy(error) && Date.now() + pause < deadline) {
          await new Promise((resolve) => setTimeout(resolve, pause));
          continue;
        }
        throw unavailable(error) ?? error;
      }
    }
  };
}

/** When the database last answered a call of this client (storeRunner). */
const healths = new WeakMap<object, { lastAnswer: number }>();
function healthOf(client: object): { lastAnswer: number } {
  let health = healths.get(client);
  if (!health) healths.set(client, (health = { lastAnswer: 0 }));
  return health;
}

/** A call that did not finish within its time (storeRunner). */
function timedOut(callMs: number): UnavailableError {
  return new UnavailableError(`The key store did not answer within ${formatSeconds(callMs)}, try again later`);
}

function formatSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(2))} s`;
}

/** SQLITE_BUSY: adapter-better-sqlite3 reports it as the driver error kind SocketTimeout. */
function isBusy(error: unknown): boolean {
  const e = error as { message?: unknown; code?: unknown; meta?: { driverAdapterError?: { cause?: { kind?: unknown } } } } | null;
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

function prismaCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && /^P\d{4}$/.test(code) ? code : undefined;
}

/**
 * P2002 on both providers (SQLITE_CONSTRAINT_UNIQUE / 23505 under `meta.driverAdapterError`), or a
 * raw query's P2010 whose driver error is a unique constraint violation.
 */
function isUniqueViolation(error: unknown): boolean {
  const code = prismaCode(error);
  if (code === "P2002") return true;
  const kind = (error as { meta?: { driverAdapterError?: { cause?: { kind?: unknown } } } } | null)?.meta?.driverAdapterError?.cause?.kind;
  return code === "P2010" && kind === "UniqueConstraintViolation";
}

/**
 * Prisma codes for "cannot reach / use the database" (https://www.prisma.io/docs/orm/reference/error-reference).
 * P2028 is the transaction API's error: a batch transaction that could not start within maxWait or
 * finish within its timeout (database.ts), the only way it arises here (no interactive transactions).
 */
const UNAVAILABLE_CODES = new Set(["P1000", "P1001", "P1002", "P1003", "P1008", "P1010", "P1011", "P1017", "P2024", "P2028"]);
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
  const e = error as { name?: unknown; message?: unknown; meta?: { driverAdapterError?: { cause?: { kind?: unknown } } } };
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

function duplicateKid(keys: readonly Jwk[]): string | undefined {
  const seen = new Set<string>();
  for (const key of keys) {
    if (seen.has(key.kid)) return key.kid;
    seen.add(key.kid);
  }
  return undefined;
}

function quote(value: string): string {
  return JSON.stringify(value.length > 64 ? `${value.slice(0, 64)}…` : value);
}
