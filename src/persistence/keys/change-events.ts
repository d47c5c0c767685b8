/**
 * The statements that announce a key-set change (domain/changes.ts), for the key repository to put
 * into each write's own batch transaction: the change is announced if and only if the write commits,
 * whoever the writer is (this gateway, another one, a CLI).
 *
 * - Postgres: `pg_notify(KEY_EVENT_CHANNEL, payload)`, which the server sends at commit to every
 *   gateway's feed connection. A payload is at most 8000 bytes, so the kids of one change are split
 *   into chunks of about CHUNK_BYTES of JSON each, one notification per chunk.
 * - SQLite: a row in key_set_event, which every gateway's feed reads when the database changed
 *   (cache/feeds.ts); each write also drops the rows older than the newest KEY_SET_EVENT_RETENTION.
 *
 * The statements that depend on what the set holds (was the kid there? which kids does a deleted set
 * hold?) read it in the same transaction, before the write's own statements, so they must come first
 * in the batch. On Postgres every key write holds the set's advisory lock, so nothing else changes the
 * set between that read and the write.
 */
import { KEY_EVENT_CHANNEL } from "../cache/change-feed.js";
import type { KeySetChangeKind } from "../../domain/changes.js";
import type { Db } from "../db/database.js";
import { dateTime, insertKeySetEventRows } from "../db/raw-inserts.js";
import type { Provider } from "../db/url.js";
import type { Prisma } from "../../generated/sqlite/client.js";

type Write = Prisma.PrismaPromise<unknown>;

/** SQLite: how many change rows are kept; a feed further behind than this misses changes. */
export const KEY_SET_EVENT_RETENTION = 10_000;

/** Postgres: most JSON bytes of kids per notification (with the set's name and the rest, under 8000). */
export const CHUNK_BYTES = 5000;

const EVENT_TABLE = `"key_set_event"`;
const INSERT_EVENT = `INSERT INTO ${EVENT_TABLE} ("set", "kind", "kids", "at")`;
const KID_EXISTS = `EXISTS (SELECT 1 FROM "json_web_key" WHERE "set" = ? AND "kid" = ?)`;

export class ChangeEvents {
  constructor(
    private readonly db: Db,
    private readonly provider: Provider,
  ) {}

  /** A change whose kids the caller knows (adds, replacements). */
  known(set: string, kind: KeySetChangeKind, kids: readonly string[], at: Date): Write[] {
    if (this.provider === "postgres") {
      return chunks(kids).map((chunk) =>
        this.db.$executeRawUnsafe(`SELECT pg_notify($1, $2)`, KEY_EVENT_CHANNEL, payload(set, kind, chunk, at)),
      );
    }
    return this.sqliteRows([{ set, kind, kids, at }]);
  }

  /** Many additions at once (SQLite's group commit of creates), one change each. */
  added(adds: readonly { set: string; kid: string; at: Date }[]): Write[] {
    if (this.provider === "postgres") return adds.flatMap((add) => this.known(add.set, "KEY_ADDED", [add.kid], add.at));
    return this.sqliteRows(adds.map((add) => ({ set: add.set, kind: "KEY_ADDED", kids: [add.kid], at: add.at })));
  }

  /** An upsert of `kid`: KEY_UPDATED when the set holds it, KEY_ADDED otherwise. Before the write. */
  upserted(set: string, kid: string, at: Date): Write[] {
    if (this.provider === "postgres") {
      return [
        this.db.$executeRawUnsafe(
          `SELECT pg_notify($1, CASE WHEN ${numbered(KID_EXISTS, 2)} THEN $4 ELSE $5 END)`,
          KEY_EVENT_CHANNEL,
          set,
          kid,
          payload(set, "KEY_UPDATED", [kid], at),
          payload(set, "KEY_ADDED", [kid], at),
        ),
      ];
    }
    return [
      this.db.$executeRawUnsafe(
        `${INSERT_EVENT} SELECT ?, CASE WHEN ${KID_EXISTS} THEN 'KEY_UPDATED' ELSE 'KEY_ADDED' END, ?, ?`,
        set,
        set,
        kid,
        JSON.stringify([kid]),
        dateTime("sqlite", at),
      ),
      this.prune(),
    ];
  }

  /** KEY_REMOVED, when the set holds `kid`. Before the delete. */
  removed(set: string, kid: string, at: Date): Write[] {
    if (this.provider === "postgres") {
      return [
        this.db.$executeRawUnsafe(
          `SELECT pg_notify($1, $2) WHERE ${numbered(KID_EXISTS, 3)}`,
          KEY_EVENT_CHANNEL,
          payload(set, "KEY_REMOVED", [kid], at),
          set,
          kid,
        ),
      ];
    }
    return [
      this.db.$executeRawUnsafe(
        `${INSERT_EVENT} SELECT ?, 'KEY_REMOVED', ?, ? WHERE ${KID_EXISTS}`,
        set,
        JSON.stringify([kid]),
        dateTime("sqlite", at),
        set,
        kid,
      ),
      this.prune(),
    ];
  }

  /** SET_DELETED with every kid the set holds, when it holds any. Before the delete. */
  setDeleted(set: string, at: Date): Write[] {
    if (this.provider === "postgres") {
      // Chunks by the running size of the kids' JSON, as chunks() does.
      return [
        this.db.$executeRawUnsafe(
          `SELECT pg_notify($1, json_build_object('set', $2::text, 'kind', 'SET_DELETED', 'kids', json_agg("kid" ORDER BY "seq"), 'at', $3::text)::text)
           FROM (SELECT "kid", "seq", floor(sum(octet_length(to_json("kid")::text) + 1) OVER (ORDER BY "seq") / $4::int) AS "chunk"
                 FROM "json_web_key" WHERE "set" = $2) AS "kids"
           GROUP BY "chunk"`,
          KEY_EVENT_CHANNEL,
          set,
          at.toISOString(),
          CHUNK_BYTES,
        ),
      ];
    }
    return [
      this.db.$executeRawUnsafe(
        `${INSERT_EVENT} SELECT ?, 'SET_DELETED', (SELECT json_group_array("kid") FROM (SELECT "kid" FROM "json_web_key" WHERE "set" = ? ORDER BY "seq")), ?
         WHERE EXISTS (SELECT 1 FROM "json_web_key" WHERE "set" = ?)`,
        set,
        set,
        dateTime("sqlite", at),
        set,
      ),
      this.prune(),
    ];
  }

  private sqliteRows(changes: readonly { set: string; kind: KeySetChangeKind; kids: readonly string[]; at: Date }[]) {
    const insert = insertKeySetEventRows(
      "sqlite",
      changes.map((change) => ({ ...change, kids: JSON.stringify(change.kids) })),
    );
    return [this.db.$executeRawUnsafe(insert.sql, ...insert.args), this.prune()];
  }

  /** Keeps the newest KEY_SET_EVENT_RETENTION rows (a range delete on the primary key). */
  private prune(): Write {
    return this.db.$executeRawUnsafe(
      `DELETE FROM ${EVENT_TABLE} WHERE "seq" <= (SELECT max("seq") FROM ${EVENT_TABLE}) - ${KEY_SET_EVENT_RETENTION}`,
    );
  }
}

/** The notification payload of one change (cache/feeds.ts decodes it). */
function payload(set: string, kind: KeySetChangeKind, kids: readonly string[], at: Date): string {
  return JSON.stringify({ set, kind, kids, at: at.toISOString() });
}

/** Kids split so that each chunk's JSON (with a separator per kid) is about CHUNK_BYTES at most; at least one chunk. */
export function chunks(kids: readonly string[]): string[][] {
  const result: string[][] = [[]];
  let bytes = 0;
  for (const kid of kids) {
    const size = Buffer.byteLength(JSON.stringify(kid)) + 1;
    if (bytes + size > CHUNK_BYTES && result[result.length - 1].length > 0) {
      result.push([]);
      bytes = 0;
    }
    result[result.length - 1].push(kid);
    bytes += size;
  }
  return result;
}

/** SQLite's `?` placeholders as Postgres's `$n`, numbered from `first`. */
function numbered(sql: string, first: number): string {
  let n = first;
  return sql.replace(/\?/g, () => `$${n++}`);
}
