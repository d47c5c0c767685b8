/**
 * An audit entry as a row of audit_event, for both writers: the audit log's stand-alone records
 * (audit-log.ts) and the key repository, which inserts the record of a write in the write's own
 * transaction (keys/repository.ts).
 */
import type { AuditEntry } from "../../domain/audit.js";
import { MAX_NAME_LENGTH, wellFormed } from "../../domain/names.js";

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

function clip(value: string | undefined): string | null {
  if (value === undefined) return null;
  // Postgres text cannot hold NUL nor a lone surrogate: a refused `set` of "a\0b" or "a\ud800" would
  // otherwise leave no record at all. Cut first, then repair, so the cut cannot split a surrogate pair.
  const clipped = value.length > MAX_NAME_LENGTH ? `${value.slice(0, MAX_NAME_LENGTH - 1)}…` : value;
  return wellFormed(clipped.replaceAll("\u0000", "\uFFFD"));
}
