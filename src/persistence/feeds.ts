/**
 * The two ChangeFeed implementations (change-feed.ts says what they promise and why it holds).
 */
import Sqlite from "better-sqlite3";
import pg from "pg";
import { CHANGE_CHANNEL, decodeChange, SessionSyncs, type Change, type ChangeFeed } from "./change-feed.js";
import type { Database } from "./database.js";
import { sqliteFilePath } from "./migrate.js";

export interface ChangeFeedOptions {
  /** Told when the Postgres listener loses its connection or fails to reconnect (for the log). */
  onError?: (error: Error) => void;
  /** Told when the Postgres listener is connected again after a loss. */
  onReconnected?: () => void;
  /** First delay before reconnecting, doubled per failure up to 5 s. */
  reconnectMs?: number;
}

/** How the feed's LISTEN connection shows in pg_stat_activity. */
export const FEED_APPLICATION_NAME = "jwk-gateway change feed";

export async function openChangeFeed(database: Database, url: string, options: ChangeFeedOptions = {}): Promise<ChangeFeed> {
  return database.provider === "postgres" ? PostgresChangeFeed.open(url, options) : new SqliteChangeFeed(sqliteFilePath(url));
}

class Subscribers {
  private readonly listeners = new Set<(change: Change) => void>();

  add(listener: (change: Change) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  tell(change: Change): void {
    for (const listener of this.listeners) listener(change);
  }
}

/**
 * SQLite: `PRAGMA data_version` on a read-only connection of its own. It moves whenever another
 * connection commits, this process's Prisma connection included; then the change counters say
 * whether keys or tokens changed (triggers move them in the writing transaction), so that the
 * commits of audit records and of the key pool empty no cache.
 */
export class SqliteChangeFeed implements ChangeFeed {
  private readonly subscribers = new Subscribers();
  private readonly connection: Sqlite.Database;
  private readonly version: Sqlite.Statement<[], { data_version: number }>;
  private readonly counters: Sqlite.Statement<[], { name: string; value: number }>;
  private seen: number;
  private seenCounters: Map<string, number>;
  private closed = false;

  constructor(file: string) {
    this.connection = new Sqlite(file, { readonly: true, fileMustExist: true });
    this.version = this.connection.prepare("PRAGMA data_version");
    this.counters = this.connection.prepare('SELECT "name", "value" FROM "change_counter"');
    this.seen = this.read();
    this.seenCounters = this.readCounters();
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
    this.connection.close();
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
 */
export class PostgresChangeFeed implements ChangeFeed {
  private readonly subscribers = new Subscribers();
  private client: pg.Client | undefined;
  private connected = false;
  private closed = false;
  /** Callers waiting for the next sync query. */
  private waiting: ((fresh: boolean) => void)[] = [];
  private inFlight = false;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private failures = 0;

  private constructor(
    private readonly url: string,
    private readonly options: ChangeFeedOptions,
  ) {}

  static async open(url: string, options: ChangeFeedOptions): Promise<PostgresChangeFeed> {
    const feed = new PostgresChangeFeed(url, options);
    await feed.connect();
    return feed;
  }

  private readonly sessions = new SessionSyncs(() => this.syncNow());

  sync(session?: object): Promise<boolean> {
    return this.sessions.sync(session);
  }

  private syncNow(): Promise<boolean> {
    if (!this.connected || this.closed) return Promise.resolve(false);
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.pump();
    });
  }

  subscribe(listener: (change: Change) => void): () => void {
    return this.subscribers.add(listener);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    this.settleWaiting(false);
    const client = this.client;
    this.client = undefined;
    this.connected = false;
    await client?.end().catch(() => {});
  }

  private pump(): void {
    if (this.inFlight || this.waiting.length === 0 || !this.client) return;
    const batch = this.waiting;
    this.waiting = [];
    this.inFlight = true;
    this.client.query("SELECT 1").then(
      () => {
        this.inFlight = false;
        // A connection lost meanwhile may have dropped notifications: only a live one vouches.
        for (const resolve of batch) resolve(this.connected);
        this.pump();
      },
      () => {
        this.inFlight = false;
        for (const resolve of batch) resolve(false);
        this.pump();
      },
    );
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url, connectionTimeoutMillis: 5000, application_name: FEED_APPLICATION_NAME });
    client.on("notification", (message) => {
      if (message.channel === CHANGE_CHANNEL) this.subscribers.tell(decodeChange(message.payload));
    });
    client.on("error", (error) => this.lost(client, error));
    client.on("end", () => this.lost(client, new Error("the change feed's Postgres connection ended")));
    await client.connect();
    try {
      await client.query(`LISTEN ${CHANGE_CHANNEL}`);
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
    this.failures = 0;
  }

  /** The connection is gone: nothing cached can be vouched for any more, so caches empty and reads go to the database until it is back. */
  private lost(client: pg.Client, error: Error): void {
    if (this.client !== client) return;
    this.client = undefined;
    this.connected = false;
    this.inFlight = false;
    this.settleWaiting(false);
    this.subscribers.tell({ kind: "everything" });
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
