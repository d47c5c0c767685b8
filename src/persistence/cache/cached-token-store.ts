/**
 * A TokenStore that answers token lookups from memory: the decorator in front of PrismaTokenStore
 * that the Authenticator reads (README, "Access control").
 *
 * - `findById` caches the stored row (hash, scopes, expiry, revocation), never a verdict: the
 *   Authenticator still compares the secret's hash and checks expiry against its clock on every
 *   request, so an expiry takes effect to the millisecond.
 * - The rows live in a CoherentCache on the ChangeFeed, emptied by every `tokens` change (a token
 *   was created, revoked or removed, by any process on the database: PrismaTokenStore notifies on
 *   Postgres, SQLite's feed sees every commit) and every `everything` change. A row is served only
 *   after the feed has synced, so a request that starts after a revocation was acknowledged, by this
 *   process or by `npm run token -- revoke` anywhere, reads the revoked row: it is refused.
 * - Unknown ids are not cached (a miss reads the database each time, as before): caching them would
 *   be safe, since a creation empties the cache, but would let anyone push real tokens out of it with
 *   random ids.
 * - `hasActiveTokens` (open mode's check) keeps a "no token is active" answer until the next tokens
 *   change: that answer can only become wrong through a write (tokens expire, they never start), and
 *   it is used only for instants at or after the one it was read for. A "yes" is never kept.
 * - This process's own writes empty the cache as soon as they return, before the feed reports them.
 */
import type { StoredToken, TokenStore } from "../../auth/tokens.js";
import type { Change, ChangeFeed } from "./change-feed.js";
import { CoherentCache } from "./coherent-cache.js";

/** Default bound of the token cache, in tokens. */
export const DEFAULT_TOKEN_CACHE_MAX_ENTRIES = 10_000;

export interface CachedTokenStoreOptions {
  /** Most token rows kept; 0 turns the cache off. */
  maxEntries?: number;
}

/** The changes that concern tokens. */
const tokensChanged = (change: Change): "all" | [] =>
  change.kind === "tokens" || change.kind === "everything" ? "all" : [];

const NONE_ACTIVE = "none-active";

export class CachedTokenStore implements TokenStore {
  /** Token id → its row; `undefined` (unknown id) is loaded but never kept. */
  private readonly rows: CoherentCache<StoredToken | undefined>;
  /** One entry at most: "no token was active at `at`" (a `true` answer is never kept). */
  private readonly openMode: CoherentCache<{ active: boolean; at: number }>;

  constructor(
    private readonly inner: TokenStore,
    feed: ChangeFeed,
    options: CachedTokenStoreOptions = {},
  ) {
    const maxEntries = options.maxEntries ?? DEFAULT_TOKEN_CACHE_MAX_ENTRIES;
    this.rows = new CoherentCache<StoredToken | undefined>(feed, {
      maxWeight: maxEntries,
      weigh: (row) => (row ? 1 : Number.POSITIVE_INFINITY),
      affected: tokensChanged,
    });
    this.openMode = new CoherentCache<{ active: boolean; at: number }>(feed, {
      maxWeight: maxEntries > 0 ? 1 : 0,
      weigh: (answer) => (answer.active ? Number.POSITIVE_INFINITY : 1),
      affected: tokensChanged,
    });
  }

  findById(id: string, session?: object): Promise<StoredToken | undefined> {
    // Frozen: the one row is shared by every request that presents the token.
    return this.rows.get(
      id,
      async () => {
        const row = await this.inner.findById(id);
        return row && Object.freeze({ ...row, scopes: Object.freeze([...row.scopes]) as StoredToken["scopes"] });
      },
      session,
    );
  }

  async hasActiveTokens(now: Date): Promise<boolean> {
    const at = now.getTime();
    const answer = await this.openMode.get(NONE_ACTIVE, async () => ({
      active: await this.inner.hasActiveTokens(now),
      at,
    }));
    if (answer.active) return true;
    // "None active at answer.at" says nothing about an earlier instant (a token may have expired since).
    return at >= answer.at ? false : this.inner.hasActiveTokens(now);
  }

  async insert(token: StoredToken): Promise<void> {
    try {
      await this.inner.insert(token);
    } finally {
      this.forget();
    }
  }

  async revoke(idOrName: string, at: Date): Promise<StoredToken | undefined> {
    try {
      return await this.inner.revoke(idOrName, at);
    } finally {
      this.forget();
    }
  }

  list(): Promise<StoredToken[]> {
    return this.inner.list();
  }

  /** Stops listening to the feed and drops every entry. */
  close(): void {
    this.rows.close();
    this.openMode.close();
  }

  /** A write of this process (done or failed: a failure may still have committed) empties the cache at once. */
  private forget(): void {
    this.rows.clear();
    this.openMode.clear();
  }
}
