/**
 * What changed in the database, told to the in-memory caches (key sets, tokens) of every gateway
 * process that shares it, so that a cache never answers with data older than a write some process
 * has acknowledged.
 *
 * The promise is "read your acknowledged writes, across processes": a read that starts after a write
 * was acknowledged (by any process on the same database) sees that write; for the reads of one
 * request (a ReadSession), a request that starts after it. A cache keeps it by calling
 * `sync()` at the start of every read and answering from memory only when it resolves `true`:
 * `sync()` resolves once every change committed before the call has been delivered to the
 * subscribers, or `false` when this process cannot tell (the feed is disconnected), in which case the
 * cache must read the database.
 *
 * Implementations:
 * - Postgres: every write transaction runs `pg_notify(CHANGE_CHANNEL, payload)` (notifications are
 *   sent at commit, so before the write is acknowledged); each process LISTENs on one dedicated
 *   connection. `sync()` is a `SELECT 1` on that connection, shared by every read that arrives while
 *   none is on the wire: the server delivers the notifications committed before that query ahead of
 *   its result. While the connection is down every sync answers false and caches are emptied.
 * - SQLite: `PRAGMA data_version` on a connection of its own changes whenever any other connection
 *   (this process's Prisma connection, or another process) commits. `sync()` reads it (a few µs,
 *   synchronous) and, when it moved, reads the change counters that triggers move on every key and
 *   token change (migration 20261127095600_change_counter), and tells subscribers which of the two
 *   changed. Other commits (audit records, the key pool) empty no cache.
 */

import type { KeySetChanges } from "../../domain/changes.js";

/** The Postgres NOTIFY channel every write transaction signals on. */
export const CHANGE_CHANNEL = "jwkgw_changes";

/**
 * The Postgres NOTIFY channel of key-set changes for subscribers (domain/changes.ts): what a write did,
 * announced by the key repository (persistence/keys/change-events.ts). A channel of its own, so that
 * the caches never hear them: they have CHANGE_CHANNEL.
 */
export const KEY_EVENT_CHANNEL = "jwkgw_key_events";

export type Change =
  /** Keys of this set were written (any of the five writes). */
  | { kind: "key-set"; set: string }
  /** Keys of some sets were written (SQLite's feed cannot tell which). */
  | { kind: "key-sets" }
  /** An API token was created, revoked or removed. */
  | { kind: "tokens" }
  /** Anything may have changed (SQLite's data_version moved, or the feed reconnected). */
  | { kind: "everything" };

/**
 * Also the source of key-set changes for subscribers (KeySetChanges, domain/changes.ts): every change
 * another process or this one commits while at least one listener listens, heard on Postgres through
 * KEY_EVENT_CHANNEL, on SQLite by reading key_set_event whenever the database changed (polled while
 * anyone listens). Changes committed while the Postgres feed was disconnected are not heard.
 */
export interface ChangeFeed extends KeySetChanges {
  /**
   * Resolves once every change committed before this call has been delivered to the subscribers;
   * `true` then, or `false` when that cannot be promised right now (caches must not answer).
   * Never rejects. With a `session` (ReadSession: one request's reads), the first call of the
   * session syncs and the others share its answer.
   */
  sync(session?: object): Promise<boolean>;
  /** Calls `listener` for every change, synchronously as it is delivered; returns the unsubscribe. */
  subscribe(listener: (change: Change) => void): () => void;
  close(): Promise<void>;
}

/** The NOTIFY payload for a change (Postgres caps payloads at 8000 bytes; names are ≤ 255 characters). */
export function encodeChange(change: Change): string {
  return JSON.stringify(change);
}

/** The change a NOTIFY payload describes; anything unreadable counts as "everything". */
export function decodeChange(payload: string | undefined): Change {
  try {
    const value = JSON.parse(payload ?? "") as Partial<Change> & { set?: unknown };
    if (value.kind === "key-set" && typeof value.set === "string") return { kind: "key-set", set: value.set };
    if (value.kind === "tokens") return { kind: "tokens" };
    if (value.kind === "key-sets") return { kind: "key-sets" };
  } catch {
    // fall through
  }
  return { kind: "everything" };
}

/** The first sync of each session, shared by the session's other reads (see ChangeFeed.sync). */
export class SessionSyncs {
  private readonly bySession = new WeakMap<object, Promise<boolean>>();

  constructor(private readonly syncNow: () => Promise<boolean>) {}

  sync(session?: object): Promise<boolean> {
    if (session === undefined) return this.syncNow();
    let synced = this.bySession.get(session);
    if (synced === undefined) {
      synced = this.syncNow();
      this.bySession.set(session, synced);
    }
    return synced;
  }
}
