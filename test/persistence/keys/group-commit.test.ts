/**
 * Concurrent creates (repository.addKey) on every store: each one succeeds or fails on its own, with
 * its own audit record, whatever else is in flight. On SQLite they are also group-committed: many
 * keys, one transaction (counted by a spy on the client's $transaction).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AuditEntry } from "../../../src/domain/audit.js";
import { ConflictError } from "../../../src/errors.js";
import { generateJwk } from "../../../src/domain/generate.js";
import type { Database } from "../../../src/persistence/db/database.js";
import { PrismaJsonWebKeyRepository } from "../../../src/persistence/keys/repository.js";
import { storeCases, type Store } from "../../support/stores.js";
import type { KeyRecord } from "../../../src/domain/lifecycle.js";

/** The members of stored keys, in order (the repository answers them with their lifecycle). */
const keysOf = (records: readonly KeyRecord[]) => records.map((record) => record.key);

/** The database with a client whose $transaction calls are counted. */
function counted(database: Database): { transactions: () => number; database: Database } {
  let transactions = 0;
  const client = new Proxy(database.client, {
    get(target, property) {
      const value = Reflect.get(target, property);
      if (property === "$transaction" && typeof value === "function") {
        return (...args: unknown[]) => {
          transactions++;
          return Reflect.apply(value, target, args);
        };
      }
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { transactions: () => transactions, database: { ...database, client } };
}

const audit = (kid: string): AuditEntry => ({
  at: new Date(),
  actor: "group-commit",
  transport: "internal",
  operation: "createJsonWebKeySet",
  set: "g",
  kid,
  outcome: "ok",
});
const es256 = (kid: string) => generateJwk({ alg: "ES256", kid, use: "sig" });

describe.each(await storeCases())("concurrent creates on $name", ({ name, open }) => {
  let store: Store;
  beforeAll(async () => {
    store = await open();
  });
  afterAll(() => store?.close());

  const auditedKids = async (set: string) =>
    (
      await store.database.client.auditEvent.findMany({
        where: { actor: "group-commit", set },
        orderBy: { seq: "asc" },
        select: { kid: true },
      })
    ).map((row) => row.kid);

  it("stores every key with its audit record, newest first in call order", async () => {
    const spy = counted(store.database);
    const repository = new PrismaJsonWebKeyRepository(spy.database, store.sealer);
    const keys = await Promise.all(Array.from({ length: 60 }, (_, i) => es256(`k${i}`)));
    await Promise.all(keys.map((key) => repository.addKey("g", key, { ...audit(key.kid), set: "g" })));
    const kids = keys.map((key) => key.kid);
    const stored = keysOf(await repository.getKeySet("g")).map((key) => key.kid);
    if (name === "sqlite") {
      // One queue: call order is commit order. Queued in one turn, committed as one group, not 60 transactions.
      expect(stored).toEqual([...kids].reverse());
      expect(await auditedKids("g")).toEqual(kids);
      expect(spy.transactions()).toBe(1);
    } else {
      // Concurrent transactions on a pool commit in any order; one transaction each (the server groups commits).
      expect([...stored].sort()).toEqual([...kids].sort());
      expect((await auditedKids("g")).sort()).toEqual([...kids].sort());
      expect(spy.transactions()).toBe(60);
    }
  });

  it("fails only the conflicting creates of a batch: a kid that exists, and the second of two equal kids", async () => {
    const repository = new PrismaJsonWebKeyRepository(store.database, store.sealer);
    await repository.addKey("c", await es256("taken"));
    const fresh = await Promise.all(["a", "b", "c", "d"].map(es256));
    const [taken, secondC] = await Promise.all([es256("taken"), es256("c")]);
    const outcomes = await Promise.allSettled([
      repository.addKey("c", fresh[0], { ...audit("a"), set: "c" }),
      repository.addKey("c", taken, { ...audit("taken"), set: "c" }),
      repository.addKey("c", fresh[1], { ...audit("b"), set: "c" }),
      repository.addKey("c", fresh[2], { ...audit("c"), set: "c" }),
      repository.addKey("c", secondC, { ...audit("c"), set: "c" }),
      repository.addKey("c", fresh[3], { ...audit("d"), set: "c" }),
    ]);
    const statuses = outcomes.map((outcome) => outcome.status);
    expect([statuses[0], statuses[1], statuses[2], statuses[5]]).toEqual([
      "fulfilled",
      "rejected",
      "fulfilled",
      "fulfilled",
    ]);
    // Of the two creates of "c", exactly one wins: on SQLite the first queued, on Postgres either.
    expect([statuses[3], statuses[4]].sort()).toEqual(["fulfilled", "rejected"]);
    if (name === "sqlite") expect(statuses[3]).toBe("fulfilled");
    for (const outcome of outcomes)
      if (outcome.status === "rejected") expect(outcome.reason).toBeInstanceOf(ConflictError);
    const stored = keysOf(await repository.getKeySet("c"));
    expect(stored.map((key) => key.kid).sort()).toEqual(["a", "b", "c", "d", "taken"]);
    const winner = statuses[3] === "fulfilled" ? fresh[2] : secondC;
    expect(stored.find((key) => key.kid === "c")!.d).toBe(winner.d);
    // Only the creates that happened are audited (the refused ones are the service's to record).
    expect((await auditedKids("c")).sort()).toEqual(["a", "b", "c", "d"]);
  });

  it("fails every create of a batch when the store fails, and stores nothing of it", async () => {
    const repository = new PrismaJsonWebKeyRepository(store.database, store.sealer);
    await store.database.client.$executeRawUnsafe("ALTER TABLE audit_event RENAME TO audit_event_away");
    try {
      const outcomes = await Promise.allSettled(
        ["x", "y", "z"].map(async (kid) => repository.addKey("f", await es256(kid), { ...audit(kid), set: "f" })),
      );
      expect(outcomes.map((outcome) => outcome.status)).toEqual(["rejected", "rejected", "rejected"]);
    } finally {
      await store.database.client.$executeRawUnsafe("ALTER TABLE audit_event_away RENAME TO audit_event");
    }
    expect(keysOf(await repository.getKeySet("f"))).toEqual([]);
    await repository.addKey("f", await es256("after"), { ...audit("after"), set: "f" });
    expect(keysOf(await repository.getKeySet("f")).map((key) => key.kid)).toEqual(["after"]);
  });
});
