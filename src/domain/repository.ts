/**
 * The storage port. The domain owns this interface; `src/persistence` implements it once per
 * provider family (Prisma on SQLite and Postgres) and `test/persistence/keys/repository.contract.test.ts`
 * runs one contract suite against every implementation.
 *
 * Keys handed to the repository are already validated. Every method that writes more than one row
 * is atomic. Every write takes an optional audit entry, inserted in the same transaction as the
 * write: it is stored if and only if the write is (audit.ts).
 */
import type { AuditEntry } from "./audit.js";
import type { Jwk } from "./jwk.js";

/**
 * The reads of one request: an object made when the request begins, passed with each of its reads,
 * so that a store may share work between them (the caches sync with their change feed once per
 * request rather than once per read: every read of the request then sees every write acknowledged
 * before the request began). Opaque here; only its identity matters.
 */
export type ReadSession = object;

export interface JsonWebKeyRepository {
  /** All keys of a set, newest first, ties broken by insertion order (latest insert first). Empty when the set does not exist. */
  getKeySet(set: string, session?: ReadSession): Promise<Jwk[]>;
  /** One key, or `undefined`. */
  getKey(set: string, kid: string, session?: ReadSession): Promise<Jwk | undefined>;
  /** Inserts a new key. Throws `ConflictError` when `(set, kid)` exists; nothing changes then. */
  addKey(set: string, key: Jwk, audit?: AuditEntry): Promise<void>;
  /** Inserts or replaces `(set, key.kid)`; the stored key becomes the newest of its set. */
  upsertKey(set: string, key: Jwk, audit?: AuditEntry): Promise<void>;
  /**
   * Replaces every key of the set with `keys`, atomically: concurrent replacements never leave a
   * union or a partial set. The last key of `keys` becomes the newest. An empty list deletes the set.
   */
  replaceKeySet(set: string, keys: readonly Jwk[], audit?: AuditEntry): Promise<void>;
  /** Returns whether a key was removed. */
  deleteKey(set: string, kid: string, audit?: AuditEntry): Promise<boolean>;
  /** Returns whether anything was removed. */
  deleteKeySet(set: string, audit?: AuditEntry): Promise<boolean>;
  /** Resolves when the store answers; used by readiness checks. */
  ping(): Promise<void>;
}
