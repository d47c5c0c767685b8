/**
 * Re-sealing stored keys under the current KEK (README, "Rotating the secret"): the start-up upgrade of plaintext
 * rows and `npm run keys:rotate` both run `rewrap`.
 *
 * - Batches: rows are read in `seq` order, `batchSize` at a time; each batch's updates commit in one
 *   transaction, so a crash (even kill -9) loses at most the batch in flight, which simply was not
 *   applied.
 * - Idempotent and resumable: only rows not yet sealed by the current KEK are selected, so a second
 *   run continues where the first stopped and a finished run has nothing to do.
 * - Compare-and-swap: each update matches the row's `seq`, `format` and old `data`. A row rewritten
 *   or deleted concurrently (by the gateway, which seals with the current KEK anyway) is left alone
 *   and counted as `changed`; a concurrent write is never overwritten.
 * - A row that does not open is counted in `failed` with the reason (never its content) and the run
 *   goes on with the others; the caller decides what a failure means (the rotate tool exits 1).
 */
import { KeyIntegrityError } from "../../errors.js";
import { decodeKey, encodeKey, JWK_AES256GCM_V1, JWK_JSON_V1 } from "./codec.js";
import type { Database } from "../db/database.js";
import type { KeySealer } from "./seal.js";

export const DEFAULT_REWRAP_BATCH = 100;

export interface RewrapOptions {
  /** "plaintext": only foundation rows (the start-up upgrade); "stale": every row not sealed by the current KEK. */
  scope: "plaintext" | "stale";
  batchSize?: number;
  /** Called after each committed batch. */
  onProgress?: (progress: RewrapProgress) => void;
}

export interface RewrapProgress {
  /** Rows to visit, counted when the run started. */
  planned: number;
  /** Rows visited so far (re-sealed, changed or failed). */
  visited: number;
  resealed: number;
}

export interface RewrapFailure {
  set: string;
  kid: string;
  reason: string;
}

export interface RewrapResult {
  planned: number;
  /** Rows this run re-sealed. */
  resealed: number;
  /** Rows changed or deleted by someone else between read and update (left as they were). */
  changed: number;
  failed: RewrapFailure[];
  /** Rows still in scope after the run (counted again at the end). */
  remaining: number;
}

export async function rewrap(database: Database, sealer: KeySealer, options: RewrapOptions): Promise<RewrapResult> {
  const db = database.client;
  const batchSize = options.batchSize ?? DEFAULT_REWRAP_BATCH;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new TypeError("batchSize must be a positive integer");
  const current = sealer.keyring.current.id;
  const inScope =
    options.scope === "plaintext"
      ? { format: JWK_JSON_V1 }
      : { OR: [{ kekId: null }, { kekId: { not: current } }, { format: { not: JWK_AES256GCM_V1 } }] };

  const planned = await db.jsonWebKey.count({ where: inScope });
  const result: RewrapResult = { planned, resealed: 0, changed: 0, failed: [], remaining: 0 };
  let cursor = 0;
  while (planned > 0) {
    const rows = await db.jsonWebKey.findMany({
      where: { AND: [inScope, { seq: { gt: cursor } }] },
      orderBy: { seq: "asc" },
      take: batchSize,
      select: { seq: true, set: true, kid: true, format: true, data: true, kekId: true },
    });
    if (rows.length === 0) break;
    cursor = rows[rows.length - 1].seq;

    const updates = [];
    for (const row of rows) {
      try {
        const sealed = encodeKey(sealer, row.set, decodeKey(sealer, row, { acceptPlaintext: true }));
        updates.push(
          db.jsonWebKey.updateMany({ where: { seq: row.seq, format: row.format, data: row.data }, data: sealed }),
        );
      } catch (error) {
        result.failed.push({ set: row.set, kid: row.kid, reason: reasonOf(error) });
      }
    }
    const counts = updates.length > 0 ? await db.$transaction(updates) : [];
    for (const { count } of counts) {
      if (count === 1) result.resealed++;
      else result.changed++;
    }
    options.onProgress?.({
      planned,
      visited: result.resealed + result.changed + result.failed.length,
      resealed: result.resealed,
    });
  }
  result.remaining = await db.jsonWebKey.count({ where: inScope });
  return result;
}

function reasonOf(error: unknown): string {
  if (error instanceof KeyIntegrityError) return error.detail;
  // The codec's own messages never hold key material; keep the first line only, like describeError.
  return error instanceof Error ? error.message.split("\n", 1)[0].slice(0, 200) : "unreadable";
}

/**
 * Drops what re-sealing left behind. SQLite keeps the old bytes of rewritten rows in free pages and
 * the WAL until they are reused: VACUUM rewrites the file and a TRUNCATE checkpoint empties the WAL,
 * so neither the foundation's plaintext nor an older secret's ciphertext lingers on disk. PostgreSQL
 * keeps old row versions until vacuum reclaims them; that is the operator's `VACUUM FULL`
 * (README, "Encryption at rest"), so nothing is done there. Returns whether anything was done.
 */
export async function compactAfterRewrap(database: Database): Promise<boolean> {
  if (database.provider !== "sqlite") return false;
  await database.client.$executeRawUnsafe("VACUUM");
  await database.client.$queryRawUnsafe("PRAGMA wal_checkpoint(TRUNCATE)");
  return true;
}
