/**
 * The AuditLog on Prisma (table audit_event), for SQLite and PostgreSQL alike. Records of successful
 * writes are inserted by PrismaJsonWebKeyRepository inside the write's own transaction (through
 * `auditRow`); this class writes the records that stand alone (refused and failed operations,
 * private reads) and reads the trail. It never updates or deletes a record.
 */
import type { AuditEntry, AuditEvent, AuditLog, AuditQuery } from "../domain/audit.js";
import { MAX_NAME_LENGTH } from "../domain/service.js";
import type { Database, Db } from "./database.js";
import { storeRunner } from "./prisma-repository.js";

/** The row for an entry. Caller-chosen names are cut to the longest valid name, so a refused 200 KiB `set` stays out of the table. */
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

export class PrismaAuditLog implements AuditLog {
  private readonly db: Db;
  private readonly run: <T>(work: () => Promise<T>) => Promise<T>;

  constructor(database: Database) {
    this.db = database.client;
    this.run = storeRunner(database);
  }

  async record(entry: AuditEntry): Promise<void> {
    await this.run(() => this.db.auditEvent.create({ data: auditRow(entry) }));
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
  return value.length > MAX_NAME_LENGTH ? `${value.slice(0, MAX_NAME_LENGTH - 1)}…` : value;
}
