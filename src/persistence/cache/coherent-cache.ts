/**
 * A bounded in-memory cache kept coherent with the database by a ChangeFeed (change-feed.ts).
 *
 * `get(key, load)` first syncs the feed: every change acknowledged before the call has then been
 * applied, so an entry still present is as new as the database was when the read began. A miss
 * loads, and stores the result only if no invalidation at all happened while it loaded (a write
 * that committed during the load may or may not be in its result). When the feed cannot sync, the
 * read goes to the database and nothing is stored.
 *
 * Entries are weighed (by default 1 each); once the total passes `maxWeight` the entries stored
 * longest ago are dropped. An entry heavier than `maxWeight` is served but not kept; `maxWeight` 0
 * keeps nothing.
 */
import type { Change, ChangeFeed } from "./change-feed.js";

export interface CoherentCacheOptions<V> {
  /** Most total weight kept. */
  maxWeight: number;
  /** An entry's weight; default 1. */
  weigh?: (value: V) => number;
  /** The keys a change invalidates: a list, or "all". Changes that concern other caches return []. */
  affected: (change: Change) => readonly string[] | "all";
}

export class CoherentCache<V> {
  private readonly entries = new Map<string, { value: V; weight: number }>();
  private weight = 0;
  /** Moves on every invalidation; a load that saw it move does not store its result. */
  private clock = 0;
  private readonly unsubscribe: () => void;
  private readonly weigh: (value: V) => number;
  /** Reads answered from memory, and reads that went to the database (misses and unsynced reads). */
  readonly stats = { hits: 0, misses: 0 };

  constructor(
    private readonly feed: ChangeFeed,
    private readonly options: CoherentCacheOptions<V>,
  ) {
    this.weigh = options.weigh ?? (() => 1);
    this.unsubscribe = feed.subscribe((change) => {
      const keys = options.affected(change);
      if (keys === "all") this.clear();
      else for (const key of keys) this.invalidate(key);
    });
  }

  /** The entry, or `load()`'s result (stored if nothing changed meanwhile); `session`: see ChangeFeed.sync. */
  async get(key: string, load: () => Promise<V>, session?: object): Promise<V> {
    if (this.options.maxWeight <= 0 || !(await this.feed.sync(session))) {
      this.stats.misses++;
      return load();
    }
    const hit = this.entries.get(key);
    if (hit !== undefined) {
      this.stats.hits++;
      return hit.value;
    }
    this.stats.misses++;
    const clock = this.clock;
    const value = await load();
    if (this.clock === clock) this.store(key, value);
    return value;
  }

  /** The entry, if one is cached and the feed vouches for it; never loads. */
  async peek(key: string, session?: object): Promise<V | undefined> {
    if (this.entries.size === 0 || !(await this.feed.sync(session))) return undefined;
    return this.entries.get(key)?.value;
  }

  /** Drops one entry (a write of this process, before the feed reports it). */
  invalidate(key: string): void {
    this.clock++;
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.weight -= entry.weight;
  }

  clear(): void {
    this.clock++;
    this.entries.clear();
    this.weight = 0;
  }

  get size(): number {
    return this.entries.size;
  }

  /** Stops listening to the feed. */
  close(): void {
    this.unsubscribe();
    this.clear();
  }

  private store(key: string, value: V): void {
    const weight = this.weigh(value);
    if (weight > this.options.maxWeight) return;
    const previous = this.entries.get(key);
    if (previous) {
      this.entries.delete(key);
      this.weight -= previous.weight;
    }
    this.entries.set(key, { value, weight });
    this.weight += weight;
    for (const [oldest, entry] of this.entries) {
      if (this.weight <= this.options.maxWeight) break;
      this.entries.delete(oldest);
      this.weight -= entry.weight;
    }
  }
}
