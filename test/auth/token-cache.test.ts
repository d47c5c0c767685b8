/**
 * The token cache (src/persistence/cache/cached-token-store.ts) on every store, with the real change feed
 * (src/persistence/cache/feeds.ts): a repeated request does not read the token from the database, yet a
 * revocation acknowledged by any client of the database (this store, another connection, the
 * `npm run token` command) is refused on the very next request, and a token created later works at
 * once. Database reads are counted by a spy on the Prisma store behind the cache, not by timing.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Authenticator, type RejectionReason } from "../../src/auth/authenticator.js";
import { hashSecret, issueToken, type StoredToken, type TokenStore } from "../../src/auth/tokens.js";
import type { ChangeFeed } from "../../src/persistence/cache/change-feed.js";
import { CachedTokenStore } from "../../src/persistence/cache/cached-token-store.js";
import { openDatabase, type Database } from "../../src/persistence/db/database.js";
import { openChangeFeed } from "../../src/persistence/cache/feeds.js";
import { migrate } from "../../src/persistence/db/migrate.js";
import { PrismaTokenStore } from "../../src/persistence/tokens/token-store.js";
import { runToken } from "../../src/cli/token.js";
import { freshDatabase, providers, type FreshDatabase } from "../support/databases.js";
import { TEST_SECRET } from "../support/keyring.js";

/** The store, with its database reads counted. */
function counting(inner: TokenStore) {
  const reads = { findById: 0, hasActiveTokens: 0 };
  const store: TokenStore = {
    insert: (token) => inner.insert(token),
    findById: (id) => (reads.findById++, inner.findById(id)),
    list: () => inner.list(),
    revoke: (idOrName, at) => inner.revoke(idOrName, at),
    hasActiveTokens: (now) => (reads.hasActiveTokens++, inner.hasActiveTokens(now)),
  };
  return { store, reads };
}

let counter = 0;
const uniqueName = (prefix: string) => `${prefix}-${++counter}`;

describe.each(await providers())("token cache on %s", (provider) => {
  let fresh: FreshDatabase;
  /** The gateway's connection, and another client of the same database (another process). */
  let gatewayDb: Database;
  let otherDb: Database;
  let feed: ChangeFeed;
  let reads: { findById: number; hasActiveTokens: number };
  let cached: CachedTokenStore;
  let other: PrismaTokenStore;
  let now = Date.now();
  const rejections: RejectionReason[] = [];
  let authenticator: Authenticator;

  beforeAll(async () => {
    fresh = await freshDatabase(provider);
    await migrate("deploy", { provider, url: fresh.url });
    gatewayDb = await openDatabase(fresh.url);
    otherDb = await openDatabase(fresh.url);
    feed = await openChangeFeed(gatewayDb, fresh.url);
    const spy = counting(new PrismaTokenStore(gatewayDb));
    reads = spy.reads;
    cached = new CachedTokenStore(spy.store, feed);
    other = new PrismaTokenStore(otherDb);
    authenticator = new Authenticator({
      store: cached,
      openAccessAllowed: false,
      now: () => new Date(now),
      onRejected: (reason) => rejections.push(reason),
    });
  });
  afterAll(async () => {
    cached?.close();
    await feed?.close();
    await gatewayDb?.close();
    await otherDb?.close();
    await fresh?.cleanup();
  });

  const present = (token: string) => authenticator.authenticate(`Bearer ${token}`);
  const lastRejection = () => rejections.at(-1);

  it("open mode's 'no token is active' is kept until a token is created, by any client", async () => {
    const at = new Date(now);
    expect(await cached.hasActiveTokens(at)).toBe(false);
    expect(await cached.hasActiveTokens(new Date(now + 1_000))).toBe(false);
    expect(reads.hasActiveTokens).toBe(1);
    // An earlier instant is asked of the database: a token may have expired in between.
    expect(await cached.hasActiveTokens(new Date(now - 1_000))).toBe(false);
    expect(reads.hasActiveTokens).toBe(2);
    await issueToken(other, { name: uniqueName("first"), scopes: ["keys:read"] }, at);
    expect(await cached.hasActiveTokens(at)).toBe(true);
    expect(await cached.hasActiveTokens(at)).toBe(true);
    expect(reads.hasActiveTokens).toBe(4); // "yes" is never kept
  });

  it("a repeated request reads the token from memory: one database read for many requests", async () => {
    const { token, record } = await issueToken(
      other,
      { name: uniqueName("reader"), scopes: ["keys:read"] },
      new Date(now),
    );
    const before = reads.findById;
    for (let i = 0; i < 5; i++) expect((await present(token)).actor).toBe(record.id);
    expect(reads.findById - before).toBe(1);
  });

  it("the secret and the expiry are checked on every request against the cached row: expiry to the millisecond", async () => {
    const { token, record } = await issueToken(
      other,
      { name: uniqueName("expiring"), scopes: ["keys:read"], expiresInMs: 1_000 },
      new Date(now),
    );
    const before = reads.findById;
    expect((await present(token)).authenticated).toBe(true);
    const wrong = token.slice(0, -1) + (token.endsWith("A") ? "B" : "A");
    expect((await present(wrong)).authenticated).toBe(false);
    expect(lastRejection()).toBe("wrong-secret");
    now += 999;
    expect((await present(token)).actor).toBe(record.id);
    now += 1;
    expect((await present(token)).authenticated).toBe(false);
    expect(lastRejection()).toBe("expired");
    expect(reads.findById - before).toBe(1);
  });

  it("a revocation by another database client is refused on the very next request", async () => {
    const { token, record } = await issueToken(
      other,
      { name: uniqueName("other-revoked"), scopes: ["keys:read"] },
      new Date(now),
    );
    expect((await present(token)).authenticated).toBe(true);
    expect((await present(token)).authenticated).toBe(true); // cached now
    await other.revoke(record.id, new Date(now));
    expect((await present(token)).authenticated).toBe(false);
    expect(lastRejection()).toBe("revoked");
    expect((await present(token)).authenticated).toBe(false);
  });

  it("a revocation by npm run token -- revoke (its own connection) is refused on the very next request", async () => {
    const { token, record } = await issueToken(
      other,
      { name: uniqueName("cli-revoked"), scopes: ["keys:read"] },
      new Date(now),
    );
    expect((await present(token)).authenticated).toBe(true);
    expect((await present(token)).authenticated).toBe(true);
    const err: string[] = [];
    const code = await runToken(
      ["revoke", record.name],
      { DATABASE_URL: fresh.url, SECRETS_SYSTEM: TEST_SECRET },
      { out: () => {}, err: (line) => err.push(line) },
    );
    expect(code, err.join("\n")).toBe(0);
    expect((await present(token)).authenticated).toBe(false);
    expect(lastRejection()).toBe("revoked");
  });

  it("a revocation through the cached store itself is refused on the very next request", async () => {
    const { token, record } = await issueToken(
      cached,
      { name: uniqueName("self-revoked"), scopes: ["keys:read"] },
      new Date(now),
    );
    expect((await present(token)).authenticated).toBe(true);
    expect((await present(token)).authenticated).toBe(true);
    await cached.revoke(record.id, new Date(now));
    expect((await present(token)).authenticated).toBe(false);
    expect(lastRejection()).toBe("revoked");
  });

  it("a token created after its id was refused as unknown works at once (unknown ids are not cached)", async () => {
    const id = randomBytes(8).toString("hex");
    const secret = randomBytes(32).toString("base64url");
    const token = `jwkgw_${id}_${secret}`;
    const before = reads.findById;
    expect((await present(token)).authenticated).toBe(false);
    expect(lastRejection()).toBe("unknown");
    expect((await present(token)).authenticated).toBe(false);
    expect(reads.findById - before).toBe(2);
    const row: StoredToken = {
      id,
      name: uniqueName("late"),
      secretHash: hashSecret(secret),
      scopes: ["keys:write"],
      createdAt: new Date(now),
    };
    await other.insert(row);
    const principal = await present(token);
    expect(principal).toMatchObject({ actor: id, authenticated: true });
    expect([...principal.scopes]).toEqual(["keys:write"]);
  });

  it("a write by another client empties the cache before the next request, even one that concerns another token", async () => {
    const { token } = await issueToken(other, { name: uniqueName("kept"), scopes: ["keys:read"] }, new Date(now));
    await present(token);
    const before = reads.findById;
    await present(token);
    expect(reads.findById - before).toBe(0);
    await issueToken(other, { name: uniqueName("unrelated"), scopes: ["keys:read"] }, new Date(now));
    await present(token);
    expect(reads.findById - before).toBe(1);
  });
});
