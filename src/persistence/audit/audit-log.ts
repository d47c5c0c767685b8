/**
 * The AuditLog on Prisma (table audit_event), for SQLite and PostgreSQL alike. Records of successful
 * writes are inserted by PrismaJsonWebKeyRepository inside the write's own transaction (through
 * `auditRow`, audit-row.ts); this class writes the records that stand alone (refused and failed operations,
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
import type { AuditEntry, AuditEvent, AuditLog, AuditQuery } from "../../domain/audit.js";
import { UnavailableError } from "../../errors.js";
import { auditRow } from "./audit-row.js";
import type { Database, Db } from "../db/database.js";
import { storeRunner } from "../db/store-runner.js";
import { GroupCommit, type Pending } from "../db/group-commit.js";
import type { Provider } from "../db/url.js";
import { insertAuditRows } from "../db/raw-inserts.js";

/** Most records inserted by one statement. */
export const MAX_AUDIT_BATCH = 512;
/** Records of a failed batch retried alone that may fail before the rest are given up (see oneByOne). */
const MAX_SOLO_FAILURES = 2;

type AuditRow = ReturnType<typeof auditRow>;

export class PrismaAuditLog implements AuditLog {
  private readonly db: Db;
  private readonly run: <T>(work: () => Promise<T>) => Promise<T>;
  private readonly batches: GroupCommit<AuditRow>;
  private readonly provider: Provider;

  constructor(database: Database) {
    this.db = database.client;
    this.provider = database.provider;
    this.run = storeRunner(database);
    this.batches = new GroupCommit<AuditRow>({
      run: this.run,
      max: MAX_AUDIT_BATCH,
      commit: (rows) => this.insert(rows),
      failed: (batch, error) =>
        batch.length > 1 && !(error instanceof UnavailableError)
          ? this.oneByOne(batch, error)
          : rejectAll(batch, error),
    });
  }

  /** Resolves once the record is committed, with the others of its batch (db/group-commit.ts). */
  record(entry: AuditEntry): Promise<void> {
    return this.batches.add(auditRow(entry));
  }

  /**
   * After a failed batch (rolled back whole): each record alone, in order, settling its own promise.
   * After MAX_SOLO_FAILURES failures the cause is taken to be shared (a lock held elsewhere, a missing
   * table) and the rest fail with the batch's error untried, so that a 500-record batch does not wait
   * out 500 more timeouts.
   */
  private async oneByOne(batch: readonly Pending<AuditRow>[], batchError: unknown): Promise<void> {
    let failures = 0;
    for (const record of batch) {
      if (failures >= MAX_SOLO_FAILURES) {
        record.reject(batchError);
        continue;
      }
      try {
        await this.run(() => this.insert([record.item]));
        record.resolve();
      } catch (error) {
        failures++;
        record.reject(error);
      }
    }
  }

  /** One raw multi-row INSERT (db/raw-inserts.ts says why not createMany); one statement is atomic on its own. */
  private async insert(rows: readonly AuditRow[]): Promise<void> {
    if (rows.length === 0) return;
    const { sql, args } = insertAuditRows(this.provider, rows);
    await this.db.$executeRawUnsafe(sql, ...args);
  }

  async list({ limit, before }: AuditQuery): Promise<AuditEvent[]> {
    const rows = await this.run(() =>
      this.db.auditEvent.findMany({
        where: before === undefined ? {} : { seq: { lt: before } },
        orderBy: { seq: "desc" },
        take: limit,
      }),
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

async function rejectAll(batch: readonly Pending<unknown>[], error: unknown): Promise<void> {
  for (const write of batch) write.reject(error);
}
