/**
 * A JsonWebKeyRepository that answers set reads from memory: the decorator in front of the Prisma
 * repository (README, "Caches and the change feed").
 *
 * - Reads of a whole set go through a CoherentCache: an entry is served only after the ChangeFeed has
 *   synced, so no read returns a set older than a write acknowledged before it began, by this process
 *   or any other on the same database (change-feed.ts).
 * - A single-key read is answered from the cached set when there is one; otherwise it reads its one
 *   row and fills nothing (so a row that fails its integrity check fails only the reads that touch it).
 * - Every write drops the set's entry as soon as it returns, before the caller acknowledges it; the
 *   feed then tells every other process.
 * - Cached sets are frozen: the keys are shared by every request that reads them.
 * - Policies are not cached: they are read by the scheduler and by the few queries that select them.
 *
 * The cache holds opened (decrypted) keys in the process's memory, as every read briefly does anyway.
 * It is bounded by the number of keys it holds (`maxKeys`); 0 turns it off.
 */
import type { AuditEntry } from "../../domain/audit.js";
import type { Jwk } from "../../domain/jwk.js";
import type { KeyRecord, KeyState, LifecycleExpectation, RotationPolicy } from "../../domain/lifecycle.js";
import type { InitialState, JsonWebKeyRepository, LifecycleWrite, ReadSession } from "../../domain/repository.js";
import type { KeyPageQuery, SetPageQuery } from "../../domain/pages.js";
import type { ChangeFeed } from "./change-feed.js";
import { CoherentCache } from "./coherent-cache.js";

export interface CachedRepositoryOptions {
  /** Most keys held, over all cached sets; a larger set is read but not kept. */
  maxKeys: number;
}

export class CachedJsonWebKeyRepository implements JsonWebKeyRepository {
  private readonly sets: CoherentCache<readonly KeyRecord[]>;

  constructor(
    private readonly inner: JsonWebKeyRepository,
    feed: ChangeFeed,
    options: CachedRepositoryOptions,
  ) {
    this.sets = new CoherentCache<readonly KeyRecord[]>(feed, {
      maxWeight: options.maxKeys,
      weigh: (keys) => Math.max(1, keys.length),
      affected: (change) =>
        change.kind === "key-set"
          ? [change.set]
          : change.kind === "key-sets" || change.kind === "everything"
            ? "all"
            : [],
    });
  }

  async getKeySet(set: string, session?: ReadSession): Promise<KeyRecord[]> {
    // Callers get the shared frozen array's keys in a new array (they may sort or filter it).
    return [...(await this.sets.get(set, async () => freeze(await this.inner.getKeySet(set)), session))];
  }

  async getKey(set: string, kid: string, session?: ReadSession): Promise<KeyRecord | undefined> {
    const cached = await this.sets.peek(set, session);
    if (cached) return cached.find((record) => record.key.kid === kid);
    return this.inner.getKey(set, kid);
  }

  async addKey(set: string, key: Jwk, audit?: AuditEntry, state?: InitialState): Promise<void> {
    await this.written(set, () => this.inner.addKey(set, key, audit, state));
  }

  async upsertKey(set: string, key: Jwk, audit?: AuditEntry): Promise<void> {
    await this.written(set, () => this.inner.upsertKey(set, key, audit));
  }

  async replaceKeySet(set: string, keys: readonly Jwk[], audit?: AuditEntry): Promise<void> {
    await this.written(set, () => this.inner.replaceKeySet(set, keys, audit));
  }

  deleteKey(set: string, kid: string, audit?: AuditEntry): Promise<boolean> {
    return this.written(set, () => this.inner.deleteKey(set, kid, audit));
  }

  deleteKeySet(set: string, audit?: AuditEntry): Promise<boolean> {
    return this.written(set, () => this.inner.deleteKeySet(set, audit));
  }

  changeLifecycle(
    set: string,
    write: LifecycleWrite,
    expect: LifecycleExpectation,
    at: Date,
    audit?: readonly AuditEntry[],
  ): Promise<void> {
    return this.written(set, () => this.inner.changeLifecycle(set, write, expect, at, audit));
  }

  getPolicy(set: string): Promise<RotationPolicy | undefined> {
    return this.inner.getPolicy(set);
  }

  setPolicy(
    set: string,
    policy: RotationPolicy | null,
    expect: LifecycleExpectation,
    audit?: AuditEntry,
  ): Promise<boolean> {
    return this.inner.setPolicy(set, policy, expect, audit);
  }

  dueSets(now: Date, limit: number): Promise<string[]> {
    return this.inner.dueSets(now, limit);
  }

  ping(): Promise<void> {
    return this.inner.ping();
  }

  // Pages and counts read the store itself (always current): a page is small, and caching pages
  // would mean dropping them on every write to any set.
  listSets(query: SetPageQuery) {
    return this.inner.listSets(query);
  }

  countSets(query: Pick<SetPageQuery, "nameStartsWith" | "state">) {
    return this.inner.countSets(query);
  }

  listKeys(set: string, query: KeyPageQuery) {
    return this.inner.listKeys(set, query);
  }

  countKeys(set: string, state?: KeyState) {
    return this.inner.countKeys(set, state);
  }

  /** How many sets are cached, and how set reads were answered (tests, metrics). */
  stats(): { sets: number; hits: number; misses: number } {
    return { sets: this.sets.size, ...this.sets.stats };
  }

  close(): void {
    this.sets.close();
  }

  /** Runs a write, and drops the set's entry whatever its outcome (a failed commit may still have committed). */
  private async written<T>(set: string, write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } finally {
      this.sets.invalidate(set);
    }
  }
}

function freeze(records: KeyRecord[]): readonly KeyRecord[] {
  for (const record of records) {
    if (record.key.x5c) Object.freeze(record.key.x5c);
    Object.freeze(record.key);
    Object.freeze(record);
  }
  return Object.freeze(records);
}
