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
import type { KeyRecord, KeyState, LifecycleExpectation, RotationPolicy } from "./lifecycle.js";
import type { KeyPageQuery, KeyPosition, SetPageQuery, SetSummary } from "./pages.js";

/**
 * The reads of one request: an object made when the request begins, passed with each of its reads,
 * so that a store may share work between them (the caches sync with their change feed once per
 * request rather than once per read: every read of the request then sees every write acknowledged
 * before the request began). Opaque here; only its identity matters.
 */
export type ReadSession = object;

/** Where a new key starts its life: the seed operations store ACTIVE keys; a key published ahead by hand is NEXT. */
export type InitialState = Extract<KeyState, "ACTIVE" | "NEXT">;

/**
 * One change of a set's lifecycle (lifecycle.ts), applied atomically at one moment `at`, only if the
 * set is still as `expect` says; otherwise the repository throws LifecycleConflict and writes nothing.
 */
export interface LifecycleWrite {
  /** New keys, created at `at` (an ACTIVE one also activated at `at`). */
  insert?: { key: Jwk; state: InitialState }[];
  /** NEXT keys that become ACTIVE. */
  promote?: string[];
  /** ACTIVE keys that become RETIRED, published until `publishedUntil`. */
  retire?: { kids: string[]; publishedUntil: Date };
  /** Keys that become REVOKED. */
  revoke?: string[];
  /** Keys deleted. */
  remove?: string[];
  /** The policy's new schedule (the set must have a policy). */
  schedule?: { nextRotationAt: Date | null; nextStepAt: Date | null };
}

export interface JsonWebKeyRepository {
  /**
   * All keys of a set with their lifecycle, in the set's order (lifecycle.ts: by state, ACTIVE first,
   * then newest first, ties broken by insertion order, latest first). Empty when the set does not exist.
   */
  getKeySet(set: string, session?: ReadSession): Promise<KeyRecord[]>;
  /** One key, or `undefined`. */
  getKey(set: string, kid: string, session?: ReadSession): Promise<KeyRecord | undefined>;
  /** Inserts a new key (ACTIVE unless said). Throws `ConflictError` when `(set, kid)` exists; nothing changes then. */
  addKey(set: string, key: Jwk, audit?: AuditEntry, state?: InitialState): Promise<void>;
  /** Inserts or replaces `(set, key.kid)` as an ACTIVE key; the stored key becomes the newest of its set. */
  upsertKey(set: string, key: Jwk, audit?: AuditEntry): Promise<void>;
  /**
   * Replaces every key of the set with `keys`, all ACTIVE, atomically: concurrent replacements never
   * leave a union or a partial set. The last key of `keys` becomes the newest. An empty list deletes
   * the set (and its policy).
   */
  replaceKeySet(set: string, keys: readonly Jwk[], audit?: AuditEntry): Promise<void>;
  /** Returns whether a key was removed. */
  deleteKey(set: string, kid: string, audit?: AuditEntry): Promise<boolean>;
  /** Deletes the set's keys and its policy. Returns whether anything was removed. */
  deleteKeySet(set: string, audit?: AuditEntry): Promise<boolean>;
  /** Applies a lifecycle change (see LifecycleWrite), with its audit records, in one transaction. */
  changeLifecycle(
    set: string,
    write: LifecycleWrite,
    expect: LifecycleExpectation,
    at: Date,
    audit?: readonly AuditEntry[],
  ): Promise<void>;
  /** The set's rotation policy, or undefined. */
  getPolicy(set: string): Promise<RotationPolicy | undefined>;
  /**
   * Stores (or, with null, removes) the set's policy, only if the set's keys are still as `expect`
   * says (LifecycleConflict otherwise). Resolves false when a policy was to be removed and there was none.
   */
  setPolicy(
    set: string,
    policy: RotationPolicy | null,
    expect: LifecycleExpectation,
    audit?: AuditEntry,
  ): Promise<boolean>;
  /** Sets whose policy has a scheduled step due at `now`, soonest first, at most `limit`. */
  dueSets(now: Date, limit: number): Promise<string[]>;
  /**
   * One page of sets by name (pages.ts): at most `limit` summaries, in ascending name order whatever
   * the direction, and whether more lie beyond them in that direction. Reads no key material and
   * costs the same whatever the number of sets.
   */
  listSets(query: SetPageQuery): Promise<{ sets: SetSummary[]; more: boolean }>;
  /** How many sets match the filter of `query` (a scan of the sets' index: not a page's cost). */
  countSets(query: Pick<SetPageQuery, "nameStartsWith" | "state">): Promise<number>;
  /**
   * One page of a set's keys in the set's order, each with its position (for cursors), whether more
   * follow, and the kid of the set's signing key (whether or not it is on the page). Opens only the
   * page's keys.
   */
  listKeys(
    set: string,
    query: KeyPageQuery,
    session?: ReadSession,
  ): Promise<{ keys: { record: KeyRecord; position: KeyPosition }[]; more: boolean; signingKid?: string }>;
  /** How many keys the set holds (in `state`, when given). */
  countKeys(set: string, state?: KeyState): Promise<number>;
  /** Resolves when the store answers; used by readiness checks. */
  ping(): Promise<void>;
}
