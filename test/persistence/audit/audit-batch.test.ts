/**
 * Group commit of stand-alone audit records (src/persistence/audit/audit-log.ts), on every store:
 * concurrent record() calls share one INSERT, each promise settles with its batch's commit, seq
 * follows the order of the calls, a failed batch rejects its records and the next batch works.
 * Statements are counted by a spy on the Prisma client.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AuditEntry } from "../../../src/domain/audit.js";
import type { Database } from "../../../src/persistence/db/database.js";
import { MAX_AUDIT_BATCH, PrismaAuditLog } from "../../../src/persistence/audit/audit-log.js";
import { storeCases, type Store } from "../../support/stores.js";

/**
 * The database with a client whose statements are counted: every INSERT into audit_event (the log
 * writes them as raw SQL, src/persistence/db/raw-inserts.ts) with its number of rows, and any use of the
 * typed delegate or of a transaction (there should be none).
 */
function counted(database: Database) {
  const inserts: number[] = [];
  const other = { delegate: 0, transactions: 0 };
  const statements = () => inserts.length;
  const client = database.client;
  const spied = new Proxy(client, {
    get(target, property) {
      if (property === "$executeRawUnsafe") {
        return (sql: string, ...args: unknown[]) => {
          const rows = /^INSERT INTO "audit_event"/.test(sql) ? (sql.match(/\(\?|\(\$/g) ?? []).length : 0;
          if (rows > 0) inserts.push(rows);
          return target.$executeRawUnsafe(sql, ...args);
        };
      }
      if (property === "auditEvent") other.delegate++;
      if (property === "$transaction") other.transactions++;
      const value = Reflect.get(target, property);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { inserts, other, statements, database: { ...database, client: spied } };
}

const entry = (kid: string, actor = "batch-test"): AuditEntry => ({
  at: new Date(),
  actor,
  transport: "internal",
  operation: "getJsonWebKey",
  set: "batch",
  kid,
  outcome: "ok",
});

describe.each(await storeCases())("audit group commit on $name", ({ name, open }) => {
  let store: Store;
  beforeAll(async () => {
    store = await open();
  });
  afterAll(() => store?.close());

  const sql = (text: string) => store.database.client.$executeRawUnsafe(text);
  /** Kids of the stored records of `actor`, in seq order. */
  const storedKids = async (actor: string) =>
    (
      await store.database.client.auditEvent.findMany({
        where: { actor },
        orderBy: { seq: "asc" },
        select: { kid: true },
      })
    ).map((row) => row.kid);

  it("concurrent records are stored by one statement per batch of at most MAX_AUDIT_BATCH, seq in call order", async () => {
    const spy = counted(store.database);
    const log = new PrismaAuditLog(spy.database);
    const kids = Array.from({ length: 2 * MAX_AUDIT_BATCH + 7 }, (_, i) => `k${i}`);
    await Promise.all(kids.map((kid) => log.record(entry(kid, "burst"))));
    expect(await storedKids("burst")).toEqual(kids);
    // 1,031 records at once: batches of at most MAX_AUDIT_BATCH (src/persistence/db/group-commit.ts).
    expect(spy.inserts).toEqual([MAX_AUDIT_BATCH, MAX_AUDIT_BATCH, 7]);
    expect(spy.other).toEqual({ delegate: 0, transactions: 0 });
  });

  it("records that arrive while a batch is being written form the next one; an idle log writes a lone record at once", async () => {
    const spy = counted(store.database);
    const log = new PrismaAuditLog(spy.database);
    await log.record(entry("alone", "trickle"));
    expect(spy.inserts).toEqual([1]);

    const first = log.record(entry("first", "trickle"));
    // Let the first flush start, then record while it is on its way.
    await new Promise((resolve) => setImmediate(resolve));
    const later = Array.from({ length: 40 }, (_, i) => log.record(entry(`later${i}`, "trickle")));
    await Promise.all([first, ...later]);
    expect(await storedKids("trickle")).toEqual(["alone", "first", ...later.map((_, i) => `later${i}`)]);
    expect(spy.statements()).toBeLessThanOrEqual(4);
  });

  it("each promise resolves only once its record is committed", async () => {
    const log = new PrismaAuditLog(store.database);
    const kids = Array.from({ length: 25 }, (_, i) => `c${i}`);
    await Promise.all(
      kids.map(async (kid) => {
        await log.record(entry(kid, "committed"));
        // Read through another path: the record is there as soon as its promise resolved.
        expect(await store.database.client.auditEvent.count({ where: { actor: "committed", kid } })).toBe(1);
      }),
    );
  });

  it("a batch that cannot be written rejects every one of its records; the next batch is stored", async () => {
    const spy = counted(store.database);
    const log = new PrismaAuditLog(spy.database);
    await sql("ALTER TABLE audit_event RENAME TO audit_event_away");
    let results: PromiseSettledResult<void>[];
    try {
      // 16 records at once: one batch.
      results = await Promise.allSettled(
        Array.from({ length: 16 }, (_, i) => log.record(entry(`lost${i}`, "failing"))),
      );
    } finally {
      await sql("ALTER TABLE audit_event_away RENAME TO audit_event");
    }
    expect(results.map((result) => result.status)).toEqual(Array(16).fill("rejected"));
    // The batch, then two records alone; the other 14 fail untried with the batch's error.
    expect(spy.inserts).toEqual([16, 1, 1]);
    const kids = Array.from({ length: 30 }, (_, i) => `kept${i}`);
    await Promise.all(kids.map((kid) => log.record(entry(kid, "failing"))));
    expect(await storedKids("failing")).toEqual(kids);
  });

  it("a NUL in a caller-chosen name (refused by Postgres text) is stored as U+FFFD rather than failing the record", async () => {
    const log = new PrismaAuditLog(store.database);
    await Promise.all([
      log.record({ ...entry("n\u0000k", "nul"), set: "a\u0000b" }),
      log.record(entry("plain", "nul")),
    ]);
    const rows = await store.database.client.auditEvent.findMany({
      where: { actor: "nul" },
      orderBy: { seq: "asc" },
      select: { set: true, kid: true },
    });
    expect(rows).toEqual([
      { set: "a\uFFFDb", kid: "n\uFFFDk" },
      { set: "batch", kid: "plain" },
    ]);
  });

  it("a record the database refuses fails alone: the others of its batch are stored, in order", async () => {
    if (name === "sqlite") {
      await sql(
        "CREATE TRIGGER refuse_poison BEFORE INSERT ON audit_event WHEN NEW.actor = 'poison' BEGIN SELECT RAISE(ABORT, 'poison refused'); END",
      );
    } else {
      await sql(
        "CREATE FUNCTION refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF NEW.actor = 'poison' THEN RAISE EXCEPTION 'poison refused'; END IF; RETURN NEW; END $$",
      );
      await sql(
        "CREATE TRIGGER refuse_poison BEFORE INSERT ON audit_event FOR EACH ROW EXECUTE FUNCTION refuse_poison()",
      );
    }
    try {
      const log = new PrismaAuditLog(store.database);
      const actors = ["mixed", "mixed", "poison", "mixed", "mixed"];
      const results = await Promise.allSettled(actors.map((actor, i) => log.record(entry(`m${i}`, actor))));
      expect(results.map((result) => result.status)).toEqual([
        "fulfilled",
        "fulfilled",
        "rejected",
        "fulfilled",
        "fulfilled",
      ]);
      expect(await storedKids("mixed")).toEqual(["m0", "m1", "m3", "m4"]);
    } finally {
      await sql("DROP TRIGGER refuse_poison" + (name === "sqlite" ? "" : " ON audit_event"));
      if (name === "postgres") await sql("DROP FUNCTION refuse_poison()");
    }
  });
});
