/**
 * The audit trail: one record per key mutation, per read that hands out private members, and per
 * refused operation (UNAUTHENTICATED or FORBIDDEN). A record says who, through which transport,
 * which operation on which set and kid, when, and the outcome ("ok" or the error code). It never
 * holds key material: no member of a key, no request body, no token secret.
 *
 * A successful write's record is inserted in the same transaction as the write (the repository's
 * write methods take it), so there is never an "ok" record for a write that did not happen nor a
 * write without its record. Failed and refused operations get their record written on its own.
 * Records are append-only: nothing in the gateway updates or deletes them.
 */

/** The outcome of an operation that succeeded; a failed one records its error code. */
export const AUDIT_OK = "ok";

export interface AuditEntry {
  at: Date;
  /** A token id, "open-mode", "anonymous", "invalid-token" or "internal" (auth/caller.ts). */
  actor: string;
  transport: string;
  /** The seed operation id, e.g. `createJsonWebKeySet`, or `auditEvents`. */
  operation: string;
  set?: string;
  kid?: string;
  /** AUDIT_OK or an error code of errors.ts. */
  outcome: string;
  requestId?: string;
}

export interface AuditEvent extends AuditEntry {
  /** Increases with every record: the order of the trail, and the cursor of `before`. */
  seq: number;
}

export const DEFAULT_AUDIT_LIMIT = 50;
export const MAX_AUDIT_LIMIT = 500;

export interface AuditQuery {
  /** At most this many records (1 to MAX_AUDIT_LIMIT). */
  limit: number;
  /** Only records with a smaller seq: pass the last seq of a page to get the next one. */
  before?: number;
}

/** The audit port; src/persistence/audit/audit-log.ts stores it in the gateway's database (table audit_event). */
export interface AuditLog {
  record(entry: AuditEntry): Promise<void>;
  /** Newest first. */
  list(query: AuditQuery): Promise<AuditEvent[]>;
}
