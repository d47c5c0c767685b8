/**
 * The two ChangeFeed implementations (change-feed.ts says what they promise and why it holds).
 */
import Sqlite from "better-sqlite3";
import pg from "pg";
import { keySetChangeOf, type KeySetChange } from "../../domain/changes.js";
import {
  CHANGE_CHANNEL,
  decodeChange,
  KEY_EVENT_CHANNEL,
  SessionSyncs,
  type Change,
  type ChangeFeed,
} from "./change-feed.js";
import { databaseTimeouts, type Database, type DatabaseTimeouts } from "../db/database.js";
import { sqliteFilePath } from "../db/url.js";

export interface ChangeFeedOptions {
  /** Told when the Postgres listener loses its connection or fails to reconnect (for the log). */
  onError?: (error: Error) => void;
  /** Told when the Postgres listener is connected again after a loss. */
  onReconnected?: () => void;
  /** First delay before reconnecting, doubled per failure up to 5 s. */
  reconnectMs?: number;
  /** SQLite: how often the feed looks for changes while anyone listens for key-set changes (default DEFAULT_POLL_MS). */
  pollMs?: number;
  /** SQLite: told when the feed fell so far behind that key-set changes were dropped before it read them. */
  onKeySetChangesMissed?: () => void;
}

/** SQLite: how often a listened-to feed looks for changes; PRAGMA data_version costs a few µs. */
export const DEFAULT_POLL_MS = 50;

/** How long the Postgres feed may go without a query answered before it checks on its connection. */
const HEARTBEAT_MS = 5000;

/** How the feed's LISTEN connection shows in pg_stat_activity. */
export const FEED_APPLICATION_NAME = "jwk-gateway change feed";

export async function openChangeFeed(
  database: Database,
  url: string,
  options: ChangeFeedOptions = {},
): Promise<ChangeFeed> {
  return database.provider === "postgres"
    ? PostgresChangeFeed.open(url, database.timeouts, options)
    : new SqliteChangeFeed(sqliteFilePath(url), database.timeouts.sqliteBusyMs, options);
}

class Subscribers<T = Change> {
  private readonly listeners = new Set<(change: T) => void>();

  add(listener: (change: T) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  tell(change: T): void {
    for (const listener of this.listeners) listener(change);
  }

  get size(): number {
    return this.listeners.size;
  }
}

/**
 * SQLite: `PRAGMA data_version` on a read-only connection of its own. It moves whenever another
 * connection commits, this process's Prisma connection included; then the change counters say
 * whether keys or tokens changed (triggers move them in the writing transaction), so that the
 * commits of audit records and of the key pool empty no cache.
 *
 * Key-set changes for subscribers are the rows of key_set_event (persistence/keys/change-events.ts)
 * newer than the last one read. Nobody asks this feed to sync when nothing is read, so while anyone
 * listens it syncs by itself every `pollMs`.
 */
export class SqliteChangeFeed implements ChangeFeed {
  private readonly subscribers = new Subscribers();
  private readonly keySetListeners = new Subscribers<KeySetChange>();
  private readonly connection: Sqlite.Database;
  private readonly version: Sqlite.Statement<[], { data_version: number }>;
  private readonly counters: Sqlite.Statement<[], { name: string; value: number }>;
  private readonly newEvents: Sqlite.Statement<[number], EventRow>;
  private readonly lastEvent: Sqlite.Statement<[], { seq: number | null }>;
  private seen: number;
  private seenCounters: Map<string, number>;
  /** The seq of the last key_set_event row told to listeners (or skipped while nobody listened). */
  private eventSeq = 0;
  private poll: NodeJS.Timeout | undefined;
  private closed = false;

  /** `busyMs`: how long a read waits for a lock (only another process's exclusive locking mode takes one a reader meets); then the sync answers false. */
  constructor(
    file: string,
    busyMs = databaseTimeouts().sqliteBusyMs,
    private readonly options: Pick<ChangeFeedOptions, "pollMs" | "onKeySetChangesMissed"> = {},
  ) {
    this.connection = new Sqlite(file, { readonly: true, fileMustExist: true, timeout: busyMs });
    this.version = this.connection.prepare("PRAGMA data_version");
    this.counters = this.connection.prepare('SELECT "name", "value" FROM "change_counter"');
    this.newEvents = this.connection.prepare(
      `SELECT "seq", "set", "kind", "kids", "at" FROM "key_set_event" WHERE "seq" > ? ORDER BY "seq" LIMIT ${EVENT_BATCH}`,
    );
    this.lastEvent = this.connection.prepare('SELECT max("seq") AS "seq" FROM "key_set_event"');
    this.seen = this.read();
    this.seenCounters = this.readCounters();
  }

  listen(listener: (change: KeySetChange) => void): () => void {
    if (this.keySetListeners.size === 0 && !this.closed) {
      // Only what is committed from now on: rows written while nobody listened are not news.
      this.eventSeq = this.lastEvent.get()?.seq ?? 0;
      this.poll = setInterval(() => void this.syncNow(), this.options.pollMs ?? DEFAULT_POLL_MS);
      this.poll.unref();
    }
    const remove = this.keySetListeners.add(listener);
    return () => {
      remove();
      if (this.keySetListeners.size === 0) clearInterval(this.poll);
    };
  }

  private readonly sessions = new SessionSyncs(() => this.syncNow());

  sync(session?: object): Promise<boolean> {
    return this.sessions.sync(session);
  }

  private async syncNow(): Promise<boolean> {
    if (this.closed) return false;
    try {
      const now = this.read();
      if (now !== this.seen) {
        this.seen = now;
        const counters = this.readCounters();
        const moved = (name: string) => counters.get(name) !== this.seenCounters.get(name);
        const keys = moved("keys");
        const tokens = moved("tokens");
        this.seenCounters = counters;
        if (keys) this.subscribers.tell({ kind: "key-sets" });
        if (tokens) this.subscribers.tell({ kind: "tokens" });
        if (keys && this.keySetListeners.size > 0) this.tellKeySetChanges();
      }
      return true;
    } catch {
      return false;
    }
  }

  subscribe(listener: (change: Change) => void): () => void {
    return this.subscribers.add(listener);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.poll);
    this.connection.close();
  }

  /** Tells the key_set_event rows written since the last ones told. */
  private tellKeySetChanges(): void {
    for (;;) {
      const rows = this.newEvents.all(this.eventSeq);
      if (rows.length === 0) return;
      // Rows are numbered without gaps (one writer at a time); a gap is rows pruned before they were read.
      if (rows[0].seq !== this.eventSeq + 1) this.options.onKeySetChangesMissed?.();
      for (const row of rows) {
        this.eventSeq = row.seq;
        const change = keySetChangeOf({ ...row, kids: parseKids(row.kids) });
        if (change) this.keySetListeners.tell(change);
      }
      if (rows.length < EVENT_BATCH) return;
    }
  }

  private read(): number {
    return this.version.get()!.data_version;
  }

  private readCounters(): Map<string, number> {
    return new Map(this.counters.all().map((row) => [row.name, row.value]));
  }
}

/**
 * Postgres: LISTEN on one dedicated connection. `sync()` sends `SELECT 1` on it and resolves when the
 * answer arrives; the server writes the notifications of every transaction committed before it read
 * that query ahead of the answer, and pg emits each as it parses it, so they have been told by then.
 * Calls that arrive while a sync query is on the wire wait for the next one (the one on the wire may
 * have been read by the server before their write committed); at most one query is on the wire.
 *
 * Bounded (README, "Timeouts and outages"): a sync not answered within `feedSyncMs` answers false
 * (the caches are bypassed; the read goes to the database, which fails fast on its own), and a
 * connection whose query stays unanswered that long counts as lost: closed, caches emptied,
 * reconnected with backoff. A dropped-packets partition sends no reset, so without this the feed
 * would wait for TCP to give up. While idle, a heartbeat query every HEARTBEAT_MS finds such a
 * partition too, so that the public JWKS document stops being served from memory.
 */
export class PostgresChangeFeed implements ChangeFeed {
  private readonly subscribers = new Subscribers();
  private readonly keySetListeners = new Subscribers<KeySetChange>();
  private client: pg.Client | undefined;
  private connected = false;
  private closed = false;
  /** Callers waiting for the next sync query. */
  private waiting: ((fresh: boolean) => void)[] = [];
  /** When the sync query on the wire was sent; undefined when none is. */
  private inFlightSince: number | undefined;
  /** When the connection last answered a query (or connected). */
  private lastAnswer = 0;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private readonly heartbeat: NodeJS.Timeout;
  private failures = 0;

  private constructor(
    private readonly url: string,
    private readonly timeouts: DatabaseTimeouts,
    private readonly options: ChangeFeedOptions,
  ) {
    this.heartbeat = setInterval(() => {
      if (this.connected && this.inFlightSince === undefined && Date.now() - this.lastAnswer >= HEARTBEAT_MS)
        void this.syncNow();
    }, HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  static async open(url: string, timeouts: DatabaseTimeouts, options: ChangeFeedOptions): Promise<PostgresChangeFeed> {
    const feed = new PostgresChangeFeed(url, timeouts, options);
    try {
      await feed.connect();
    } catch (error) {
      clearInterval(feed.heartbeat);
      throw error;
    }
    return feed;
  }

  private readonly sessions = new SessionSyncs(() => this.syncNow());

  sync(session?: object): Promise<boolean> {
    return this.sessions.sync(session);
  }

  private syncNow(): Promise<boolean> {
    if (!this.connected || this.closed) return Promise.resolve(false);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), this.timeouts.feedSyncMs); // a no-op when the answer came first
      this.waiting.push((fresh) => {
        clearTimeout(timer);
        resolve(fresh);
      });
      this.pump();
    });
  }

  subscribe(listener: (change: Change) => void): () => void {
    return this.subscribers.add(listener);
  }

  listen(listener: (change: KeySetChange) => void): () => void {
    return this.keySetListeners.add(listener);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    clearInterval(this.heartbeat);
    this.settleWaiting(false);
    const client = this.client;
    this.client = undefined;
    this.connected = false;
    await client?.end().catch(() => {});
  }

  private pump(): void {
    const client = this.client;
    if (this.inFlightSince !== undefined || this.waiting.length === 0 || !client) return;
    const batch = this.waiting;
    this.waiting = [];
    const sentAt = (this.inFlightSince = Date.now());
    // Unanswered for feedSyncMs: the connection cannot vouch for anything any more.
    const stalled = setTimeout(() => {
      if (this.client === client && this.inFlightSince === sentAt) {
        this.lost(
          client,
          new Error(`the change feed's Postgres connection did not answer within ${this.timeouts.feedSyncMs} ms`),
        );
      }
    }, this.timeouts.feedSyncMs);
    const settle = (answered: boolean) => {
      clearTimeout(stalled);
      // A connection lost meanwhile may have dropped notifications: only the live one vouches.
      const live = this.client === client && this.connected;
      for (const resolve of batch) resolve(answered && live);
      if (this.client !== client) return; // a new connection has its own query state
      this.inFlightSince = undefined;
      if (answered) this.lastAnswer = Date.now();
      this.pump();
    };
    client.query("SELECT 1").then(
      () => settle(true),
      () => settle(false),
    );
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({
      connectionString: this.url,
      application_name: FEED_APPLICATION_NAME,
      connectionTimeoutMillis: this.timeouts.callMs,
      // Bounds LISTEN on a connection that went silent right after connecting (syncs are bounded above).
      query_timeout: this.timeouts.callMs,
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
    });
    client.on("notification", (message) => {
      if (message.channel === CHANGE_CHANNEL) this.subscribers.tell(decodeChange(message.payload));
      else if (message.channel === KEY_EVENT_CHANNEL && this.keySetListeners.size > 0) {
        const change = decodeKeySetChange(message.payload);
        if (change) this.keySetListeners.tell(change);
      }
    });
    client.on("error", (error) => this.lost(client, error));
    client.on("end", () => this.lost(client, new Error("the change feed's Postgres connection ended")));
    await client.connect();
    try {
      await client.query(`LISTEN ${CHANGE_CHANNEL}; LISTEN ${KEY_EVENT_CHANNEL}`);
    } catch (error) {
      await client.end().catch(() => {});
      throw error;
    }
    if (this.closed) {
      await client.end().catch(() => {});
      return;
    }
    this.client = client;
    this.connected = true;
    this.inFlightSince = undefined;
    this.lastAnswer = Date.now();
    this.failures = 0;
  }

  /** The connection is gone: nothing cached can be vouched for any more, so caches empty and reads go to the database until it is back. */
  private lost(client: pg.Client, error: Error): void {
    if (this.client !== client) return;
    this.client = undefined;
    this.connected = false;
    this.inFlightSince = undefined;
    this.settleWaiting(false);
    this.subscribers.tell({ kind: "everything" });
    // With a query unanswered, end() destroys the socket rather than wait for the server to say goodbye.
    client.end().catch(() => {});
    if (this.closed) return;
    this.options.onError?.(error);
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    const delay = Math.min(5000, (this.options.reconnectMs ?? 100) * 2 ** this.failures);
    this.reconnectTimer = setTimeout(() => {
      this.connect().then(
        () => {
          if (this.closed) return;
          // Changes made while disconnected were not heard.
          this.subscribers.tell({ kind: "everything" });
          this.options.onReconnected?.();
        },
        (error: Error) => {
          this.failures++;
          this.options.onError?.(error);
          if (!this.closed) this.scheduleReconnect();
        },
      );
    }, delay);
    this.reconnectTimer.unref();
  }

  private settleWaiting(fresh: boolean): void {
    const waiting = this.waiting;
    this.waiting = [];
    for (const resolve of waiting) resolve(fresh);
  }
}

/** SQLite: key_set_event rows read per query. */
const EVENT_BATCH = 500;

interface EventRow {
  seq: number;
  set: string;
  kind: string;
  kids: string;
  at: string;
}

function parseKids(kids: string): unknown {
  try {
    return JSON.parse(kids);
  } catch {
    return undefined;
  }
}

/** A KEY_EVENT_CHANNEL payload (persistence/keys/change-events.ts), or undefined when it is not one this gateway knows. */
export function decodeKeySetChange(payload: string | undefined): KeySetChange | undefined {
  try {
    const value: unknown = JSON.parse(payload ?? "");
    return typeof value === "object" && value !== null ? keySetChangeOf(value) : undefined;
  } catch {
    return undefined;
  }
}
