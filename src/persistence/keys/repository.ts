/**
 * The JsonWebKeyRepository on Prisma, for SQLite and PostgreSQL alike (table json_web_key).
 *
 * Order: newest first = ORDER BY createdAt DESC, seq DESC (seq is the insertion sequence).
 *
 * Concurrency:
 * - Multi-row writes are Prisma batch transactions (`$transaction([...])`), never interactive ones.
 * - PostgreSQL: every write that inserts into a set (addKey, upsertKey, replaceKeySet) first takes
 *   `pg_advisory_xact_lock(<namespace>, hashtext(set))` inside its transaction. Under Read Committed a
 *   delete-all/insert-all without it lets two concurrent replacements commit the union of both
 *   lists (test/persistence/keys/repository.contract.test.ts races them). Write conflicts (P2034: 40001/40P01) retry the whole transaction.
 * - SQLite: addKey (every create) is group-committed (db/group-commit.ts): the keys of concurrent
 *   creates are inserted together, in one transaction with their audit records, as the connection
 *   becomes free: one fsync for all, and two statements whatever their number.
 * - SQLite: every call of this repository runs alone, in FIFO order, per client, behind the same
 *   queue as the other stores (db/store-runner.ts says why).
 *
 * Time: every call is bounded (db/store-runner.ts), so a database that stops answering fails calls
 * with UnavailableError instead of hanging them (README, "Timeouts and outages").
 *
 * Errors: a unique violation (P2002 on both providers) becomes ConflictError; an unreachable,
 * refusing or silent database becomes UnavailableError (with the original as `cause`); a row that
 * fails to open becomes KeyIntegrityError (reported to `onIntegrityFailure` first); anything else is
 * passed on unchanged.
 *
 * Key material is sealed by the KeySealer on every write and opened on every read (sealing/codec.ts).
 *
 * Change feed: for the caches, nothing to do here. Triggers announce every change to json_web_key in
 * the writing transaction (pg_notify on Postgres, a change counter on SQLite; migration
 * 20261127095600_change_counter), whoever the writer is (cache/change-feed.ts). For subscribers,
 * every write announces what it did (domain/changes.ts) in its own transaction (change-events.ts),
 * which is why deletes also take the set's advisory lock on Postgres.
 *
 * Audit: every write method takes an optional AuditEntry and inserts it in the write's own batch
 * transaction (audit/audit-log.ts), so the record exists if and only if the write committed.
 */
import { ConflictError, KeyIntegrityError } from "../../errors.js";
import type { Jwk } from "../../domain/jwk.js";
import type { InitialState, JsonWebKeyRepository, LifecycleWrite } from "../../domain/repository.js";
import {
  isKeyState,
  LifecycleConflict,
  sameStates,
  type KeyLifecycle,
  type KeyRecord,
  type LifecycleExpectation,
  type RotationPolicy,
} from "../../domain/lifecycle.js";
import type { AuditEntry } from "../../domain/audit.js";
import { auditRow } from "../audit/audit-row.js";
import { decodeKey, encodeKey, type StoredRow } from "../sealing/codec.js";
import type { KeySealer } from "../sealing/seal.js";
import { GroupCommit, type Pending } from "../db/group-commit.js";
import { ChangeEvents } from "./change-events.js";
import type { KeySetChangeKind } from "../../domain/changes.js";
import { insertAuditRows, insertKeyRows } from "../db/raw-inserts.js";
import type { Prisma } from "../../generated/sqlite/client.js";
import type { Database, Db } from "../db/database.js";
import { isUniqueViolation, prismaCode, storeRunner } from "../db/store-runner.js";
import { quote } from "../../text.js";
import type { KeyState } from "../../domain/lifecycle.js";
import type { KeyPageQuery, KeyPosition, SetPageQuery, SetSummary } from "../../domain/pages.js";
import { KeyListing } from "./listing.js";

/** First key of the two-key advisory lock: "JWKS" as an int4, so our locks never meet other users'. */
export const ADVISORY_LOCK_NAMESPACE = 0x4a574b53;

const LOCK_SQL = `SELECT pg_advisory_xact_lock(${ADVISORY_LOCK_NAMESPACE}, hashtext($1))`;
/** The set's order (domain/lifecycle.ts): the state names sort ACTIVE, NEXT, RETIRED, REVOKED; then newest first. */
const SET_ORDER = [{ state: "asc" }, { createdAt: "desc" }, { seq: "desc" }] as const;
const STORED = {
  set: true,
  kid: true,
  format: true,
  data: true,
  kekId: true,
  state: true,
  createdAt: true,
  activatedAt: true,
  retiredAt: true,
  publishedUntil: true,
  revokedAt: true,
} as const;
const MAX_ATTEMPTS = 3;

type Write = Prisma.PrismaPromise<unknown>;

/** Most keys one SQLite group commit inserts. */
const MAX_ADD_BATCH = 512;

interface PendingAdd {
  set: string;
  kid: string;
  /** Sealed when the key is queued, so the queue's turn is spent on SQL only. */
  row: ReturnType<PrismaJsonWebKeyRepository["row"]>;
  audit?: AuditEntry;
}

export interface RepositoryOptions {
  /** Told about every row that fails to open, before the error reaches the caller (for the log). */
  onIntegrityFailure?: (error: KeyIntegrityError) => void;
}

export class PrismaJsonWebKeyRepository implements JsonWebKeyRepository {
  private readonly db: Db;
  private readonly postgres: boolean;
  private readonly run: <T>(work: () => Promise<T>) => Promise<T>;
  private readonly onIntegrityFailure: (error: KeyIntegrityError) => void;
  /** SQLite: creates waiting for their group commit (addKey). */
  private readonly adds: GroupCommit<PendingAdd>;
  /** What each write announces to subscribers. */
  private readonly events: ChangeEvents;
  /** Pages of sets and keys (listing.ts). */
  private readonly listing: KeyListing;

  constructor(
    database: Database,
    private readonly sealer: KeySealer,
    options: RepositoryOptions = {},
  ) {
    this.db = database.client;
    this.postgres = database.provider === "postgres";
    this.events = new ChangeEvents(this.db, database.provider);
    this.listing = new KeyListing(this.db, this.postgres);
    this.run = storeRunner(database);
    this.onIntegrityFailure = options.onIntegrityFailure ?? (() => {});
    this.adds = new GroupCommit<PendingAdd>({
      run: (work) => this.run(work),
      max: MAX_ADD_BATCH,
      commit: (batch) => this.insertAdds(batch),
      failed: (batch, error) => this.addsFailed(batch, error),
    });
  }

  async getKeySet(set: string): Promise<KeyRecord[]> {
    const rows = await this.run(() =>
      this.db.jsonWebKey.findMany({ where: { set }, orderBy: [...SET_ORDER], select: STORED }),
    );
    // One row that does not open fails the whole set: a set is never served with a key silently missing.
    return rows.map((row) => this.decode(row));
  }

  /**
   * The keys of a set that open, newest first, and the rows that do not, reported to the caller
   * instead of failing the read: for the public JWKS, which one damaged row must not take down for
   * every verifier. Admin reads keep getKeySet's all-or-nothing. Not reported to onIntegrityFailure
   * (the caller says what it did with them).
   */
  async getReadableKeySet(set: string): Promise<{ keys: KeyRecord[]; unreadable: KeyIntegrityError[] }> {
    const rows = await this.run(() =>
      this.db.jsonWebKey.findMany({ where: { set }, orderBy: [...SET_ORDER], select: STORED }),
    );
    const keys: KeyRecord[] = [];
    const unreadable: KeyIntegrityError[] = [];
    for (const row of rows) {
      try {
        keys.push({ key: decodeKey(this.sealer, row), ...lifecycleOf(row) });
      } catch (error) {
        // decodeKey's other errors (an unknown format) are about the row too; their messages never echo `data`.
        unreadable.push(
          error instanceof KeyIntegrityError
            ? error
            : new KeyIntegrityError(row.set, row.kid, error instanceof Error ? error.message : String(error)),
        );
      }
    }
    return { keys, unreadable };
  }

  async getKey(set: string, kid: string): Promise<KeyRecord | undefined> {
    const row = await this.run(() =>
      this.db.jsonWebKey.findUnique({ where: { set_kid: { set, kid } }, select: STORED }),
    );
    return row ? this.decode(row) : undefined;
  }

  addKey(set: string, key: Jwk, audit?: AuditEntry, state: InitialState = "ACTIVE"): Promise<void> {
    const add: PendingAdd = { set, kid: key.kid, row: this.row(set, key, new Date(), state), audit };
    return this.postgres ? this.addAlone(add) : this.adds.add(add);
  }

  async upsertKey(set: string, key: Jwk, audit?: AuditEntry): Promise<void> {
    // Delete then insert (rather than update) so that the key gets a new seq and becomes the newest.
    await this.write(set, () => {
      const now = new Date();
      return [
        ...this.events.upserted(set, key.kid, now),
        this.db.jsonWebKey.deleteMany({ where: { set, kid: key.kid } }),
        this.db.jsonWebKey.create({ data: this.row(set, key, now) }),
        ...this.audited(audit),
      ];
    });
  }

  async replaceKeySet(set: string, keys: readonly Jwk[], audit?: AuditEntry): Promise<void> {
    try {
      await this.write(set, () => {
        // One timestamp for the whole list: the seq tie-break then makes the last key the newest.
        const now = new Date();
        const announced =
          keys.length > 0
            ? this.events.known(
                set,
                "SET_REPLACED",
                keys.map((key) => key.kid),
                now,
              )
            : this.events.setDeleted(set, now);
        const writes: Write[] = [...announced, this.db.jsonWebKey.deleteMany({ where: { set } })];
        if (keys.length > 0)
          writes.push(this.db.jsonWebKey.createMany({ data: keys.map((key) => this.row(set, key, now)) }));
        // An empty list deletes the set, and so its policy.
        else writes.push(this.db.jsonWebKeySetPolicy.deleteMany({ where: { set } }));
        return [...writes, ...this.audited(audit)];
      });
    } catch (error) {
      if (isUniqueViolation(error)) {
        const kid = duplicateKid(keys);
        throw new ConflictError(
          kid === undefined
            ? `The keys for set ${quote(set)} conflict with each other`
            : `The keys for set ${quote(set)} contain the kid ${quote(kid)} more than once`,
        );
      }
      throw error;
    }
  }

  async deleteKey(set: string, kid: string, audit?: AuditEntry): Promise<boolean> {
    return this.remove({ set, kid }, audit);
  }

  async deleteKeySet(set: string, audit?: AuditEntry): Promise<boolean> {
    return this.remove({ set }, audit, [this.db.jsonWebKeySetPolicy.deleteMany({ where: { set } })]);
  }

  /**
   * One interactive transaction: the set's lock (Postgres), the check that the set is as planned,
   * then every change. On SQLite a transaction that meets another process's write lock fails with
   * SQLITE_BUSY and is run again whole by the store runner.
   */
  async changeLifecycle(
    set: string,
    write: LifecycleWrite,
    expect: LifecycleExpectation,
    at: Date,
    audit: readonly AuditEntry[] = [],
  ): Promise<void> {
    const inserts = (write.insert ?? []).map(({ key, state }) => this.row(set, key, at, state));
    await this.transaction(set, async (tx) => {
      await this.expectUnchanged(tx, set, expect);
      const kids = (list: string[] | undefined) => ({ set, kid: { in: list ?? [] } });
      if (write.retire?.kids.length) {
        await tx.jsonWebKey.updateMany({
          where: { ...kids(write.retire.kids), state: "ACTIVE" },
          data: { state: "RETIRED", retiredAt: at, publishedUntil: write.retire.publishedUntil },
        });
      }
      if (write.promote?.length) {
        await tx.jsonWebKey.updateMany({
          where: { ...kids(write.promote), state: "NEXT" },
          data: { state: "ACTIVE", activatedAt: at },
        });
      }
      if (write.revoke?.length) {
        await tx.jsonWebKey.updateMany({
          where: { ...kids(write.revoke), state: { not: "REVOKED" } },
          data: { state: "REVOKED", revokedAt: at, retiredAt: at, publishedUntil: null },
        });
      }
      if (write.remove?.length) await tx.jsonWebKey.deleteMany({ where: kids(write.remove) });
      // Raw multi-row INSERTs, as the group commits do (db/raw-inserts.ts: Prisma compiles every createMany afresh).
      const provider = this.postgres ? "postgres" : "sqlite";
      if (inserts.length > 0) {
        const rows = insertKeyRows(provider, inserts);
        await tx.$executeRawUnsafe(rows.sql, ...rows.args);
      }
      if (write.schedule) {
        await tx.jsonWebKeySetPolicy.update({ where: { set }, data: { ...write.schedule, updatedAt: at } });
      }
      if (audit.length > 0) {
        const records = insertAuditRows(provider, audit.map(auditRow));
        await tx.$executeRawUnsafe(records.sql, ...records.args);
      }
      const change = lifecycleChangeOf(write);
      if (change) {
        for (const statement of new ChangeEvents(tx as Db, provider).known(set, change.kind, change.kids, at))
          await statement;
      }
    });
  }

  async getPolicy(set: string): Promise<RotationPolicy | undefined> {
    const row = await this.run(() => this.db.jsonWebKeySetPolicy.findUnique({ where: { set } }));
    if (!row) return undefined;
    const { alg, rotationPeriodSeconds, publishAheadSeconds, retirementPeriodSeconds, nextRotationAt, nextStepAt } =
      row;
    return { alg, rotationPeriodSeconds, publishAheadSeconds, retirementPeriodSeconds, nextRotationAt, nextStepAt };
  }

  async setPolicy(
    set: string,
    policy: RotationPolicy | null,
    expect: LifecycleExpectation,
    audit?: AuditEntry,
  ): Promise<boolean> {
    let changed = true;
    await this.transaction(set, async (tx) => {
      await this.expectUnchanged(tx, set, expect);
      if (policy === null) {
        changed = (await tx.jsonWebKeySetPolicy.deleteMany({ where: { set } })).count > 0;
      } else {
        const data = { ...policy, updatedAt: new Date() };
        await tx.jsonWebKeySetPolicy.upsert({ where: { set }, create: { set, ...data }, update: data });
      }
      if (audit) await tx.auditEvent.create({ data: auditRow(audit) });
    });
    return changed;
  }

  async dueSets(now: Date, limit: number): Promise<string[]> {
    const rows = await this.run(() =>
      this.db.jsonWebKeySetPolicy.findMany({
        where: { nextStepAt: { lte: now } },
        orderBy: [{ nextStepAt: "asc" }, { set: "asc" }],
        take: limit,
        select: { set: true },
      }),
    );
    return rows.map((row) => row.set);
  }

  listSets(query: SetPageQuery): Promise<{ sets: SetSummary[]; more: boolean }> {
    return this.run(() => this.listing.sets(query));
  }

  countSets(query: Pick<SetPageQuery, "nameStartsWith" | "state">): Promise<number> {
    return this.run(() => this.listing.countSets(query));
  }

  async listKeys(
    set: string,
    query: KeyPageQuery,
  ): Promise<{ keys: { record: KeyRecord; position: KeyPosition }[]; more: boolean; signingKid?: string }> {
    const page = await this.run(() => this.listing.keys(set, query));
    // Only the page's rows are opened; one that does not open fails the page, as getKeySet does.
    const keys = page.rows.map((row) => {
      const record = this.decode(row);
      return { record, position: { state: record.state, createdAt: row.createdAt, seq: row.seq } };
    });
    return { keys, more: page.more, signingKid: page.signingKid };
  }

  countKeys(set: string, state?: KeyState): Promise<number> {
    return this.run(() => this.listing.countKeys(set, state));
  }

  async ping(): Promise<void> {
    await this.run(() => this.db.$queryRaw`SELECT 1`);
  }

  /**
   * Runs the writes atomically: on Postgres behind the set's advisory lock, retried on write
   * conflicts; on SQLite as one transaction (or the single statement alone). `build` is called per
   * attempt because Prisma's promises run once. Resolves with the writes' results, in order.
   */
  private write(set: string, build: () => Write[]): Promise<unknown[]> {
    return this.run(async () => {
      for (let attempt = 1; ; attempt++) {
        const writes = build();
        try {
          if (this.postgres) {
            return (await this.db.$transaction([this.db.$executeRawUnsafe(LOCK_SQL, set), ...writes])).slice(1);
          } else if (writes.length === 1) {
            return [await writes[0]];
          } else {
            return await this.db.$transaction(writes);
          }
        } catch (error) {
          if (attempt >= MAX_ATTEMPTS || prismaCode(error) !== "P2034") throw error;
          await new Promise((resolve) => setTimeout(resolve, 5 * 2 ** attempt + Math.random() * 20));
        }
      }
    });
  }

  /** One key in its own transaction (with its audit record). */
  private async addAlone(add: PendingAdd): Promise<void> {
    try {
      await this.write(add.set, () => [
        ...this.events.known(add.set, "KEY_ADDED", [add.kid], add.row.createdAt),
        this.db.jsonWebKey.create({ data: add.row }),
        ...this.audited(add.audit),
      ]);
    } catch (error) {
      if (isUniqueViolation(error))
        throw new ConflictError(`A key with kid ${quote(add.kid)} already exists in set ${quote(add.set)}`);
      throw error;
    }
  }

  /** SQLite group commit (db/group-commit.ts): the keys of a batch and their audit records, in one transaction. */
  private async insertAdds(batch: readonly PendingAdd[]): Promise<void> {
    // Raw multi-row INSERTs: Prisma compiles every createMany afresh (db/raw-inserts.ts).
    const keys = insertKeyRows(
      "sqlite",
      batch.map((add) => add.row),
    );
    const writes: Write[] = [
      this.db.$executeRawUnsafe(keys.sql, ...keys.args),
      ...this.events.added(batch.map((add) => ({ set: add.set, kid: add.kid, at: add.row.createdAt }))),
    ];
    const audits = batch.flatMap((add) => (add.audit ? [auditRow(add.audit)] : []));
    if (audits.length > 0) {
      const records = insertAuditRows("sqlite", audits);
      writes.push(this.db.$executeRawUnsafe(records.sql, ...records.args));
    }
    await this.db.$transaction(writes);
  }

  /**
   * A batch that failed on a unique violation (a kid that exists, or the same kid twice in the
   * batch) is retried key by key, so that only the conflicting creates fail; any other failure fails
   * them all (the transaction rolled back: nothing was written).
   */
  private async addsFailed(batch: readonly Pending<PendingAdd>[], error: unknown): Promise<void> {
    if (!isUniqueViolation(error)) {
      for (const write of batch) write.reject(error);
      return;
    }
    for (const write of batch) await this.addAlone(write.item).then(write.resolve, write.reject);
  }

  /**
   * Deletes the matching rows (and `also`), announcing it and with the audit record, in one
   * transaction; true when any key was removed.
   */
  private async remove(where: { set: string; kid?: string }, audit?: AuditEntry, also: Write[] = []): Promise<boolean> {
    let announced = 0;
    const results = await this.write(where.set, () => {
      const now = new Date();
      const events =
        where.kid === undefined
          ? this.events.setDeleted(where.set, now)
          : this.events.removed(where.set, where.kid, now);
      announced = events.length;
      return [...events, this.db.jsonWebKey.deleteMany({ where }), ...also, ...this.audited(audit)];
    });
    return (results[announced] as { count: number }).count > 0;
  }

  /** An interactive transaction behind the set's lock on Postgres, retried on write conflicts. */
  private transaction(set: string, work: (tx: Tx) => Promise<void>): Promise<void> {
    return this.run(async () => {
      if (!this.postgres) return this.sqliteTransaction(work);
      for (let attempt = 1; ; attempt++) {
        try {
          await this.db.$transaction(async (tx) => {
            if (this.postgres) await tx.$executeRawUnsafe(LOCK_SQL, set);
            await work(tx);
          });
          return;
        } catch (error) {
          if (attempt >= MAX_ATTEMPTS || prismaCode(error) !== "P2034") throw error;
          await new Promise((resolve) => setTimeout(resolve, 5 * 2 ** attempt + Math.random() * 20));
        }
      }
    });
  }

  /**
   * SQLite: the store runner already runs this call alone on the one connection (db/store-runner.ts),
   * so the transaction is opened by hand, IMMEDIATE: it takes the write lock before it reads, so no
   * other process can write between the check and the writes (it waits, or SQLITE_BUSY sends the
   * whole call round again). Prisma's interactive transactions cost about 9 ms more per rotation here.
   */
  private async sqliteTransaction(work: (tx: Tx) => Promise<void>): Promise<void> {
    await this.db.$executeRawUnsafe("BEGIN IMMEDIATE");
    try {
      await work(this.db);
    } catch (error) {
      await this.db.$executeRawUnsafe("ROLLBACK");
      throw error;
    }
    await this.db.$executeRawUnsafe("COMMIT");
  }

  /** Throws LifecycleConflict unless the set's keys and its policy's next step are as planned. */
  private async expectUnchanged(tx: Tx, set: string, expect: LifecycleExpectation): Promise<void> {
    const rows = await tx.jsonWebKey.findMany({ where: { set }, select: { kid: true, state: true } });
    const states = new Map(rows.map((row) => [row.kid, isKeyState(row.state) ? row.state : "REVOKED"] as const));
    if (!sameStates(states, expect.states)) throw new LifecycleConflict(`set ${quote(set)} changed meanwhile`);
    if (expect.nextStepAt === undefined) return;
    const policy = await tx.jsonWebKeySetPolicy.findUnique({ where: { set }, select: { nextStepAt: true } });
    const stepAt = policy?.nextStepAt?.getTime() ?? null;
    if (stepAt !== (expect.nextStepAt?.getTime() ?? null))
      throw new LifecycleConflict(`the schedule of set ${quote(set)} changed meanwhile`);
  }

  /** The audit record's insert, to go into a write's batch; none without an entry. */
  private audited(audit: AuditEntry | undefined): Write[] {
    return audit ? [this.db.auditEvent.create({ data: auditRow(audit) })] : [];
  }

  private decode(row: StoredRow & RowLifecycle): KeyRecord {
    try {
      return { key: decodeKey(this.sealer, row), ...lifecycleOf(row) };
    } catch (error) {
      if (error instanceof KeyIntegrityError) this.onIntegrityFailure(error);
      throw error;
    }
  }

  /** A new row, its key sealed for (set, kid). */
  private row(set: string, key: Jwk, createdAt: Date, state: InitialState = "ACTIVE") {
    const activatedAt = state === "ACTIVE" ? createdAt : null;
    return { set, kid: key.kid, ...encodeKey(this.sealer, set, key), createdAt, state, activatedAt };
  }
}

type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];

/** How subscribers hear of a lifecycle change (domain/changes.ts), and the kids it touched. */
function lifecycleChangeOf(write: LifecycleWrite): { kind: KeySetChangeKind; kids: string[] } | undefined {
  const kids = [
    ...(write.promote ?? []),
    ...(write.insert ?? []).map(({ key }) => key.kid),
    ...(write.retire?.kids ?? []),
    ...(write.revoke ?? []),
    ...(write.remove ?? []),
  ];
  if (kids.length === 0) return undefined;
  const kind: KeySetChangeKind = write.retire
    ? "ROTATED"
    : write.remove?.length
      ? "KEY_REMOVED"
      : write.revoke?.length || write.promote?.length
        ? "STATE_CHANGED"
        : "KEY_ADDED";
  return { kind, kids: [...new Set(kids)] };
}

interface RowLifecycle {
  state: string;
  createdAt: Date;
  activatedAt: Date | null;
  retiredAt: Date | null;
  publishedUntil: Date | null;
  revokedAt: Date | null;
}

/** A row's lifecycle; a state this version does not know (written by a newer one) counts as REVOKED: never used. */
function lifecycleOf(row: RowLifecycle): KeyLifecycle {
  return {
    state: isKeyState(row.state) ? row.state : "REVOKED",
    createdAt: row.createdAt,
    activatedAt: row.activatedAt,
    retiredAt: row.retiredAt,
    publishedUntil: row.publishedUntil,
    revokedAt: row.revokedAt,
  };
}

function duplicateKid(keys: readonly Jwk[]): string | undefined {
  const seen = new Set<string>();
  for (const key of keys) {
    if (seen.has(key.kid)) return key.kid;
    seen.add(key.kid);
  }
  return undefined;
}
