/**
 * The AuditLog on Prisma (table audit_event), for SQLite and PostgreSQL alike. Records of successful
 * writes are inserted by PrismaJsonWebKeyRepository inside the write's own transaction (through
 * `auditRow`); this class writes the records that stand alone (refused and failed operations,
 * private reads) and reads the trail. It never updates or deletes a record.
 *
 * Group commit: `record()` calls are gathered and inserted together, so N concurrent private reads
 * cost one commit (one fsync on SQLite) instead of N. There is no timer: a flush starts as soon as
 * the previous one is done (the first record of an idle log goes out at once, on SQLite as soon as
 * the store's queue reaches it), and the records that arrive meanwhile form the next batch, at most
 * MAX_AUDIT_BATCH rows, in the order of the `record()` calls (so `seq` follows that order). Each
 * promise settles only when the batch holding its record has committed, or rejects with the batch's
 * error (fail closed: the service hands out private members only after its record resolved). When a
 * batch of several fails for another reason than an unreachable database, its records are retried
 * one by one (the batch rolled back whole), so that a record the database refuses fails alone, not
 * the reads that happened to share its batch; after two solo failures the rest fail untried.
 */
import type { AuditEntry, AuditEvent, AuditLog, AuditQuery } from "../domain/audit.js";
import { UnavailableError } from "../domain/errors.js";
import { MAX_NAME_LENGTH } from "../domain/service.js";
import type { Database, Db } from "./database.js";
import { storeRunner } from "./prisma-repository.js";
import { powerOfTwoAtMost } from "./runs.js";
import type { Provider } from "./migrate.js";
import { insertAuditRows } from "./raw-inserts.js";

/**
 * The row for an entry. Caller-chosen names are cut to the longest valid name, so a refused 200 KiB
 * `set` stays out of the table, and a NUL in them (which Postgres refuses) becomes U+FFFD.
 */
export function auditRow(entry: AuditEntry) {
  return {
    at: entry.at,
    actor: entry.actor,
    transport: entry.transport,
    operation: entry.operation,
    set: clip(entry.set),
    kid: clip(entry.kid),
    outcome: entry.outcome,
    requestId: clip(entry.requestId),
  };
}

/** Most records inserted by one statement. */
export const MAX_AUDIT_BATCH = 512;
/** Records of a failed batch retried alone that may fail before the rest are given up (see oneByOne). */
const MAX_SOLO_FAILURES = 2;

type AuditRow = ReturnType<typeof auditRow>;

interface PendingRecord {
  row: AuditRow;
  resolve(): void;
  reject(error: unknown): void;
}

export class PrismaAuditLog implements AuditLog {
  private readonly db: Db;
  private readonly run: <T>(work: () => Promise<T>) => Promise<T>;
  /** Records waiting for the next flush, oldest first. */
  private pending: PendingRecord[] = [];
  /** Whether a flush loop is running (it drains `pending` before it stops). */
  private flushing = false;

  private readonly provider: Provider;

  constructor(database: Database) {
    this.db = database.client;
    this.provider = database.provider;
    this.run = storeRunner(database);
  }

  /** Resolves once the record is committed (with the others of its batch); see the header. */
  record(entry: AuditEntry): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ row: auditRow(entry), resolve, reject });
      if (!this.flushing) {
        this.flushing = true;
        // After the event loop has handled every request that is ready (the check phase follows the
        // poll phase), so their records share the batch. Not a microtask: better-sqlite3 writes
        // synchronously, so a flush started at once would block the other requests of this turn and
        // every batch would hold one record (measured: 1,000 concurrent private reads, 1,000 batches).
        setImmediate(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    try {
      while (this.pending.length > 0) await this.flush();
    } finally {
      this.flushing = false;
    }
  }

  /**
   * Inserts one batch. The batch is taken when the store's queue reaches it (SQLite runs one
   * statement at a time), so the records that arrived while earlier work ran join it.
   */
  private async flush(): Promise<void> {
    let batch: PendingRecord[] = [];
    try {
      await this.run(async () => {
        batch = this.pending.splice(0, powerOfTwoAtMost(Math.min(this.pending.length, MAX_AUDIT_BATCH)));
        await this.insert(batch.map((record) => record.row));
      });
    } catch (error) {
      if (batch.length === 0) batch = this.pending.splice(0, MAX_AUDIT_BATCH); // the queue failed before the work ran
      if (batch.length > 1 && !(error instanceof UnavailableError)) {
        await this.oneByOne(batch, error);
      } else {
        for (const record of batch) record.reject(error);
      }
      return;
    }
    for (const record of batch) record.resolve();
  }

  /**
   * After a failed batch (rolled back whole): each record alone, in order, settling its own promise.
   * After MAX_SOLO_FAILURES failures the cause is taken to be shared (a lock held elsewhere, a missing
   * table) and the rest fail with the batch's error untried, so that a 500-record batch does not wait
   * out 500 more timeouts.
   */
  private async oneByOne(batch: readonly PendingRecord[], batchError: unknown): Promise<void> {
    let failures = 0;
    for (const record of batch) {
      if (failures >= MAX_SOLO_FAILURES) {
        record.reject(batchError);
        continue;
      }
      try {
        await this.run(() => this.insert([record.row]));
        record.resolve();
      } catch (error) {
        failures++;
        record.reject(error);
      }
    }
  }

  /** One raw multi-row INSERT (raw-inserts.ts says why not createMany); one statement is atomic on its own. */
  private async insert(rows: readonly AuditRow[]): Promise<void> {
    if (rows.length === 0) return;
    const { sql, args } = insertAuditRows(this.provider, rows);
    await this.db.$executeRawUnsafe(sql, ...args);
  }

  async list({ limit, before }: AuditQuery): Promise<AuditEvent[]> {
    const rows = await this.run(() =>
      this.db.auditEvent.findMany({ where: before === undefined ? {} : { seq: { lt: before } }, orderBy: { seq: "desc" }, take: limit }),
    );
    return rows.map((row) => ({
      seq: row.seq,
      at: row.at,
      actor: row.actor,
      transport: row.transport,
      operation: row.operation,
      outcome: row.outcome,
      ...(row.set !== null ? { set: row.set } : {}),
      ...(row.kid !== null ? { kid: row.kid } : {}),
      ...(row.requestId !== null ? { requestId: row.requestId } : {}),
    }));
  }
}

function clip(value: string | undefined): string | null {
  if (value === undefined) return null;
  // Postgres text cannot hold NUL: a refused `set` of "a\0b" would otherwise leave no record at all.
  const storable = value.replaceAll("\u0000", "\uFFFD");
  return storable.length > MAX_NAME_LENGTH ? `${storable.slice(0, MAX_NAME_LENGTH - 1)}…` : storable;
}
