/**
 * Multi-row INSERTs as raw SQL, for the two hot group commits (audit records of private reads, keys
 * of concurrent creates on SQLite).
 *
 * Why not createMany: Prisma 7's query compiler compiles a createMany for every call, at about
 * 250 µs of CPU per row on this machine (64 rows: 18.5 ms; the same INSERT as raw SQL: 1.7 ms),
 * which made the audit write the largest cost of a private read. Raw queries skip the compiler.
 * The SQL below names every column, binds every value (no value is ever spliced into the text), and
 * writes DateTime the way Prisma does on each provider, so that Prisma reads the rows back as it
 * wrote them (test/persistence/audit/audit-batch.test.ts reads them through the client).
 */
import type { Provider } from "./url.js";

export interface RawInsert {
  sql: string;
  args: unknown[];
}

export interface AuditRowValues {
  at: Date;
  requestId: string | null;
  actor: string;
  transport: string;
  operation: string;
  set: string | null;
  kid: string | null;
  outcome: string;
}

export interface KeyRowValues {
  set: string;
  kid: string;
  format: string;
  data: string;
  kekId: string | null;
  createdAt: Date;
  state: string;
  activatedAt: Date | null;
}

export interface KeySetEventRowValues {
  set: string;
  kind: string;
  /** JSON array of kids. */
  kids: string;
  at: Date;
}

const AUDIT_COLUMNS = ["at", "requestId", "actor", "transport", "operation", "set", "kid", "outcome"] as const;
const KEY_COLUMNS = ["set", "kid", "format", "data", "kekId", "createdAt", "state", "activatedAt"] as const;
const KEY_SET_EVENT_COLUMNS = ["set", "kind", "kids", "at"] as const;

export function insertAuditRows(provider: Provider, rows: readonly AuditRowValues[]): RawInsert {
  return insert(provider, "audit_event", AUDIT_COLUMNS, rows, (row) => [
    dateTime(provider, row.at),
    row.requestId,
    row.actor,
    row.transport,
    row.operation,
    row.set,
    row.kid,
    row.outcome,
  ]);
}

export function insertKeyRows(provider: Provider, rows: readonly KeyRowValues[]): RawInsert {
  return insert(provider, "json_web_key", KEY_COLUMNS, rows, (row) => [
    row.set,
    row.kid,
    row.format,
    row.data,
    row.kekId,
    dateTime(provider, row.createdAt),
    row.state,
    row.activatedAt === null ? null : dateTime(provider, row.activatedAt),
  ]);
}

export function insertKeySetEventRows(provider: Provider, rows: readonly KeySetEventRowValues[]): RawInsert {
  return insert(provider, "key_set_event", KEY_SET_EVENT_COLUMNS, rows, (row) => [
    row.set,
    row.kind,
    row.kids,
    dateTime(provider, row.at),
  ]);
}

function insert<R>(
  provider: Provider,
  table: string,
  columns: readonly string[],
  rows: readonly R[],
  values: (row: R) => unknown[],
): RawInsert {
  if (rows.length === 0) throw new TypeError("insert: no rows");
  let n = 0;
  const placeholder = provider === "postgres" ? () => `$${++n}` : () => "?";
  const tuples = rows.map(() => `(${columns.map(placeholder).join(", ")})`);
  return {
    sql: `INSERT INTO "${table}" (${columns.map((column) => `"${column}"`).join(", ")}) VALUES ${tuples.join(", ")}`,
    args: rows.flatMap(values),
  };
}

/** SQLite: the text Prisma writes (`2026-11-27T10:02:42.696+00:00`); Postgres: the Date, bound as a timestamp. */
export function dateTime(provider: Provider, at: Date): unknown {
  return provider === "postgres" ? at : at.toISOString().replace(/Z$/, "+00:00");
}
